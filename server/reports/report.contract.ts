import { z } from 'zod';

/**
 * The report centre's contract. Names, descriptions and column labels carry both languages
 * (`{ zh, en }`), so the catalogue and a report's columns read the same in either UI language
 * without a second round trip; the rows' text cells (department, step, person) follow `lang`.
 */
export const localizedTextSchema = z.object({ zh: z.string(), en: z.string() });
export type LocalizedText = z.infer<typeof localizedTextSchema>;

export const REPORT_COLUMN_TYPES = ['number', 'money', 'date', 'text', 'percent'] as const;
export type ReportColumnType = (typeof REPORT_COLUMN_TYPES)[number];

export const REPORT_PARAMETER_TYPES = ['date', 'department', 'choice'] as const;

export const reportParameterSchema = z.object({
  /** The query parameter's name. */
  id: z.string(),
  type: z.enum(REPORT_PARAMETER_TYPES),
  required: z.boolean(),
  label: localizedTextSchema,
  description: localizedTextSchema,
  /** A `choice` parameter's values (e.g. the electricity categories) with their labels. */
  options: z.array(z.object({ value: z.string(), label: localizedTextSchema })).optional(),
});
export type ReportParameter = z.infer<typeof reportParameterSchema>;

/** One report of the catalogue (`GET /reports`). */
export const reportSchema = z.object({
  id: z.string(),
  name: localizedTextSchema,
  description: localizedTextSchema,
  /** The query parameters this report takes besides `format` and `lang`; any other is a 400. */
  parameters: z.array(reportParameterSchema),
});
export type ReportSummary = z.infer<typeof reportSchema>;

export const reportColumnSchema = z.object({
  id: z.string(),
  label: localizedTextSchema,
  /**
   * How to read a cell: `number` (a count as a JSON number, or a quantity such as kWh as a
   * decimal string), `money` (yuan as a decimal string), `percent` (a ratio as a decimal string,
   * 0.9512 = 95.12 %, null when its base is zero), `date` (YYYY-MM-DD), `text`.
   */
  type: z.enum(REPORT_COLUMN_TYPES),
});
export type ReportColumn = z.infer<typeof reportColumnSchema>;

/** A cell: a number, a decimal or text string, or null (no value). */
export const reportCellSchema = z.union([z.string(), z.number(), z.null()]);
export type ReportCell = z.infer<typeof reportCellSchema>;
export const reportRowSchema = z.record(z.string(), reportCellSchema);
export type ReportRow = z.infer<typeof reportRowSchema>;

/** A report's answer: its columns, one object per row keyed by column id, and the totals row. */
export const reportResultSchema = z.object({
  id: z.string(),
  /** The parameters the report ran with, defaults filled in (from, to as YYYY-MM-DD). */
  parameters: z.record(z.string(), z.string()),
  columns: z.array(reportColumnSchema),
  rows: z.array(reportRowSchema),
  /** Column id → total over every row (summed counts and money, recomputed ratios); null where a total means nothing. */
  totals: reportRowSchema,
  /** A per-row report answers its first rows only (its file holds every row); true when rows were left out. */
  truncated: z.boolean().optional(),
});
export type ReportResult = z.infer<typeof reportResultSchema>;
