import { z } from 'zod';
import { Download, noContent, rawResponse, route, type Route } from '../http/route.js';
import { uuidParam } from '../http/routes/schemas.js';
import type { Services } from '../http/services.js';
import { listSchema } from '../lib/contract.js';
import { departmentScope } from '../access/department-subtree.js';
import { departmentSchema } from '../identity/department.contract.js';
import { wholeList } from '../workflow/paging.js';
import { CSV_TYPE, XLSX_TYPE } from './export.js';
import { reportResultSchema, reportSchema } from './report.contract.js';
import { reportScheduleInputSchema, reportScheduleSchema } from './schedules.contract.js';

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
    /** An electricity category (ELEC_TYPE_CODE), for the reports that take one. */
    category: z.string().min(1).max(8).optional(),
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
    // Before /reports/:id, which would otherwise take "departments" or "schedules" for a report id.
    route({
      method: 'get',
      path: '/reports/departments',
      tag,
      summary:
        "The departments of the caller's report:read scope in tree order (zh and en names): what a report's departmentId may be",
      permission: read,
      query: z.object({}).strict(),
      response: listSchema(departmentSchema),
      handle: async ({ actor }) =>
        wholeList(await s.organisation.departmentsIn(await departmentScope(s.authorization, actor, 'report', 'read'))),
    }),
    route({
      method: 'get',
      path: '/reports/schedules',
      tag,
      summary: "The caller's report schedules, each with the files its runs produced (newest first)",
      permission: read,
      query: z.object({}).strict(),
      response: listSchema(reportScheduleSchema),
      handle: async ({ actor }) => {
        const items = await s.reports.schedules.list(actor);
        return { items, total: items.length, totalCapped: false, offset: 0, limit: items.length, hasMore: false };
      },
    }),
    route({
      method: 'post',
      path: '/reports/schedules',
      tag,
      summary:
        'Schedule a report daily (the day before) or monthly (the month before); it runs with the owner’s scope at run time and keeps the last 30 .xlsx files. At most 20 schedules a user (409 past that)',
      permission: read,
      body: reportScheduleInputSchema,
      response: reportScheduleSchema,
      status: 201,
      handle: ({ body, actor }) => s.reports.schedules.create(body, actor),
    }),
    route({
      method: 'delete',
      path: '/reports/schedules/:id',
      tag,
      summary: 'Delete one of your report schedules and its files',
      permission: read,
      params: uuidParam,
      response: noContent,
      handle: async ({ params, actor }) => {
        await s.reports.schedules.delete(params.id, actor);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/reports/files/:id',
      tag,
      summary: 'Download a file one of your report schedules produced (.xlsx)',
      permission: read,
      params: uuidParam,
      response: rawResponse(XLSX_TYPE),
      downloads: [XLSX_TYPE],
      handle: async ({ params, actor }) => {
        const file = await s.reports.schedules.file(params.id, actor);
        return new Download(file.contentType, file.filename, file.bytes);
      },
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
