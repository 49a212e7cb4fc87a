import { type Dec, dec } from '../domain/decimal.js';
import type { ColumnSpec } from './report.js';
import type { ReportRow } from './report.contract.js';
import type { ReportSource } from './export.js';

/** The batches, added to `sums` as they pass. */
export async function* counted(rows: AsyncIterable<ReportRow[]>, sums: ColumnSums): AsyncIterable<ReportRow[]> {
  for await (const batch of rows) {
    sums.add(batch);
    yield batch;
  }
}

/**
 * The totals row's sums: counts and money add up (decimal-exact); other columns stay empty. Rows
 * may be added batch by batch, so a streamed file totals what it wrote.
 */
export class ColumnSums {
  private readonly totals = new Map<string, { total: Dec; decimal: boolean }>();

  constructor(private readonly columns: ColumnSpec[]) {
    for (const column of columns) {
      const summed = (column.type === 'number' || column.type === 'money') && column.total !== 'none';
      if (summed) this.totals.set(column.id, { total: dec(0), decimal: column.type === 'money' || !!column.decimals });
    }
  }

  add(rows: ReportRow[]): this {
    for (const [id, sum] of this.totals) {
      for (const row of rows) {
        const value = row[id];
        if (value === null || value === undefined) continue;
        if (typeof value === 'string') sum.decimal = true;
        sum.total = sum.total.plus(String(value));
      }
    }
    return this;
  }

  row(): ReportRow {
    const row: ReportRow = {};
    for (const column of this.columns) {
      const sum = this.totals.get(column.id);
      row[column.id] = !sum ? null : sum.decimal ? sum.total.toFixed(column.decimals ?? 2) : sum.total.toNumber();
    }
    return row;
  }
}

/** A streamed report's file source: its batches as they come, totalled as they pass. */
export function streamedSource(rows: AsyncIterable<ReportRow[]>, columns: ColumnSpec[]): ReportSource {
  const sums = new ColumnSums(columns);
  return { rows: counted(rows, sums), totals: () => sums.row() };
}
