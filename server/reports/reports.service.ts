import type { Db } from '../db/index.js';
import { departmentScope, departmentScopeWithin } from '../access/department-subtree.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { type Clock, utilityToday } from '../lib/clock.js';
import { Invalid, NotFound } from '../lib/errors.js';
import { REPORTS, summaryOf } from './catalogue.js';
import { CSV_TYPE, toCsv, XLSX_TYPE, xlsxStream } from './export.js';
import type { Lang, ReportDefinition, ReportParams } from './report.js';
import type { ReportResult, ReportRow, ReportSummary } from './report.contract.js';
import { dec } from '../domain/decimal.js';
import type { List } from '../lib/contract.js';

/** The query of `GET /reports/:id` once its shape is checked (routes.ts). */
export interface ReportQuery {
  from?: string;
  to?: string;
  departmentId?: string;
  format?: 'json' | 'xlsx' | 'csv';
  lang?: Lang;
}

/** A report as a file (`format=xlsx|csv`); the route sends it as an attachment. */
export interface ReportFile {
  contentType: string;
  filename: string;
  body: string | NodeJS.ReadableStream;
}

/** The first day of a YYYY-MM-DD day's month. */
function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/**
 * The report centre: the catalogue, and one report run in the caller's part of the organisation
 * (their `report:read` departments, the same Casbin grants and subtree rule as every list),
 * answered as JSON or as a file.
 */
export class ReportsService {
  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
    private readonly clock: Clock,
  ) {}

  catalogue(): List<ReportSummary> {
    const items = REPORTS.map(summaryOf);
    return { items, total: items.length, totalCapped: false, offset: 0, limit: items.length, hasMore: false };
  }

  async run(id: string, query: ReportQuery, actor: Actor): Promise<ReportResult | ReportFile> {
    const report = REPORTS.find((r) => r.id === id);
    if (!report) throw new NotFound('report', id);
    const params = this.params(report, query);
    const scope = params.departmentId
      ? await departmentScopeWithin(this.authorization, actor, 'report', 'read', params.departmentId)
      : await departmentScope(this.authorization, actor, 'report', 'read');
    const lang = query.lang ?? 'zh';
    const ctx = {
      db: this.db,
      scope,
      tree: await this.authorization.tree(),
      params,
      lang,
      now: new Date(this.clock.now()),
    };
    const rows = await report.rows(ctx);
    const sums = sumColumns(report, rows);
    const totals = { ...sums, ...(report.totals ? await report.totals(rows, sums, ctx) : {}) };
    const result: ReportResult = {
      id: report.id,
      // A report without a period answers for now: its from/to are not parameters it took.
      parameters: {
        ...(report.period ? { from: params.from, to: params.to } : {}),
        ...(params.departmentId ? { departmentId: params.departmentId } : {}),
      },
      columns: report.columns.map(({ id: columnId, label, type }) => ({ id: columnId, label, type })),
      rows,
      totals,
    };
    const format = query.format ?? 'json';
    if (format === 'json') return result;
    const filename = report.period
      ? `${report.id}_${params.from}_${params.to}`
      : `${report.id}_${utilityToday(this.clock)}`;
    if (format === 'csv')
      return { contentType: CSV_TYPE, filename: `${filename}.csv`, body: toCsv(result, report.columns, lang) };
    return {
      contentType: XLSX_TYPE,
      filename: `${filename}.xlsx`,
      body: xlsxStream(result, report.columns, report.name[lang], lang),
    };
  }

  /** Defaults filled in, and what only this report refuses: a period on a report without one, from after to. */
  private params(report: ReportDefinition, query: ReportQuery): ReportParams {
    if (!report.period) {
      const given = (['from', 'to'] as const).filter((k) => query[k] !== undefined);
      if (given.length) {
        throw new Invalid(
          'VALIDATION_FAILED',
          `report ${report.id} takes no ${given.join(' or ')}: it has no period, it answers for now`,
          given.map((k) => ({ field: `query.${k}`, reason: 'not a parameter of this report' })),
        );
      }
      const today = utilityToday(this.clock);
      return { from: today, to: today, departmentId: query.departmentId };
    }
    const to = query.to ?? utilityToday(this.clock);
    const from = query.from ?? monthStart(to);
    if (from > to) {
      throw new Invalid('VALIDATION_FAILED', `invalid query: from ${from} is after to ${to}`, [
        { field: 'query.from', reason: 'is after to' },
      ]);
    }
    return { from, to, departmentId: query.departmentId };
  }
}

/** The totals row's sums: counts and money add up (decimal-exact); other columns stay empty. */
function sumColumns(report: ReportDefinition, rows: ReportRow[]): ReportRow {
  const totals: ReportRow = {};
  for (const column of report.columns) {
    const summed = (column.type === 'number' || column.type === 'money') && column.total !== 'none';
    if (!summed) {
      totals[column.id] = null;
      continue;
    }
    let total = dec(0);
    let decimal = column.type === 'money' || !!column.decimals;
    for (const row of rows) {
      const value = row[column.id];
      if (value === null || value === undefined) continue;
      if (typeof value === 'string') decimal = true;
      total = total.plus(String(value));
    }
    totals[column.id] = decimal ? total.toFixed(column.decimals ?? 2) : total.toNumber();
  }
  return totals;
}
