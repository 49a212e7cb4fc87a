import type { Context } from 'koa';
import { z } from 'zod';
import { AppError } from '../lib/errors.js';
import { noContent, rawResponse, route } from '../http/route.js';
import type { ExternalTaskFilter, ExternalTaskSortKey } from '../external-tasks/external-tasks.repository.js';
import type { ExternalTask, LockedExternalTask } from '../external-tasks/external-tasks.service.js';
import { ENGINE_REST_TAG, type EngineRestGroup } from './context.js';
import { CamundaError, invalidRequest } from './errors.js';
import {
  booleanParam,
  countSchema,
  listParam,
  pageOf,
  pagingParams,
  sortingEntry,
  sortingOf,
  sortOrder,
  type Paging,
} from './paging.js';
import {
  camundaDate,
  fromCamundaVariables,
  parseCamundaDate,
  toCamundaVariables,
  variablesIn,
  variablesOut,
} from './variables.js';

/**
 * Camunda 7.24's external task API (`/engine-rest/external-task/...`): workers fetch and lock
 * tasks by topic, complete them, report failures and BPMN errors, extend or drop their locks;
 * operators query them and set retries. Over server/external-tasks; shapes, statuses and messages
 * as Camunda's REST reference and ExternalTaskResourceImpl answer them.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idParams = z.object({ id: z.string() });
const WORK = { object: 'external-task', action: 'work' } as const;
const READ = { object: 'external-task', action: 'read' } as const;

/** ExternalTaskDto. */
const externalTaskDto = z.object({
  activityId: z.string(),
  activityInstanceId: z.string(),
  errorMessage: z.string().nullable(),
  executionId: z.string(),
  id: z.string(),
  lockExpirationTime: z.string().nullable(),
  createTime: z.string(),
  processDefinitionId: z.string(),
  processDefinitionKey: z.string(),
  processDefinitionVersionTag: z.string().nullable(),
  processInstanceId: z.string(),
  tenantId: z.string().nullable(),
  retries: z.number().int().nullable(),
  suspended: z.boolean(),
  workerId: z.string().nullable(),
  topicName: z.string(),
  priority: z.number().int(),
  businessKey: z.string().nullable(),
});

/** LockedExternalTaskDto: what fetchAndLock hands a worker. */
const lockedExternalTaskDto = externalTaskDto.extend({
  errorDetails: z.string().nullable(),
  variables: variablesOut,
  extensionProperties: z.record(z.string(), z.string()),
});

const fetchTopic = z.object({
  topicName: z.string().min(1),
  lockDuration: z.number().int().min(0),
  variables: z.array(z.string()).nullable().optional(),
  localVariables: z.boolean().optional(),
  businessKey: z.string().optional(),
  processDefinitionId: z.string().optional(),
  processDefinitionIdIn: z.array(z.string()).optional(),
  processDefinitionKey: z.string().optional(),
  processDefinitionKeyIn: z.array(z.string()).optional(),
  processDefinitionVersionTag: z.string().optional(),
  withoutTenantId: z.boolean().optional(),
  tenantIdIn: z.array(z.string()).optional(),
  processVariables: z.record(z.string(), z.unknown()).optional(),
  deserializeValues: z.boolean().optional(),
  includeExtensionProperties: z.boolean().optional(),
});

const fetchBody = z.object({
  workerId: z.string().min(1),
  maxTasks: z.number().int().min(0),
  usePriority: z.boolean().optional(),
  asyncResponseTimeout: z.number().int().min(0).optional(),
  topics: z.array(fetchTopic).default([]),
  sorting: z
    .array(z.object({ sortBy: z.literal('createTime'), sortOrder }))
    .nullable()
    .optional(),
});

const workerBody = z.object({ workerId: z.string().min(1) });

const SORT_KEYS = [
  'id',
  'lockExpirationTime',
  'processInstanceId',
  'processDefinitionId',
  'processDefinitionKey',
  'taskPriority',
  'createTime',
  'tenantId',
] as const;

/** The query parameters of GET /external-task and /count (ExternalTaskQueryDto). */
const queryParams = z.object({
  externalTaskId: z.string().optional(),
  externalTaskIdIn: listParam.optional(),
  topicName: z.string().optional(),
  workerId: z.string().optional(),
  locked: booleanParam.optional(),
  notLocked: booleanParam.optional(),
  withRetriesLeft: booleanParam.optional(),
  noRetriesLeft: booleanParam.optional(),
  lockExpirationAfter: z.string().optional(),
  lockExpirationBefore: z.string().optional(),
  activityId: z.string().optional(),
  activityIdIn: listParam.optional(),
  executionId: z.string().optional(),
  processInstanceId: z.string().optional(),
  processInstanceIdIn: listParam.optional(),
  processDefinitionId: z.string().optional(),
  processDefinitionKey: z.string().optional(),
  processDefinitionKeyIn: listParam.optional(),
  active: booleanParam.optional(),
  suspended: booleanParam.optional(),
  priorityHigherThanOrEquals: z.coerce.number().int().optional(),
  priorityLowerThanOrEquals: z.coerce.number().int().optional(),
  sortBy: z.enum(SORT_KEYS).optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});

