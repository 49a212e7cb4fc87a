import type { Knex } from 'knex';
import { z } from 'zod';
import { Answer, noContent, route } from '../http/route.js';
import { AppError, NotFound } from '../lib/errors.js';
import type { Actor } from '../lib/actor.js';
import { ENGINE_REST_TAG, type EngineRestContext, type EngineRestGroup } from './context.js';
import { invalidRequest, notFound } from './errors.js';
import {
  applySort,
  booleanParam,
  countSchema,
  idList,
  listParam,
  pageOf,
  pagingParams,
  sortingEntry,
  sortOrder,
  whereId,
  whereIdIn,
} from './paging.js';
import { TASK_DTO_COLUMNS, taskDto, toTaskDto, type TaskDtoRow } from './task.dto.js';
import { fromCamundaVariables, parseCamundaDate, toCamundaVariables, variablesIn, variablesOut } from './variables.js';

const bool = z.union([z.boolean(), booleanParam]);
const date = z.string();
const taskFilter = {
  taskId: z.string().optional(),
  taskIdIn: idList.optional(),
  processInstanceId: z.string().optional(),
  processInstanceIdIn: idList.optional(),
  processInstanceBusinessKey: z.string().optional(),
  processInstanceBusinessKeyLike: z.string().optional(),
  processDefinitionId: z.string().optional(),
  processDefinitionKey: z.string().optional(),
  processDefinitionKeyIn: idList.optional(),
  executionId: z.string().optional(),
  assignee: z.string().optional(),
  assigneeLike: z.string().optional(),
  assigneeIn: idList.optional(),
  owner: z.string().optional(),
  candidateGroup: z.string().optional(),
  candidateGroups: idList.optional(),
  candidateUser: z.string().optional(),
  includeAssignedTasks: bool.optional(),
  assigned: bool.optional(),
  unassigned: bool.optional(),
  taskDefinitionKey: z.string().optional(),
  taskDefinitionKeyIn: idList.optional(),
  taskDefinitionKeyLike: z.string().optional(),
  name: z.string().optional(),
  nameNotEqual: z.string().optional(),
  nameLike: z.string().optional(),
  priority: z.coerce.number().int().optional(),
  minPriority: z.coerce.number().int().optional(),
  maxPriority: z.coerce.number().int().optional(),
  dueBefore: date.optional(),
  dueAfter: date.optional(),
  followUpBefore: date.optional(),
  followUpAfter: date.optional(),
  createdBefore: date.optional(),
  createdAfter: date.optional(),
  delegationState: z.enum(['PENDING', 'RESOLVED']).optional(),
  withCandidateGroups: bool.optional(),
  withoutCandidateGroups: bool.optional(),
  withCandidateUsers: bool.optional(),
  withoutCandidateUsers: bool.optional(),
  active: bool.optional(),
  suspended: bool.optional(),
  tenantIdIn: idList.optional(),
  withoutTenantId: bool.optional(),
};
const taskQuery = z.object({
  ...taskFilter,
  sortBy: z.string().optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});
const taskQueryBody = z.object({ ...taskFilter, sorting: z.array(sortingEntry).optional() });
type TaskFilter = z.infer<typeof taskQueryBody>;

const SORT = {
  instanceId: 'instance_id',
  dueDate: 'due_at',
  executionId: 'execution_id',
  assignee: 'assignee',
  created: 'created_at',
  lastUpdated: 'created_at',
  followUpDate: 'follow_up_at',
  id: 'id',
  name: 'name',
  nameCaseInsensitive: 'name',
  priority: 'priority',
  processDefinitionId: 'definition_id',
  taskDefinitionKey: 'element_id',
};

const at = (value: string, what: string) => parseCamundaDate(value, what);

/**
 * The SQL of Camunda's task query over the tasks the actor may see. `candidateUser` is the
 * task-claimable rule evaluated for that user (access/task-claimable.ts), never a rule of our own.
 */
