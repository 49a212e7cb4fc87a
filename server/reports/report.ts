import type { Db } from '../db/index.js';
import type { Scope } from '../access/department-subtree.js';
import type { DepartmentTree } from '../identity/departments.js';
import { type Dec, dec } from '../domain/decimal.js';
import type { LocalizedText, ReportCell, ReportColumnType, ReportRow } from './report.contract.js';

export type Lang = 'zh' | 'en';

/** A column as a report declares it; `decimals` only shapes the spreadsheet's number format. */
export interface ColumnSpec {
  id: string;
  label: LocalizedText;
  type: ReportColumnType;
  decimals?: number;
  /** How the totals row fills this column: summed (the default for number and money), or left empty. */
  total?: 'sum' | 'none';
}

/** The parameters every report runs with once validated; `from`/`to` are utility days (Asia/Shanghai). */
export interface ReportParams {
  from: string;
  to: string;
  departmentId?: string;
  /** An electricity category (ELEC_TYPE_CODE), for the reports that take one. */
  category?: string;
}

export interface ReportContext {
  db: Db;
  /** The caller's `report:read` departments, narrowed to `departmentId`'s subtree when given. */
  scope: Scope;
  tree: DepartmentTree;
  params: ReportParams;
  lang: Lang;
  /** The platform clock's now: what "overdue" and "in progress" are measured against. */
  now: Date;
}

/** One report: what the catalogue says of it and how it computes its rows. */
export interface ReportDefinition {
  id: string;
  name: LocalizedText;
  description: LocalizedText;
  /**
   * Whether it reads a period (`from`, `to`); every report takes `departmentId`. `asOf`: it reads
   * one day only, `to` (what stood on that day).
   */
  period: boolean | 'asOf';
  /** Whether it takes a `category` (an electricity category, ELEC_TYPE_CODE). */
  category?: boolean;
  columns: ColumnSpec[];
  rows(ctx: ReportContext): Promise<ReportRow[]>;
  /** Totals the column sums cannot give (ratios, distinct counts); merged over the sums. */
  totals?(rows: ReportRow[], sums: ReportRow, ctx: ReportContext): Promise<ReportRow> | ReportRow;
  /**
   * A per-row report (one row per customer, say) streams its file: every row, page by page from
   * the database, while `rows` answers only the first `rowLimit` rows as JSON (the answer says
   * it is cut) and `totals` sums every row in SQL.
   */
  stream?(ctx: ReportContext): AsyncIterable<ReportRow[]>;
  rowLimit?: number;
}

/** A department's name in the asked language (the English one when there is one). */
export function departmentName(tree: DepartmentTree, id: string | null, lang: Lang): string {
  if (!id) return '';
  const d = tree.get(id);
  if (!d) return id;
  return lang === 'en' ? (d.nameEn ?? d.name) : d.name;
}

/** `numerator / denominator` as a ratio string with 4 places, null when the base is zero. */
export function ratio(numerator: ReportCell | Dec, denominator: ReportCell | Dec): string | null {
  const base = dec(String(denominator ?? 0));
  if (base.isZero()) return null;
  return dec(String(numerator ?? 0))
    .dividedBy(base)
    .toDecimalPlaces(4, 4)
    .toFixed(4);
}

/** A count from the database (pg answers bigint counts as strings) as a JSON number. */
export function count(value: unknown): number {
  return Number(value ?? 0);
}

/** A numeric from the database as a decimal string with `places` places (money: 2). */
export function fixed(value: string | number | null | undefined, places = 2): string {
  return dec(value ?? 0).toFixed(places);
}

/** The utility's day `day` starts at this instant (Asia/Shanghai has no daylight saving). */
export function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00+08:00`);
}

/** The instant the day after `day` starts: periods are [from, to + 1 day). */
export function dayEnd(day: string): Date {
  return new Date(dayStart(day).getTime() + 24 * 3600 * 1000);
}