/** The body of POST /external-task and /count: the same filters as JSON, sorting as a list. */
const queryBody = z.object({
  externalTaskId: z.string().optional(),
  externalTaskIdIn: z.array(z.string()).optional(),
  topicName: z.string().optional(),
  workerId: z.string().optional(),
  locked: z.boolean().optional(),
  notLocked: z.boolean().optional(),
  withRetriesLeft: z.boolean().optional(),
  noRetriesLeft: z.boolean().optional(),
  lockExpirationAfter: z.string().optional(),
  lockExpirationBefore: z.string().optional(),
  activityId: z.string().optional(),
  activityIdIn: z.array(z.string()).optional(),
  executionId: z.string().optional(),
  processInstanceId: z.string().optional(),
  processInstanceIdIn: z.array(z.string()).optional(),
  processDefinitionId: z.string().optional(),
  processDefinitionKey: z.string().optional(),
  processDefinitionKeyIn: z.array(z.string()).optional(),
  active: z.boolean().optional(),
  suspended: z.boolean().optional(),
  priorityHigherThanOrEquals: z.number().int().optional(),
  priorityLowerThanOrEquals: z.number().int().optional(),
  sorting: z.array(sortingEntry).nullable().optional(),
});

type QueryInput = z.infer<typeof queryBody>;