async function taskQueryOf(c: EngineRestContext, f: TaskFilter, actor: Actor): Promise<{ q: Knex.QueryBuilder }> {
  const db = c.services.db;
  const q = db('tasks')
    .where('status', 'open')
    .where((await c.visibility.taskVisible(actor)).where('tasks'));
  whereId(q, 'id', f.taskId);
  whereIdIn(q, 'id', f.taskIdIn);
  whereId(q, 'instance_id', f.processInstanceId);
  whereIdIn(q, 'instance_id', f.processInstanceIdIn);
  if (f.processInstanceBusinessKey) q.where('business_key', f.processInstanceBusinessKey);
  if (f.processInstanceBusinessKeyLike) q.whereLike('business_key', f.processInstanceBusinessKeyLike);
  whereId(q, 'definition_id', f.processDefinitionId);
  if (f.processDefinitionKey) q.where('definition_key', f.processDefinitionKey);
  if (f.processDefinitionKeyIn) q.whereIn('definition_key', f.processDefinitionKeyIn);
  if (f.executionId) q.where('execution_id', f.executionId);
  if (f.assignee) q.where('assignee', f.assignee);
  if (f.assigneeLike) q.whereLike('assignee', f.assigneeLike);
  if (f.assigneeIn) q.whereIn('assignee', f.assigneeIn);
  if (f.owner) q.where('owner', f.owner);
  const groups = [...(f.candidateGroup ? [f.candidateGroup] : []), ...(f.candidateGroups ?? [])];
  if (groups.length) q.whereRaw('candidate_groups && ?::text[]', [groups]);
  if (f.candidateUser) {
    const candidate = await actorNamed(c, f.candidateUser, actor);
    if (!candidate) q.whereRaw('false');
    else q.where((await c.visibility.taskClaimable(candidate)).where('tasks'));
  }
  // Camunda leaves assigned tasks out of candidate queries unless asked to include them.
  if ((groups.length || f.candidateUser) && !f.includeAssignedTasks) q.whereNull('assignee');
  if (f.assigned) q.whereNotNull('assignee');
  if (f.unassigned) q.whereNull('assignee');
  if (f.taskDefinitionKey) q.where('element_id', f.taskDefinitionKey);
  if (f.taskDefinitionKeyIn) q.whereIn('element_id', f.taskDefinitionKeyIn);
  if (f.taskDefinitionKeyLike) q.whereLike('element_id', f.taskDefinitionKeyLike);
  if (f.name) q.where('name', f.name);
  if (f.nameNotEqual) q.whereNot('name', f.nameNotEqual);
  if (f.nameLike) q.whereLike('name', f.nameLike);
  if (f.priority !== undefined) q.where('priority', f.priority);
  if (f.minPriority !== undefined) q.where('priority', '>=', f.minPriority);
  if (f.maxPriority !== undefined) q.where('priority', '<=', f.maxPriority);
  if (f.dueBefore) q.where('due_at', '<', at(f.dueBefore, 'dueBefore'));
  if (f.dueAfter) q.where('due_at', '>', at(f.dueAfter, 'dueAfter'));
  if (f.followUpBefore) q.where('follow_up_at', '<', at(f.followUpBefore, 'followUpBefore'));
  if (f.followUpAfter) q.where('follow_up_at', '>', at(f.followUpAfter, 'followUpAfter'));
  if (f.createdBefore) q.where('created_at', '<', at(f.createdBefore, 'createdBefore'));
  if (f.createdAfter) q.where('created_at', '>', at(f.createdAfter, 'createdAfter'));
  if (f.delegationState) q.where('delegation_state', f.delegationState.toLowerCase());
  if (f.withCandidateGroups) q.whereRaw('cardinality(candidate_groups) > 0');
  if (f.withoutCandidateGroups) q.whereRaw('cardinality(candidate_groups) = 0');
  if (f.withCandidateUsers) q.whereRaw('cardinality(candidate_users) > 0');
  if (f.withoutCandidateUsers) q.whereRaw('cardinality(candidate_users) = 0');
  if (f.suspended === true || f.active === false || f.tenantIdIn?.length) q.whereRaw('false');
  // Wrapped: a query builder is a thenable, and returning it from an async function would run it.
  return { q };
}

/** The actor a `candidateUser` names: the caller, or another active user as the rules see them. */
async function actorNamed(c: EngineRestContext, username: string, actor: Actor): Promise<Actor | null> {
  if (username === actor.username) return actor;
  const user = await c.services.db('users').where({ username, active: true }).first<{ id: string } | undefined>('id');
  return user ? c.services.auth.loadActor(user.id, 'user') : null;
}

