import { z } from 'zod';
import { calendarDate, decimal, decimalString, listSchema } from '../../lib/contract.js';

const riskLevel = z.enum(['A', 'B', 'C']);

/** One province × industry × level of a day's high-risk statistics (DOMAIN.md §7). */
export const riskStatisticSchema = z.object({
  provinceId: z.string(),
  /** HUE_TRADE_TYPE_CODE, or '-' when none. */
  industry: z.string(),
  level: riskLevel,
  highRisk: z.number().int(),
  openWarnings: z.number().int(),
  overdueWarnings: z.number().int(),
  arrearsTotal: decimalString,
});
export type RiskStatistic = z.infer<typeof riskStatisticSchema>;

/** GET /risk/statistics: the day's rows in the one list shape, the day and the totals beside them. */
export const riskStatisticsSchema = listSchema(riskStatisticSchema).extend({
  /** null: no day has been screened yet. */
  date: calendarDate.nullable(),
  totals: z.object({
    highRisk: z.number().int(),
    openWarnings: z.number().int(),
    overdueWarnings: z.number().int(),
  }),
});
export type RiskStatistics = z.infer<typeof riskStatisticsSchema>;

/** A customer on the daily HQ list (a group's arrears rolled up to its parent). */
export const riskRegisterEntrySchema = z.object({
  customerId: z.guid(),
  accountNo: z.string(),
  name: z.string(),
  departmentId: z.string(),
  provinceId: z.string().nullable(),
  industry: z.string().nullable(),
  /** null: owing at least the threshold without tripping a high-risk rule. */
  level: riskLevel.nullable(),
  /** The rules tripped, H1–H8. */
  rules: z.array(z.string()),
  arrearsCurrentYear: decimalString,
  arrearsPriorYears: decimalString,
  arrearsTotal: decimalString,
});
export type RiskRegisterEntry = z.infer<typeof riskRegisterEntrySchema>;

/** GET /risk/register: the customers owing at least `minArrears`, grouped by industry. */
export const riskRegisterSchema = z.object({
  date: calendarDate.nullable(),
  minArrears: decimalString,
  industries: z.array(z.object({ industry: z.string(), customers: z.array(riskRegisterEntrySchema) })),
});
export type RiskRegister = z.infer<typeof riskRegisterSchema>;

/** POST /risk/screenings: what a screening run did. */
export const riskScreeningResultSchema = z.object({
  date: calendarDate,
  screened: z.number().int(),
  highRisk: z.number().int(),
  warningsOpened: z.number().int(),
});
export type RiskScreeningResult = z.infer<typeof riskScreeningResultSchema>;

export interface RiskStatisticRow {
  province_id: string;
  industry: string;
  level: string;
  high_risk: number;
  open_warnings: number;
  overdue_warnings: number;
  arrears_total: string;
}

export interface RiskRegisterRow {
  customer_id: string;
  account_no: string;
  name: string;
  department_id: string;
  province_id: string | null;
  industry: string | null;
  level: string | null;
  rules: string[] | null;
  arrears_current_year: string;
  arrears_prior_years: string;
  arrears_total: string;
}

export function toRiskStatistic(row: RiskStatisticRow): RiskStatistic {
  return {
    provinceId: row.province_id,
    industry: row.industry,
    level: row.level as RiskStatistic['level'],
    highRisk: row.high_risk,
    openWarnings: row.open_warnings,
    overdueWarnings: row.overdue_warnings,
    arrearsTotal: decimal(row.arrears_total),
  };
}

export function toRiskRegisterEntry(row: RiskRegisterRow): RiskRegisterEntry {
  return {
    customerId: row.customer_id,
    accountNo: row.account_no,
    name: row.name,
    departmentId: row.department_id,
    provinceId: row.province_id,
    industry: row.industry,
    level: row.level as RiskRegisterEntry['level'],
    rules: row.rules ?? [],
    arrearsCurrentYear: decimal(row.arrears_current_year),
    arrearsPriorYears: decimal(row.arrears_prior_years),
    arrearsTotal: decimal(row.arrears_total),
  };
}
