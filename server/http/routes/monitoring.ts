import { z } from 'zod';
import { route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { uuidParam } from './schemas.js';
import { listSchema } from '../../lib/contract.js';
import {
  acknowledgementSchema,
  activitiesSchema,
  alertsSchema,
  bottlenecksSchema,
  dashboardSchema,
  instanceViewSchema,
  waitingInstanceSchema,
  workloadSchema,
} from '../../monitoring/contract.js';

const read = { object: 'dashboard', action: 'read' } as const;
const tag = 'Monitoring';

const departmentId = z.string().min(1).max(64).optional();
const dashboardQuery = z
  .object({
    definitionKey: z.string().min(1).max(200),
    version: z.coerce.number().int().min(1).optional(),
    departmentId,
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    bucket: z.enum(['hour', 'day']).optional(),
  })
  .strict();

/** Issue 8: process dashboards, live diagram figures, bottlenecks, workload, SLA alerts, instance view. */
export function monitoringRoutes(s: Services): Route[] {
  const m = s.monitoring;
  return [
    route({
      method: 'get',
      path: '/monitoring/dashboard',
      tag,
      summary:
        "A process's dashboard in the caller's part of the organisation: instance counts, throughput per hour or day, backlog per step, SLA compliance, open incidents",
      permission: read,
      query: dashboardQuery,
      response: dashboardSchema,
      handle: async ({ query, actor }) => m.dashboards.dashboard(query, actor),
    }),
    route({
      method: 'get',
      path: '/monitoring/activities',
      tag,
      summary:
        'Per element of the diagram: tokens waiting now, and total, waiting and working durations (mean, p50, p90) and SLA breach share over the period',
      permission: read,
      query: dashboardQuery,
      response: activitiesSchema,
      handle: async ({ query, actor }) => m.dashboards.activities(query, actor),
    }),
    route({
      method: 'get',
      path: '/monitoring/activities/:elementId/instances',
      tag,
      summary: 'The instances with a token waiting at one element now, oldest first',
      permission: read,
      params: z.object({ elementId: z.string().min(1).max(200) }),
      query: dashboardQuery.extend({ limit: z.coerce.number().int().min(1).max(500).optional() }),
      response: listSchema(waitingInstanceSchema),
      handle: async ({ params, query, actor }) => m.dashboards.activityInstances(params.elementId, query, actor),
    }),
    route({
      method: 'get',
      path: '/monitoring/bottlenecks',
      tag,
      summary:
        "Steps ranked by time lost now, with waiting versus working time, p50/p90, SLA breach share and each person's pace, and a first diagnosis",
      permission: read,
      query: dashboardQuery,
      response: bottlenecksSchema,
      handle: async ({ query, actor }) => m.dashboards.bottlenecks(query, actor),
    }),
    route({
      method: 'get',
      path: '/monitoring/workload',
      tag,
      summary: 'Open tasks per person and per candidate group (unclaimed), with overdue counts and the oldest',
      permission: read,
      query: z.object({ definitionKey: z.string().min(1).max(200).optional(), departmentId }).strict(),
      response: workloadSchema,
      handle: async ({ query, actor }) => m.dashboards.workload(query, actor),
    }),
    route({
      method: 'get',
      path: '/monitoring/alerts',
      tag,
      summary:
        'Tasks and instances that breach their deadline within the horizon (ISO 8601 duration, default from SLA_HORIZON) or have breached it, with acknowledgements',
      permission: read,
      query: z
        .object({
          horizon: z.string().min(2).max(40).optional(),
          departmentId,
          definitionKey: z.string().min(1).max(200).optional(),
          limit: z.coerce.number().int().min(1).max(500).optional(),
        })
        .strict(),
      response: alertsSchema,
      handle: async ({ query, actor }) => m.alerts.list(query, actor),
    }),
    route({
      method: 'post',
      path: '/monitoring/alerts/:id/ack',
      tag,
      summary:
        'Acknowledge the SLA alert on a task (or, with subjectType "instance", an instance); reassign through POST /tasks/:id/assign',
      permission: read,
      params: uuidParam,
      body: z
        .object({
          kind: z.enum(['due-soon', 'breached']).optional(),
          subjectType: z.enum(['task', 'instance']).optional(),
          note: z.string().max(500).optional(),
        })
        .strict(),
      response: acknowledgementSchema,
      handle: async ({ params, body, actor }) => m.alerts.acknowledge(params.id, body, actor),
    }),
    route({
      method: 'get',
      path: '/monitoring/instances/:id',
      tag,
      summary:
        'One instance for investigation: timeline with actors, waiting and working times, variables, incidents (retry at POST /incidents/:id/retry), diagram and path taken',
      permission: read,
      params: uuidParam,
      response: instanceViewSchema,
      handle: async ({ params, actor }) => m.instances.get(params.id, actor),
    }),
  ];
}
