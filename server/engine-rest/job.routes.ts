import type { Knex } from 'knex';
import { z } from 'zod';
import { noContent, route } from '../http/route.js';
import type { Actor } from '../lib/actor.js';
import { AppError } from '../lib/errors.js';
import { ENGINE_REST_TAG, type EngineRestContext, type EngineRestGroup } from './context.js';
import { CamundaError, notFound } from './errors.js';
import {
  applySort,
  booleanParam,
  countSchema,
  idList,
  isUuid,
  pageOf,
  pagingParams,
  sortOrder,
  whereId,
  whereIdIn,
} from './paging.js';
import { whereDateConditions } from './query-params.js';
import { camundaDate, parseCamundaDate } from './variables.js';

/** JobDto. */
const jobDto = z.object({
  id: z.string(),
  jobDefinitionId: z.string().nullable(),
  dueDate: z.string().nullable(),
  processInstanceId: z.string(),
  executionId: z.string(),
  processDefinitionId: z.string(),
  processDefinitionKey: z.string(),
  retries: z.number().int(),
  exceptionMessage: z.string().nullable(),
  failedActivityId: z.string().nullable(),
  suspended: z.boolean(),
  priority: z.number().int(),
  tenantId: z.string().nullable(),
  createTime: z.string().nullable(),
  batchId: z.string().nullable(),
});

interface JobRow {
  id: string;
  type: string;
  instance_id: string;
  execution_id: string;
  element_id: string;
  due_at: Date | string;
  retries: number;
  last_error: string | null;
  created_at: Date | string;
  definition_id: string;
  definition_key: string;
}

function toJobDto(row: JobRow): z.infer<typeof jobDto> {
  return {
    id: row.id,
    // Jobs here have no job definitions: one per activity and job type would be all they could say.
    jobDefinitionId: null,
    dueDate: camundaDate(row.due_at),
    processInstanceId: row.instance_id,
    executionId: row.execution_id,
    processDefinitionId: row.definition_id,
    processDefinitionKey: row.definition_key,
    retries: Number(row.retries),
    exceptionMessage: row.last_error,
    failedActivityId: row.last_error === null ? null : row.element_id,
    // A job whose retries ran out waits for new retries (retries 0), as in Camunda; nothing is suspended.
    suspended: false,
    priority: 0,
    tenantId: null,
    createTime: camundaDate(row.created_at),
    batchId: null,
  };
}

const bool = booleanParam.optional();
const query = z.object({
  jobId: z.string().optional(),
  jobIds: idList.optional(),
  jobDefinitionId: z.string().optional(),
  processInstanceId: z.string().optional(),
  processInstanceIds: idList.optional(),
  executionId: z.string().optional(),
  processDefinitionId: z.string().optional(),
  processDefinitionKey: z.string().optional(),
  activityId: z.string().optional(),
  withRetriesLeft: bool,
  executable: bool,
  timers: bool,
  messages: bool,
  dueDates: z.string().optional(),
  createTimes: z.string().optional(),
  withException: bool,
  exceptionMessage: z.string().optional(),
  failedActivityId: z.string().optional(),
  noRetriesLeft: bool,
  active: bool,
  suspended: bool,
  priorityLowerThanOrEquals: z.coerce.number().int().optional(),
  priorityHigherThanOrEquals: z.coerce.number().int().optional(),
  tenantIdIn: idList.optional(),
  withoutTenantId: bool,
  includeJobsWithoutTenantId: bool,
  acquired: bool,
  sortBy: z.string().optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});
type Query = z.infer<typeof query>;

const SORT = {
  jobId: 'j.id',
  executionId: 'j.execution_id',
  processInstanceId: 'j.instance_id',
  processDefinitionId: 'i.definition_id',
  processDefinitionKey: 'i.definition_key',
  jobPriority: 'j.id',
  jobRetries: 'j.retries',
  jobDueDate: 'j.due_at',
  tenantId: 'j.id',
};

