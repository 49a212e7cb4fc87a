import { z } from 'zod';
import { Download, route, type Route } from '../http/route.js';
import type { Services } from '../http/services.js';
import { listSchema } from '../lib/contract.js';
import { CSV_TYPE, XLSX_TYPE } from './export.js';
import { reportResultSchema, reportSchema } from './report.contract.js';

const read = { object: 'report', action: 'read' } as const;
const tag = 'Reports';

/** A real calendar day (2026-02-30 is refused, not rolled over). */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
  }, 'is not a calendar date');

const reportQuery = z
  .object({
    from: day.optional(),
    to: day.optional(),
    departmentId: z.string().min(1).max(64).optional(),
    /** `json` (the default) answers the rows; `xlsx` and `csv` download them as a file. */
    format: z.enum(['json', 'xlsx', 'csv']).optional(),
    /** The language of text cells and of a file's headers and sheet name (default zh). */
    lang: z.enum(['zh', 'en']).optional(),
  })
  .strict();

/** The report centre: the catalogue and each report, as JSON, .xlsx or .csv. */
export function reportRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/reports',
      tag,
      summary: 'The catalogue of reports: id, name and description (zh and en), and the parameters each takes',
      permission: read,
      query: z.object({}).strict(),
      response: listSchema(reportSchema),
      handle: () => Promise.resolve(s.reports.catalogue()),
    }),
    route({
      method: 'get',
      path: '/reports/:id',
      tag,
      summary:
        "One report over the caller's report:read departments (departmentId narrows to a subtree in scope, else 403): columns, rows and totals, or with format=xlsx|csv the same as a file",
      permission: read,
      params: z.object({ id: z.string().min(1).max(64) }),
      query: reportQuery,
      response: reportResultSchema,
      downloads: [XLSX_TYPE, CSV_TYPE],
      handle: async ({ params, query, actor }) => {
        const answer = await s.reports.run(params.id, query, actor);
        return 'columns' in answer ? answer : new Download(answer.contentType, answer.filename, answer.body);
      },
    }),
  ];
}
