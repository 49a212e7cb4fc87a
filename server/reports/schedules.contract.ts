import { z } from 'zod';
import { localizedTextSchema } from './report.contract.js';

export const REPORT_FREQUENCIES = ['daily', 'monthly'] as const;
export type ReportFrequency = (typeof REPORT_FREQUENCIES)[number];

/**
 * The parameters a schedule keeps: the dates are not among them, each run takes them from its
 * frequency (daily: the day before; monthly: the month before).
 */
export const scheduleParametersSchema = z.strictObject({
  departmentId: z.string().min(1).max(64).optional(),
  category: z.string().min(1).max(8).optional(),
});

/** The body of `POST /reports/schedules`. */
export const reportScheduleInputSchema = z.strictObject({
  reportId: z.string().min(1).max(64),
  parameters: scheduleParametersSchema.default({}),
  frequency: z.enum(REPORT_FREQUENCIES),
  /** The language of the files' headers, sheet name and text cells. */
  language: z.enum(['zh', 'en']).default('zh'),
});
export type ReportScheduleInput = z.infer<typeof reportScheduleInputSchema>;

/** A file a schedule's run produced (`GET /reports/files/:id` downloads it). */
export const reportFileSchema = z.object({
  id: z.string(),
  scheduleId: z.string(),
  filename: z.string(),
  size: z.number(),
  /** The parameters the run used, dates included. */
  parameters: z.record(z.string(), z.string()),
  createdAt: z.string(),
});
export type ReportFileEntry = z.infer<typeof reportFileSchema>;

/** One of the caller's schedules, with the files its runs produced (newest first). */
export const reportScheduleSchema = z.object({
  id: z.string(),
  reportId: z.string(),
  reportName: localizedTextSchema,
  parameters: scheduleParametersSchema,
  frequency: z.enum(REPORT_FREQUENCIES),
  language: z.enum(['zh', 'en']),
  /** The utility day (YYYY-MM-DD) from which the next run is due. */
  nextRunOn: z.string(),
  lastRunAt: z.string().nullable(),
  /** Why the last run produced no file (e.g. the department left the owner's scope), else null. */
  lastError: z.string().nullable(),
  createdAt: z.string(),
  files: z.array(reportFileSchema),
});
export type ReportSchedule = z.infer<typeof reportScheduleSchema>;

/** What a client sends (parameters and language may be left out). */
export type ReportScheduleRequest = z.input<typeof reportScheduleInputSchema>;