async function listTasks(
  c: EngineRestContext,
  f: TaskFilter,
  sort: { sortBy?: string; sortOrder?: 'asc' | 'desc' },
  paging: { firstResult?: number; maxResults?: number },
  actor: Actor,
) {
  const { offset, limit } = pageOf(paging);
  const { q } = await taskQueryOf(c, f, actor);
  if (f.sorting?.length) for (const entry of f.sorting) applySort(q, entry, SORT, 'id');
  else applySort(q, sort, SORT, 'id');
  const rows = await q.select<TaskDtoRow[]>(TASK_DTO_COLUMNS).offset(offset).limit(limit);
  return rows.map(toTaskDto);
}

async function countTasks(c: EngineRestContext, f: TaskFilter, actor: Actor) {
  const [row] = await (await taskQueryOf(c, f, actor)).q.count<{ n: string | number }[]>({ n: '*' });
  return { count: Number(row?.n ?? 0) };
}

/** The platform's 404 for a task, in Camunda's words. */
function taskErrors(id: string, verb?: string) {
  return (err: unknown): never => {
    if (err instanceof NotFound) {
      throw notFound(verb ? `Cannot ${verb} task ${id}: task does not exist` : `No matching task with id ${id}`);
    }
    throw err;
  };
}

const idParam = z.object({ id: z.string().min(1).max(100) });
const userBody = z.object({ userId: z.string().max(200).nullable().optional() });

