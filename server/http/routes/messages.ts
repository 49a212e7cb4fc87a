import { z } from 'zod';
import { noContent, route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { pagingQuery, uuidParam, variablesSchema } from './schemas.js';
import { listSchema } from '../../lib/contract.js';
import { correlationResultSchema } from '../../workflow/message.contract.js';
import { signalResultSchema } from '../../workflow/signal.contract.js';
import {
  incidentBulkRetryResultSchema,
  incidentBulkRetrySchema,
  incidentGroupSchema,
  incidentListItemSchema,
  incidentRetrySchema,
  incidentSearchSchema,
} from '../../workflow/incident.contract.js';
import { wholeList } from '../../workflow/paging.js';
import { jobSchema } from '../../workflow/job.contract.js';

export function messageAndIncidentRoutes(s: Services): Route[] {
  return [
    route({
      method: 'post',
      path: '/messages',
      tag: 'Messages',
      summary: 'Deliver a message to the one waiting instance (404 none, 409 ambiguous) or start a process by it',
      permission: { object: 'message', action: 'correlate' },
      body: z
        .object({
          name: z.string().min(1).max(200),
          businessKey: z.string().max(200).optional(),
          correlationKeys: variablesSchema.optional(),
          variables: variablesSchema.optional(),
          departmentId: z.string().max(64).optional(),
        })
        .strict(),
      response: correlationResultSchema,
      handle: async ({ body, actor }) => s.messages.correlate(body, actor),
    }),
    route({
      method: 'post',
      path: '/signals',
      tag: 'Messages',
      summary:
        'Broadcast a signal: every waiting signal event (of the instances the caller may correlate into) takes it, and every process whose signal start event has the name starts',
      permission: { object: 'message', action: 'correlate' },
      body: z
        .object({
          name: z.string().min(1).max(200),
          variables: variablesSchema.optional(),
          departmentId: z.string().max(64).optional(),
        })
        .strict(),
      response: signalResultSchema,
      handle: async ({ body, actor }) => s.signals.throw(body, actor),
    }),
    route({
      method: 'get',
      path: '/incidents',
      tag: 'Incidents',
      summary:
        'List incidents (open by default) across processes: by process, type, element, error message, department (and its subtree), dates',
      permission: { object: 'incident', action: 'read' },
      query: incidentSearchSchema.extend(pagingQuery),
      response: listSchema(incidentListItemSchema),
      handle: async ({ query, actor }) => s.incidents.list(query, { offset: query.offset, limit: query.limit }, actor),
    }),
    route({
      method: 'get',
      path: '/incidents/groups',
      tag: 'Incidents',
      summary: 'Incidents grouped by process, type, element and error message, with counts (largest first)',
      permission: { object: 'incident', action: 'read' },
      query: incidentSearchSchema,
      response: listSchema(incidentGroupSchema),
      handle: async ({ query, actor }) => wholeList(await s.incidents.groups(query, actor)),
    }),
    route({
      method: 'post',
      path: '/incidents/retry',
      tag: 'Incidents',
      summary:
        'Retry many incidents (by id, or the open ones a filter finds, at most 500), one transaction each; answers per incident',
      permission: { object: 'incident', action: 'retry' },
      body: incidentBulkRetrySchema,
      response: incidentBulkRetryResultSchema,
      handle: async ({ body, actor }) => s.incidents.retryMany(body, actor),
    }),
    route({
      method: 'post',
      path: '/incidents/:id/retry',
      tag: 'Incidents',
      summary: 'Retry the failed job behind an incident',
      permission: { object: 'incident', action: 'retry' },
      params: uuidParam,
      response: incidentRetrySchema,
      handle: async ({ params, actor }) => s.incidents.retry(params.id, actor),
    }),
    route({
      method: 'get',
      path: '/jobs',
      tag: 'Jobs',
      summary: 'List jobs (timers, service calls) of an instance',
      permission: { object: 'job', action: 'read' },
      query: z.object({ instanceId: z.guid(), ...pagingQuery }),
      response: listSchema(jobSchema),
      handle: async ({ query, actor }) =>
        s.jobs.list(query.instanceId, { offset: query.offset, limit: query.limit }, actor),
    }),
    route({
      method: 'post',
      path: '/jobs/:id/execute',
      tag: 'Jobs',
      summary: 'Run a job now, whatever its due time (e.g. fire a timer early)',
      permission: { object: 'job', action: 'execute' },
      params: uuidParam,
      response: noContent,
      async handle({ params, actor, ctx }) {
        await s.jobs.executeNow(params.id, actor);
        await s.audit.record(actor, 'job.execute', 'job', params.id, {}, ctx);
        return undefined;
      },
    }),
  ];
}