function filter(q: Knex.QueryBuilder, f: Query, now: Date): Knex.QueryBuilder {
  whereId(q, 'j.id', f.jobId);
  whereIdIn(q, 'j.id', f.jobIds);
  whereId(q, 'j.instance_id', f.processInstanceId);
  whereIdIn(q, 'j.instance_id', f.processInstanceIds);
  if (f.executionId) q.where('j.execution_id', f.executionId);
  whereId(q, 'i.definition_id', f.processDefinitionId);
  if (f.processDefinitionKey) q.where('i.definition_key', f.processDefinitionKey);
  if (f.activityId) q.where('j.element_id', f.activityId);
  if (f.withRetriesLeft) q.where('j.retries', '>', 0);
  if (f.noRetriesLeft) q.where('j.retries', 0);
  if (f.executable) q.where('j.retries', '>', 0).where('j.due_at', '<=', now);
  // Camunda's timers are timer jobs; its "messages" are asynchronous continuations: our service calls and call results.
  if (f.timers) q.where('j.type', 'timer');
  if (f.messages) q.whereNot('j.type', 'timer');
  whereDateConditions(q, 'j.due_at', f.dueDates, 'due date');
  whereDateConditions(q, 'j.created_at', f.createTimes, 'create time');
  if (f.withException) q.whereNotNull('j.last_error');
  if (f.exceptionMessage) q.where('j.last_error', f.exceptionMessage);
  if (f.failedActivityId) q.where('j.element_id', f.failedActivityId).whereNotNull('j.last_error');
  if (f.priorityLowerThanOrEquals !== undefined && f.priorityLowerThanOrEquals < 0) q.whereRaw('false');
  if (f.priorityHigherThanOrEquals !== undefined && f.priorityHigherThanOrEquals > 0) q.whereRaw('false');
  if (f.acquired) q.where('j.locked_until', '>', now);
  if (f.suspended || f.jobDefinitionId || f.tenantIdIn?.length) q.whereRaw('false');
  return q;
}

/** Jobs of instances in the actor's job:read scope, as GET /api/v1/jobs answers them. */
async function scoped(c: EngineRestContext, actor: Actor): Promise<{ q: Knex.QueryBuilder }> {
  const inScope = await c.visibility.departmentFilter(actor, 'job', 'read', 'i.department_id');
  return { q: c.services.db('jobs as j').join('process_instances as i', 'i.id', 'j.instance_id').where(inScope) };
}

const COLUMNS = [
  'j.id',
  'j.type',
  'j.instance_id',
  'j.execution_id',
  'j.element_id',
  'j.due_at',
  'j.retries',
  'j.last_error',
  'j.created_at',
  'i.definition_id',
  'i.definition_key',
];

/** `GET /job` (+ `/count`) and `PUT /job/{id}/retries`: timers and service calls of the platform's job executor. */
export const jobRoutes: EngineRestGroup = (c) => {
  const read = { object: 'job', action: 'read' };
  return [
    route({
      method: 'get',
      path: '/job',
      tag: ENGINE_REST_TAG,
      summary: 'Query jobs (timers, service calls) of the instances the caller may read jobs of',
      permission: read,
      query,
      response: z.array(jobDto),
      async handle({ query: f, actor }) {
        const { offset, limit } = pageOf(f);
        const q = filter((await scoped(c, actor)).q, f, new Date());
        applySort(q, f, SORT, 'j.id');
        const rows = (await q.select(COLUMNS).offset(offset).limit(limit)) as JobRow[];
        return rows.map(toJobDto);
      },
    }),
    route({
      method: 'get',
      path: '/job/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count jobs',
      permission: read,
      query,
      response: countSchema,
      async handle({ query: f, actor }) {
        const q = filter((await scoped(c, actor)).q, f, new Date());
        const [row] = await q.count<{ n: string | number }[]>({ n: '*' });
        return { count: Number(row?.n ?? 0) };
      },
    }),
    route({
      method: 'put',
      path: '/job/:id/retries',
      tag: ENGINE_REST_TAG,
      summary: 'Set the retries (and due date) of a job: a failed job given retries runs again, its incident resolved',
      // The /api/v1 equivalent gives a failed job its retries back: POST /incidents/:id/retry.
      permission: { object: 'incident', action: 'retry' },
      params: z.object({ id: z.string().min(1).max(100) }),
      body: z.object({ retries: z.number().int(), dueDate: z.string().max(40).nullable().optional() }),
      response: noContent,
      async handle({ params, body, actor }) {
        if (!isUuid(params.id)) throw notFound(`No job found with id '${params.id}'.`);
        const dueAt = body.dueDate ? parseCamundaDate(body.dueDate, 'dueDate') : null;
        if (body.retries < 0) {
          throw new CamundaError(
            500,
            'InvalidRequestException',
            `ENGINE-13054 The number of job retries must be a non-negative Integer, but '${body.retries}' has been provided.`,
          );
        }
        await c.services.jobs.setRetries(params.id, body.retries, dueAt, actor).catch((err: unknown) => {
          if (err instanceof AppError && err.status === 404) throw notFound(`No job found with id '${params.id}'.`);
          throw err;
        });
        return undefined;
      },
    }),
  ];
};