/** Tasks: the user tasks of the platform (server/tasks), through the task service. */
export const taskRoutes: EngineRestGroup = (c) => {
  const s = c.services;
  const read = { object: 'task', action: 'read' };
  const visibleTask = async (id: string, actor: Actor) => {
    const row = await whereId(s.db('tasks'), 'id', id)
      .where('status', 'open')
      .where((await c.visibility.taskVisible(actor)).where('tasks'))
      .first<TaskDtoRow | undefined>(TASK_DTO_COLUMNS);
    if (!row) throw notFound(`No matching task with id ${id}`);
    return row;
  };
  const variablesOf = async (task: TaskDtoRow, actor: Actor) => {
    const instance = await s
      .db('process_instances')
      .where({ id: task.instance_id })
      .where((await c.visibility.instanceReadable(actor)).where('process_instances'))
      .first<{ variables: Record<string, unknown> } | undefined>('variables');
    const locals = await s
      .db('tasks')
      .where({ id: task.id })
      .first<{ locals: Record<string, unknown> | null }>('locals');
    return { ...(instance?.variables ?? {}), ...(locals?.locals ?? {}) };
  };
  const claimFor = async (id: string, userId: string | null, actor: Actor) => {
    const task = await visibleTask(id, actor);
    if (userId === actor.username && task.assignee !== actor.username) {
      await s.tasks.claim(id, actor).catch(taskErrors(id, 'claim'));
    } else if (userId !== task.assignee) {
      // Claiming for someone else is a reassignment: team leaders within their subtree.
      await s.tasks.assign(id, userId, actor).catch(taskErrors(id, 'assign'));
    }
  };
  return [
    route({
      method: 'get',
      path: '/task',
      tag: ENGINE_REST_TAG,
      summary: 'Query the open tasks the caller may see',
      permission: read,
      query: taskQuery,
      response: z.array(taskDto),
      handle: async ({ query, actor }) => listTasks(c, query, query, query, actor),
    }),
    route({
      method: 'post',
      path: '/task',
      tag: ENGINE_REST_TAG,
      summary: 'Query open tasks with a JSON body',
      permission: read,
      query: z.object(pagingParams),
      body: taskQueryBody,
      response: z.array(taskDto),
      handle: async ({ query, body, actor }) => listTasks(c, body, {}, query, actor),
    }),
    route({
      method: 'get',
      path: '/task/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count the open tasks the caller may see',
      permission: read,
      query: taskQuery,
      response: countSchema,
      handle: async ({ query, actor }) => countTasks(c, query, actor),
    }),
    route({
      method: 'post',
      path: '/task/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count open tasks with a JSON body',
      permission: read,
      body: taskQueryBody,
      response: countSchema,
      handle: async ({ body, actor }) => countTasks(c, body, actor),
    }),
    route({
      method: 'get',
      path: '/task/:id',
      tag: ENGINE_REST_TAG,
      summary: 'One open task',
      permission: read,
      params: idParam,
      response: taskDto,
      handle: async ({ params, actor }) => toTaskDto(await visibleTask(params.id, actor)),
    }),
    route({
      method: 'post',
      path: '/task/:id/claim',
      tag: ENGINE_REST_TAG,
      summary: 'Claim a task for a user (the caller; another user is a reassignment)',
      permission: { object: 'task', action: 'claim' },
      params: idParam,
      body: z.object({ userId: z.string().min(1).max(200) }),
      response: noContent,
      async handle({ params, body, actor }) {
        await claimFor(params.id, body.userId, actor);
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/task/:id/unclaim',
      tag: ENGINE_REST_TAG,
      summary: 'Release a task (the holder; anyone else is a reassignment)',
      permission: { object: 'task', action: 'claim' },
      params: idParam,
      response: noContent,
      async handle({ params, actor }) {
        const task = await visibleTask(params.id, actor);
        if (task.assignee === actor.username) await s.tasks.unclaim(params.id, actor).catch(taskErrors(params.id));
        else if (task.assignee) await s.tasks.assign(params.id, null, actor).catch(taskErrors(params.id));
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/task/:id/assignee',
      tag: ENGINE_REST_TAG,
      summary: 'Set the assignee of a task (the caller on an unclaimed task is a claim)',
      permission: { object: 'task', action: 'claim' },
      params: idParam,
      body: userBody,
      response: noContent,
      async handle({ params, body, actor }) {
        await claimFor(params.id, body.userId ?? null, actor);
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/task/:id/complete',
      tag: ENGINE_REST_TAG,
      summary: 'Complete a task the caller holds, with variables; 200 with the process variables when asked',
      permission: { object: 'task', action: 'complete' },
      params: idParam,
      body: z.object({ variables: variablesIn.optional(), withVariablesInReturn: z.boolean().optional() }),
      response: variablesOut.optional(),
      otherStatuses: [204],
      async handle({ params, body, actor }) {
        await visibleTask(params.id, actor);
        const done = await s.tasks
          .complete(params.id, fromCamundaVariables(body.variables), actor)
          .catch(taskErrors(params.id, 'complete'));
        if (!body.withVariablesInReturn) return new Answer(204, undefined);
        const instance = await s
          .db('process_instances')
          .where({ id: done.instanceId })
          .first<{ variables: Record<string, unknown> } | undefined>('variables');
        return toCamundaVariables(instance?.variables);
      },
    }),
    route({
      method: 'get',
      path: '/task/:id/variables',
      tag: ENGINE_REST_TAG,
      summary: 'The variables visible from a task (its process variables and its locals)',
      permission: read,
      params: idParam,
      query: z.object({ deserializeValues: booleanParam.optional(), variableNames: listParam.optional() }),
      response: variablesOut,
      handle: async ({ params, query, actor }) =>
        toCamundaVariables(await variablesOf(await visibleTask(params.id, actor), actor), query.variableNames),
    }),
    route({
      method: 'get',
      path: '/task/:id/form-variables',
      tag: ENGINE_REST_TAG,
      summary: 'The values of the fields of a task’s form (all visible variables when the task has no form)',
      permission: read,
      params: idParam,
      query: z.object({ deserializeValues: booleanParam.optional(), variableNames: listParam.optional() }),
      response: variablesOut,
      async handle({ params, query, actor }) {
        const task = await visibleTask(params.id, actor);
        if (!task.form_key) return toCamundaVariables(await variablesOf(task, actor), query.variableNames);
        const form = await s.tasks.form(params.id, actor).catch((err: unknown) => {
          if (err instanceof AppError && err.status === 404) return null;
          throw err;
        });
        const values = form ? form.data : await variablesOf(task, actor);
        return toCamundaVariables(values, query.variableNames);
      },
    }),
    route({
      method: 'get',
      path: '/task/:id/form',
      tag: ENGINE_REST_TAG,
      summary: 'The form key of a task',
      permission: read,
      params: idParam,
      response: z.object({
        key: z.string().nullable(),
        camundaFormRef: z.object({ key: z.string(), binding: z.string(), version: z.number().nullable() }).nullable(),
        contextPath: z.string().nullable(),
      }),
      async handle({ params, actor }) {
        const task = await visibleTask(params.id, actor);
        if (!task.form_key) throw invalidRequest(`No form key defined for task ${params.id}`);
        return { key: task.form_key, camundaFormRef: null, contextPath: null };
      },
    }),
  ];
};
