import { z } from 'zod';
import { yearMonthString } from '../../domain/tariffs/index.js';
import { route, type Route } from '../route.js';
import { billingRunSchema } from '../../marketing/billing-run.contract.js';
import type { Services } from '../services.js';
import { uuidParam } from './schemas.js';

export const billingRunStartSchema = z.strictObject({
  period: yearMonthString('period'),
  /** Bill this department's subtree only; absent: every department the caller may run billing for. */
  departmentId: z.string().min(1).max(64).optional(),
});

/** The billing run (DOMAIN.md §4): start one for a period, watch its progress. */
export function billingRoutes(s: Services): Route[] {
  return [
    route({
      method: 'post',
      path: '/billing/runs',
      tag: 'Billing',
      summary:
        'Start the billing run for a period (YYYY-MM), for all departments or one subtree; answers 202 with the run, which continues in the background',
      permission: { object: 'billing', action: 'run' },
      body: billingRunStartSchema,
      status: 202,
      response: billingRunSchema,
      handle: async ({ body, actor }) => s.billingRuns.start(body, actor),
    }),
    route({
      method: 'get',
      path: '/billing/runs/:id',
      tag: 'Billing',
      summary: 'A billing run: status (running, completed, failed) and its counts so far',
      permission: { object: 'billing', action: 'read' },
      params: uuidParam,
      response: billingRunSchema,
      handle: async ({ params, actor }) => s.billingRuns.get(params.id, actor),
    }),
  ];
}