export const externalTaskRoutes: EngineRestGroup = ({ services }) => {
  const tasks = services.externalTasks;
  /** One page of the list, whichever form (query parameters or body) the query came in. */
  const list = async (
    filter: ReturnType<typeof filterOf>,
    sorting: Parameters<typeof tasks.list>[1],
    paging: Paging,
    actor: Parameters<typeof tasks.list>[3],
    ctx: Parameters<typeof json>[0],
  ) => {
    const page = pageOf(paging);
    json(ctx);
    const found = await tasks.list(filter, sorting, { firstResult: page.offset, maxResults: page.limit }, actor);
    return found.map(toDto);
  };
  return [
    route({
      method: 'post',
      path: '/external-task/fetchAndLock',
      tag: ENGINE_REST_TAG,
      summary: 'Fetch and lock external tasks by topic (long polling with asyncResponseTimeout)',
      permission: WORK,
      body: fetchBody,
      response: z.array(lockedExternalTaskDto),
      handle: async ({ body, actor, ctx }) => {
        for (const topic of body.topics) {
          if (
            topic.processVariables &&
            Object.values(topic.processVariables).some((v) => v !== null && typeof v === 'object')
          )
            throw invalidRequest('processVariables filters compare with single values only');
        }
        const left = new AbortController();
        const onClose = () => left.abort();
        ctx.req.once('close', onClose);
        try {
          const locked = await camunda(() =>
            tasks.fetchAndLock(
              {
                ...body,
                sorting: body.sorting ?? undefined,
                topics: body.topics.map((t) => ({ ...t, variables: t.variables ?? null })),
              },
              actor,
              left.signal,
            ),
          );
          json(ctx);
          return locked.map(toLockedDto);
        } finally {
          ctx.req.off('close', onClose);
        }
      },
    }),
    route({
      method: 'get',
      path: '/external-task/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count external tasks',
      permission: READ,
      query: queryParams,
      response: countSchema,
      handle: async ({ query, actor, ctx }) => {
        json(ctx);
        return { count: await tasks.count(filterOf(query), actor) };
      },
    }),
    route({
      method: 'post',
      path: '/external-task/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count external tasks (query in the body)',
      permission: READ,
      body: queryBody,
      response: countSchema,
      handle: async ({ body, actor, ctx }) => {
        json(ctx);
        return { count: await tasks.count(filterOf(body), actor) };
      },
    }),
    route({
      method: 'get',
      path: '/external-task',
      tag: ENGINE_REST_TAG,
      summary: 'List external tasks',
      permission: READ,
      query: queryParams,
      response: z.array(externalTaskDto),
      handle: ({ query, actor, ctx }) => list(filterOf(query), sortingOf(query), query, actor, ctx),
    }),
    route({
      method: 'post',
      path: '/external-task',
      tag: ENGINE_REST_TAG,
      summary: 'List external tasks (query in the body; firstResult and maxResults as query parameters)',
      permission: READ,
      query: z.object(pagingParams),
      body: queryBody,
      response: z.array(externalTaskDto),
      handle: async ({ query, body, actor, ctx }) => {
        const sorting = (body.sorting ?? []).map((s) => {
          if (!(SORT_KEYS as readonly string[]).includes(s.sortBy))
            throw invalidRequest(`Cannot set query parameter 'sortBy' to value '${s.sortBy}'`);
          return { sortBy: s.sortBy as ExternalTaskSortKey, sortOrder: s.sortOrder };
        });
        return list(filterOf(body), sorting, query, actor, ctx);
      },
    }),
    route({
      method: 'get',
      path: '/external-task/:id',
      tag: ENGINE_REST_TAG,
      summary: 'Get an external task',
      permission: READ,
      params: idParams,
      response: externalTaskDto,
      handle: async ({ params, actor, ctx }) => {
        const task = await onTask(params.id, () => tasks.get(params.id, actor));
        json(ctx);
        return toDto(task);
      },
    }),
    route({
      method: 'get',
      path: '/external-task/:id/errorDetails',
      tag: ENGINE_REST_TAG,
      summary: 'The error details of the last failure a worker reported',
      permission: READ,
      params: idParams,
      response: rawResponse('text/plain'),
      handle: async ({ params, actor }) => (await onTask(params.id, () => tasks.errorDetails(params.id, actor))) ?? '',
    }),
    route({
      method: 'post',
      path: '/external-task/:id/complete',
      tag: ENGINE_REST_TAG,
      summary: 'Complete an external task: the process continues with the variables',
      permission: WORK,
      params: idParams,
      body: workerBody.extend({ variables: variablesIn.optional(), localVariables: variablesIn.optional() }),
      response: noContent,
      handle: async ({ params, body, actor }) => {
        const variables = fromCamundaVariables(body.variables);
        // The task's local variables end with it (no output mapping runs here); they are checked, not kept.
        fromCamundaVariables(body.localVariables);
        await onTask(params.id, () => tasks.complete(params.id, body.workerId, variables, actor), true);
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/external-task/:id/failure',
      tag: ENGINE_REST_TAG,
      summary: 'Report a failure: retried after retryTimeout, an incident at 0 retries',
      permission: WORK,
      params: idParams,
      body: workerBody.extend({
        errorMessage: z.string().nullable().optional(),
        errorDetails: z.string().nullable().optional(),
        retries: z.number().int().optional(),
        retryTimeout: z.number().int().optional(),
        variables: variablesIn.optional(),
        localVariables: variablesIn.optional(),
      }),
      response: noContent,
      handle: async ({ params, body, actor }) => {
        await onTask(params.id, () =>
          tasks.handleFailure(
            params.id,
            {
              workerId: body.workerId,
              errorMessage: body.errorMessage,
              errorDetails: body.errorDetails,
              retries: body.retries ?? 0,
              retryTimeout: body.retryTimeout ?? 0,
            },
            actor,
          ),
        );
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/external-task/:id/bpmnError',
      tag: ENGINE_REST_TAG,
      summary: 'Throw a BPMN error at the external task (caught by an error boundary event)',
      permission: WORK,
      params: idParams,
      body: workerBody.extend({
        errorCode: z.string().min(1),
        errorMessage: z.string().nullable().optional(),
        variables: variablesIn.optional(),
      }),
      response: noContent,
      handle: async ({ params, body, actor }) => {
        const variables = fromCamundaVariables(body.variables);
        await onTask(params.id, () => tasks.bpmnError(params.id, { ...body, variables }, actor), true);
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/external-task/:id/extendLock',
      tag: ENGINE_REST_TAG,
      summary: "Extend the worker's lock to newDuration ms from now",
      permission: WORK,
      params: idParams,
      body: workerBody.extend({ newDuration: z.number().int() }),
      response: noContent,
      handle: async ({ params, body, actor }) => {
        await onTask(params.id, () => tasks.extendLock(params.id, body.workerId, body.newDuration, actor));
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/external-task/:id/unlock',
      tag: ENGINE_REST_TAG,
      summary: 'Unlock an external task: clears its worker and lock expiration',
      permission: WORK,
      params: idParams,
      response: noContent,
      handle: async ({ params, actor }) => {
        await onTask(params.id, () => tasks.unlock(params.id, actor));
        return undefined;
      },
    }),
    route({
      method: 'put',
      path: '/external-task/:id/retries',
      tag: ENGINE_REST_TAG,
      summary: 'Set the retries: 0 raises an incident, more resolves it and makes the task fetchable',
      permission: { object: 'external-task', action: 'retry' },
      params: idParams,
      body: z.object({ retries: z.number().int().nullable().optional() }),
      response: noContent,
      handle: async ({ params, body, actor }) => {
        if (body.retries === null || body.retries === undefined)
          throw invalidRequest('The number of retries cannot be null.');
        const retries = body.retries;
        await onTask(params.id, () => tasks.setRetries(params.id, retries, actor));
        return undefined;
      },
    }),
  ];
};

/** Camunda clients read JSON only when the type is exactly `application/json` (no charset). */
function json(ctx: Context): void {
  ctx.set('Content-Type', 'application/json');
}

/** Errors of a request about one task, in ExternalTaskResourceImpl's words and statuses. */
async function onTask<T>(id: string, work: () => Promise<T>, resumes = false): Promise<T> {
  if (!UUID.test(id)) throw missing(id);
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.status === 404 && err.code === 'NOT_FOUND' && err.message.includes(id)) throw missing(id);
    if (err.status === 400) throw new CamundaError(400, 'RestException', err.message);
    // Camunda: "the corresponding process instance could not be resumed successfully" is a 500.
    if (resumes && err.status === 409) throw new CamundaError(500, 'ProcessEngineException', err.message);
    throw err;
  }
}

/** fetchAndLock's refusals are InvalidRequestExceptions (400). */
async function camunda<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError && err.status === 400) throw invalidRequest(err.message);
    throw err;
  }
}

