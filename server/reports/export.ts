import { once } from 'node:events';
import { createRequire } from 'node:module';
import { PassThrough, Readable } from 'node:stream';
import type ExcelJSModule from 'exceljs';
import type { ColumnSpec, Lang } from './report.js';
import type { ReportCell, ReportRow } from './report.contract.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = 'text/csv';

/**
 * exceljs is loaded at the first spreadsheet, not with the server: with what it pulls in (lodash,
 * jszip, unzipper, archiver) it was 657 of the server's 1 348 CommonJS modules and ~0.2 s of its
 * ~1.8 s of imports, and most nodes never write a spreadsheet themselves (large exports run in a
 * child process).
 */
let excel: typeof ExcelJSModule | undefined;
function exceljs(): typeof ExcelJSModule {
  return (excel ??= createRequire(import.meta.url)('exceljs') as typeof ExcelJSModule);
}

/** Excel's number formats: money to the fen, ratios as percentages, calendar dates. */
function numFmt(column: ColumnSpec): string | undefined {
  switch (column.type) {
    case 'money':
      return '0.00';
    case 'percent':
      return '0.00%';
    case 'date':
      return 'yyyy-mm-dd';
    case 'number':
      return column.decimals ? `0.${'0'.repeat(column.decimals)}` : '0';
    default:
      return undefined;
  }
}

/** A cell as Excel holds it: numbers as numbers (so sums and formats work), dates as dates. */
function excelValue(column: ColumnSpec, value: ReportCell | undefined): string | number | Date | null {
  if (value === null || value === undefined || value === '') return null;
  switch (column.type) {
    case 'money':
    case 'percent':
    case 'number':
      return Number(value);
    case 'date':
      return new Date(`${String(value)}T00:00:00Z`);
    default:
      return String(value);
  }
}

/**
 * Rows written between two waits for the compressor and the client to catch up. The 140 000-row
 * arrears detail as .xlsx peaked at 194 MB RSS in its export process with a wait every 1 000 rows,
 * 166 MB every 200, 132 MB every 100 (113 MB of it the loaded modules), in the same time.
 */
const ROWS_BETWEEN_PAUSES = 100;

/**
 * Lets the zip compressor run and, when the client reads slower than rows are made, waits until
 * it has read what is buffered: rows committed in one synchronous loop would otherwise pile up
 * in memory as compressed bytes nobody has fetched yet.
 */
async function paused(stream: PassThrough): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (stream.writableNeedDrain) await once(stream, 'drain');
}

/** Excel refuses sheet names over 31 characters or with any of []:*?/\ . */
function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
}

function totalsLabel(lang: Lang): string {
  return lang === 'en' ? 'Total' : '合计';
}

/** What a file holds: the rows, in batches as they come from the database, then the totals row. */
export interface ReportSource {
  rows: AsyncIterable<ReportRow[]> | Iterable<ReportRow[]>;
  /** Read after the last row, so a streamed report can total what went through. */
  totals(): ReportRow;
}

/**
 * The report as an .xlsx file, written by exceljs's streaming writer row by row into the returned
 * stream (each row committed as it is added, so the workbook is never held whole in memory): the
 * header row frozen, the sheet named after the report in the asked language, typed cells with
 * number formats, and the totals row last.
 */
export function xlsxStream(source: ReportSource, columns: ColumnSpec[], name: string, lang: Lang): Readable {
  const stream = new PassThrough();
  const workbook = new (exceljs().stream.xlsx.WorkbookWriter)({ stream, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName(name), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({
    header: c.label[lang],
    key: c.id,
    width: Math.max(10, c.label[lang].length * (lang === 'zh' ? 2 : 1) + 2),
    style: numFmt(c) ? { numFmt: numFmt(c) } : {},
  }));
  const write = async () => {
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    let written = 0;
    for await (const batch of source.rows) {
      for (const row of batch) {
        sheet.addRow(columns.map((c) => excelValue(c, row[c.id]))).commit();
        if (++written % ROWS_BETWEEN_PAUSES === 0) await paused(stream);
      }
    }
    const sums = source.totals();
    const totals = columns.map((c, i) => (i === 0 ? totalsLabel(lang) : excelValue(c, sums[c.id])));
    const last = sheet.addRow(totals);
    last.font = { bold: true };
    last.commit();
    sheet.commit();
    await workbook.commit();
  };
  write().catch((err: unknown) => stream.destroy(err instanceof Error ? err : new Error(String(err))));
  return stream;
}

/** A text cell that Excel would run as a formula (=, +, -, @ first) is quoted as text. */
function csvText(column: ColumnSpec, value: ReportCell | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (column.type === 'text' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as CSV, streamed batch by batch: UTF-8 with a byte-order mark (Excel opens Chinese
 * text as UTF-8 only with it), CRLF line ends, headers in the asked language, decimals as the API
 * gives them (ratios as fractions), the totals row last.
 */
export function csvStream(source: ReportSource, columns: ColumnSpec[], lang: Lang): Readable {
  const line = (cells: string[]) => `${cells.join(',')}\r\n`;
  async function* lines() {
    yield `\uFEFF${line(columns.map((c) => csvText({ ...c, type: 'text' }, c.label[lang])))}`;
    for await (const batch of source.rows) {
      yield batch.map((row) => line(columns.map((c) => csvText(c, row[c.id])))).join('');
    }
    const totals = source.totals();
    yield line(columns.map((c, i) => (i === 0 ? csvText(c, totalsLabel(lang)) : csvText(c, totals[c.id]))));
  }
  return Readable.from(lines());
}

/** The report's file in `format`: `name` is the .xlsx sheet's. */
export function fileStream(
  format: 'xlsx' | 'csv',
  source: ReportSource,
  columns: ColumnSpec[],
  name: string,
  lang: Lang,
): Readable {
  return format === 'csv' ? csvStream(source, columns, lang) : xlsxStream(source, columns, name, lang);
}
