import { utilityToday } from '../../lib/clock.js';
import { z } from 'zod';
import { decimalString, isoDateString } from '../../domain/tariffs/index.js';
import {
  riskRegisterSchema,
  riskScreeningResultSchema,
  riskStatisticsSchema,
} from '../../processes/risk/statistics.contract.js';
import {
  riskWarningProvinceSchema,
  riskWarningProvincesSchema,
} from '../../processes/risk/warning-provinces.contract.js';
import { route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { uuidParam } from './schemas.js';
import { supervisionRoutes } from '../../supervision/routes.js';

export const riskStatisticsQuery = z.strictObject({ date: isoDateString('date').optional() });
export const riskRegisterQuery = z.strictObject({
  date: isoDateString('date').optional(),
  minArrears: decimalString('minArrears', 'non-negative').default('1000000'),
});
export const riskScreeningBody = z.strictObject({ date: isoDateString('date').optional() });
export const riskWarningProvinceParams = uuidParam.extend({
  provinceId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a department id: letters, digits, _ and -')
    .describe("the province's department id, e.g. ZJ"),
});

/** The high-risk register (DOMAIN.md §7): daily statistics, and HQ's screening on demand. */
export function riskRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/risk/statistics',
      tag: 'Risk',
      summary:
        'Daily high-risk statistics by province, industry and level: high-risk customers, open and overdue warnings (default: the latest day screened)',
      permission: { object: 'dashboard', action: 'read' },
      query: riskStatisticsQuery,
      response: riskStatisticsSchema,
      handle: async ({ query, actor }) => s.processes.riskStatistics.daily(query.date, actor),
    }),
    route({
      method: 'get',
      path: '/risk/register',
      tag: 'Risk',
      summary:
        'The daily HQ list: customers with arrears of at least minArrears (default 1 000 000 yuan; a group rolled up to its parent), split current-year / old, grouped by industry',
      permission: { object: 'dashboard', action: 'read' },
      query: riskRegisterQuery,
      response: riskRegisterSchema,
      handle: async ({ query, actor }) => s.processes.riskStatistics.register(query.date, query.minArrears, actor),
    }),
    route({
      method: 'post',
      path: '/risk/screenings',
      tag: 'Risk',
      summary:
        'Run the high-risk screening now (it runs nightly at 01:00): screens H1–H8, opens warning work orders, computes the day’s statistics',
      permission: { object: 'risk', action: 'screen' },
      body: riskScreeningBody,
      response: riskScreeningResultSchema,
      handle: async ({ body }) => {
        const date = body.date ?? utilityToday(s.processes.clock);
        return { date, ...(await s.processes.screenNow(date)) };
      },
    }),
    route({
      method: 'get',
      path: '/risk-warnings/:id/provinces',
      tag: 'Risk',
      summary:
        "A group's warning order by province: each province's state (open, answered, overdue, escalated), its answer's measure and evidence, the answering department and the deadline; a province's staff see their own province only",
      permission: { object: 'instance', action: 'read' },
      params: uuidParam,
      response: riskWarningProvincesSchema,
      handle: async ({ params, actor }) => s.processes.riskWarningProvinces.list(params.id, actor),
    }),
    route({
      method: 'get',
      path: '/risk-warnings/:id/provinces/:provinceId',
      tag: 'Risk',
      summary: "One province's part of a group's warning order (404 for a province whose instance you may not read)",
      permission: { object: 'instance', action: 'read' },
      params: riskWarningProvinceParams,
      response: riskWarningProvinceSchema,
      handle: async ({ params, actor }) => s.processes.riskWarningProvinces.get(params.id, params.provinceId, actor),
    }),
    ...supervisionRoutes(s),
  ];
}