function missing(id: string): CamundaError {
  return new CamundaError(404, 'RestException', `External task with id ${id} does not exist`);
}

function filterOf(input: QueryInput | z.infer<typeof queryParams>): ExternalTaskFilter {
  const date = (text: string | undefined, what: string) => (text ? parseCamundaDate(text, what) : undefined);
  const uuids = (values: string[] | undefined) => values?.filter((v) => UUID.test(v));
  const uuid = (value: string | undefined) => (value === undefined || UUID.test(value) ? value : NO_ID);
  return {
    externalTaskId: uuid(input.externalTaskId),
    externalTaskIdIn: uuids(input.externalTaskIdIn),
    topicName: input.topicName,
    workerId: input.workerId,
    locked: input.locked,
    notLocked: input.notLocked,
    withRetriesLeft: input.withRetriesLeft,
    noRetriesLeft: input.noRetriesLeft,
    lockExpirationAfter: date(input.lockExpirationAfter, 'lockExpirationAfter'),
    lockExpirationBefore: date(input.lockExpirationBefore, 'lockExpirationBefore'),
    activityId: input.activityId,
    activityIdIn: input.activityIdIn,
    executionId: input.executionId,
    processInstanceId: uuid(input.processInstanceId),
    processInstanceIdIn: uuids(input.processInstanceIdIn),
    processDefinitionId: uuid(input.processDefinitionId),
    processDefinitionKey: input.processDefinitionKey,
    processDefinitionKeyIn: input.processDefinitionKeyIn,
    active: input.active,
    suspended: input.suspended,
    priorityHigherThanOrEquals: input.priorityHigherThanOrEquals,
    priorityLowerThanOrEquals: input.priorityLowerThanOrEquals,
  };
}

/** An id no row has: a filter by a malformed id matches nothing (instead of failing the uuid cast). */
const NO_ID = '00000000-0000-0000-0000-000000000000';

function toDto(task: ExternalTask): z.infer<typeof externalTaskDto> {
  return {
    activityId: task.activityId,
    activityInstanceId: task.executionId,
    errorMessage: task.errorMessage,
    executionId: task.executionId,
    id: task.id,
    lockExpirationTime: camundaDate(task.lockExpirationTime),
    createTime: camundaDate(task.createTime) as string,
    processDefinitionId: task.processDefinitionId,
    processDefinitionKey: task.processDefinitionKey,
    processDefinitionVersionTag: null,
    processInstanceId: task.processInstanceId,
    tenantId: null,
    retries: task.retries,
    suspended: false,
    workerId: task.workerId,
    topicName: task.topicName,
    priority: task.priority,
    businessKey: task.businessKey,
  };
}

function toLockedDto(task: LockedExternalTask): z.infer<typeof lockedExternalTaskDto> {
  return {
    ...toDto(task),
    errorDetails: task.errorDetails,
    variables: toCamundaVariables(task.variables),
    extensionProperties: {},
  };
}
