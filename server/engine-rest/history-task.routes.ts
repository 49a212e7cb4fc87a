import type { Knex } from 'knex';
import { z } from 'zod';
import { route } from '../http/route.js';
import type { Actor } from '../lib/actor.js';
import { ENGINE_REST_TAG, type EngineRestContext, type EngineRestGroup } from './context.js';
import { historicTaskInstanceDto, toHistoricTaskInstanceDto, type HistoricTaskRow } from './history.dto.js';
import { applySort, booleanParam, countSchema, idList, pageOf, pagingParams, sortOrder, whereId } from './paging.js';
import { dateOf, dateParam, eitherRule, refuseUnsupported, unsupportedParams } from './query-params.js';

/** Documented filters over data the platform does not keep (variables, task descriptions, cases, OR queries). */
const UNSUPPORTED = [
  'taskVariables',
  'processVariables',
  'orQueries',
  'taskParentTaskId',
  'caseInstanceId',
  'caseExecutionId',
  'caseDefinitionId',
  'caseDefinitionKey',
  'caseDefinitionName',
] as const;

const bool = booleanParam.optional();
const query = z.object({
  taskId: z.string().optional(),
  processInstanceId: z.string().optional(),
  rootProcessInstanceId: z.string().optional(),
  processInstanceBusinessKey: z.string().optional(),
  processInstanceBusinessKeyIn: idList.optional(),
  processInstanceBusinessKeyLike: z.string().optional(),
  executionId: z.string().optional(),
  processDefinitionId: z.string().optional(),
  processDefinitionKey: z.string().optional(),
  processDefinitionName: z.string().optional(),
  activityInstanceIdIn: idList.optional(),
  taskName: z.string().optional(),
  taskNameLike: z.string().optional(),
  taskDescription: z.string().optional(),
  taskDescriptionLike: z.string().optional(),
  taskDefinitionKey: z.string().optional(),
  taskDefinitionKeyIn: idList.optional(),
  taskDeleteReason: z.string().optional(),
  taskDeleteReasonLike: z.string().optional(),
  taskAssignee: z.string().optional(),
  taskAssigneeLike: z.string().optional(),
  taskOwner: z.string().optional(),
  taskOwnerLike: z.string().optional(),
  taskPriority: z.coerce.number().int().optional(),
  assigned: bool,
  unassigned: bool,
  finished: bool,
  unfinished: bool,
  processFinished: bool,
  processUnfinished: bool,
  taskDueDate: dateParam.optional(),
  taskDueDateBefore: dateParam.optional(),
  taskDueDateAfter: dateParam.optional(),
  withoutTaskDueDate: bool,
  taskFollowUpDate: dateParam.optional(),
  taskFollowUpDateBefore: dateParam.optional(),
  taskFollowUpDateAfter: dateParam.optional(),
  startedBefore: dateParam.optional(),
  startedAfter: dateParam.optional(),
  finishedBefore: dateParam.optional(),
  finishedAfter: dateParam.optional(),
  tenantIdIn: idList.optional(),
  withoutTenantId: bool,
  variableNamesIgnoreCase: bool,
  variableValuesIgnoreCase: bool,
  taskInvolvedUser: z.string().optional(),
  taskInvolvedGroup: z.string().optional(),
  taskHadCandidateUser: z.string().optional(),
  taskHadCandidateGroup: z.string().optional(),
  withCandidateGroups: bool,
  withoutCandidateGroups: bool,
  ...unsupportedParams(UNSUPPORTED),
  sortBy: z.string().optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});
type Query = z.infer<typeof query>;

const SORT = {
  taskId: 't.id',
  activityInstanceId: 't.execution_id',
  processDefinitionId: 't.definition_id',
  processInstanceId: 't.instance_id',
  executionId: 't.execution_id',
  duration: 'duration_ms',
  endTime: 't.completed_at',
  startTime: 't.created_at',
  taskName: 't.name',
  taskDescription: 't.id',
  assignee: 't.assignee',
  owner: 't.owner',
  dueDate: 't.due_at',
  followUpDate: 't.follow_up_at',
  deleteReason: 't.status',
  taskDefinitionKey: 't.element_id',
  priority: 't.priority',
  caseDefinitionId: 't.id',
  caseInstanceId: 't.id',
  caseExecutionId: 't.id',
  tenantId: 't.id',
};

const DELETE_REASONS: Record<string, string> = { completed: 'completed', deleted: 'cancelled' };
const candidate = (column: string) => `${column} @> ARRAY[?]::text[]`;

function dates(q: Knex.QueryBuilder, f: Query): void {
  const at = (name: keyof Query) => dateOf(f[name] as string | undefined, name);
  const conditions: [keyof Query, string, string][] = [
    ['taskDueDate', 't.due_at', '='],
    ['taskDueDateBefore', 't.due_at', '<'],
    ['taskDueDateAfter', 't.due_at', '>'],
    ['taskFollowUpDate', 't.follow_up_at', '='],
    ['taskFollowUpDateBefore', 't.follow_up_at', '<'],
    ['taskFollowUpDateAfter', 't.follow_up_at', '>'],
    ['startedBefore', 't.created_at', '<='],
    ['startedAfter', 't.created_at', '>='],
    ['finishedBefore', 't.completed_at', '<='],
    ['finishedAfter', 't.completed_at', '>='],
  ];
  for (const [name, column, operator] of conditions) {
    const value = at(name);
    if (value) q.where(column, operator, value);
  }
  if (f.withoutTaskDueDate) q.whereNull('t.due_at');
}

function people(q: Knex.QueryBuilder, f: Query): void {
  if (f.taskAssignee) q.where('t.assignee', f.taskAssignee);
  if (f.taskAssigneeLike) q.whereLike('t.assignee', f.taskAssigneeLike);
  if (f.taskOwner) q.where('t.owner', f.taskOwner);
  if (f.taskOwnerLike) q.whereLike('t.owner', f.taskOwnerLike);
  if (f.assigned) q.whereNotNull('t.assignee');
  if (f.unassigned) q.whereNull('t.assignee');
  if (f.taskHadCandidateUser) q.whereRaw(candidate('t.candidate_users'), [f.taskHadCandidateUser]);
  if (f.taskHadCandidateGroup) q.whereRaw(candidate('t.candidate_groups'), [f.taskHadCandidateGroup]);
  if (f.taskInvolvedGroup) q.whereRaw(candidate('t.candidate_groups'), [f.taskInvolvedGroup]);
  if (f.withCandidateGroups) q.whereRaw(`cardinality(t.candidate_groups) > 0`);
  if (f.withoutCandidateGroups) q.whereRaw(`cardinality(t.candidate_groups) = 0`);
  if (f.taskInvolvedUser) {
    const user = f.taskInvolvedUser;
    q.where((w) => {
      void w.where('t.assignee', user).orWhere('t.owner', user).orWhereRaw(candidate('t.candidate_users'), [user]);
    });
  }
}

function filter(q: Knex.QueryBuilder, f: Query): Knex.QueryBuilder {
  refuseUnsupported(f, UNSUPPORTED);
  whereId(q, 't.id', f.taskId);
  whereId(q, 't.instance_id', f.processInstanceId);
  if (f.rootProcessInstanceId) q.whereRaw('COALESCE(i.root_instance_id, i.id)::text = ?', [f.rootProcessInstanceId]);
  if (f.processInstanceBusinessKey) q.where('i.business_key', f.processInstanceBusinessKey);
  if (f.processInstanceBusinessKeyIn) q.whereIn('i.business_key', f.processInstanceBusinessKeyIn);
  if (f.processInstanceBusinessKeyLike) q.whereLike('i.business_key', f.processInstanceBusinessKeyLike);
  if (f.executionId) q.where('t.execution_id', f.executionId);
  whereId(q, 't.definition_id', f.processDefinitionId);
  if (f.processDefinitionKey) q.where('t.definition_key', f.processDefinitionKey);
  if (f.processDefinitionName) {
    q.whereIn(
      't.definition_id',
      q.client.queryBuilder().from('process_definitions').select('id').where('name', f.processDefinitionName),
    );
  }
  if (f.activityInstanceIdIn) q.whereIn('t.execution_id', f.activityInstanceIdIn);
  if (f.taskName) q.where('t.name', f.taskName);
  if (f.taskNameLike) q.whereLike('t.name', f.taskNameLike);
  // Tasks have no description here: asking for one matches nothing.
  if (f.taskDescription || f.taskDescriptionLike) q.whereRaw('false');
  if (f.taskDefinitionKey) q.where('t.element_id', f.taskDefinitionKey);
  if (f.taskDefinitionKeyIn) q.whereIn('t.element_id', f.taskDefinitionKeyIn);
  if (f.taskDeleteReason) q.where('t.status', DELETE_REASONS[f.taskDeleteReason] ?? '-');
  if (f.taskDeleteReasonLike) {
    const pattern = new RegExp(
      `^${f.taskDeleteReasonLike.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('%', '.*')}$`,
    );
    q.whereIn(
      't.status',
      Object.entries(DELETE_REASONS)
        .filter(([reason]) => pattern.test(reason))
        .map(([, s]) => s),
    );
  }
  if (f.taskPriority !== undefined) q.where('t.priority', f.taskPriority);
  people(q, f);
  if (f.finished) q.whereNot('t.status', 'open');
  if (f.unfinished) q.where('t.status', 'open');
  if (f.processFinished) q.whereNotIn('i.status', ['running', 'failed']);
  if (f.processUnfinished) q.whereIn('i.status', ['running', 'failed']);
  dates(q, f);
  if (f.tenantIdIn?.length) q.whereRaw('false');
  return q;
}

/**
 * Tasks, open and ended, that the actor may see: those of instances they may read
 * (access/instance-readable.ts, as the instance view shows its tasks) and those the task-visible
 * rule shows them (access/task-visible.ts: their own, their groups', those they supervise).
 */
async function readable(c: EngineRestContext, actor: Actor): Promise<{ q: Knex.QueryBuilder }> {
  const instances = await c.visibility.instanceReadable(actor);
  const tasks = await c.visibility.taskVisible(actor);
  return {
    q: c.services
      .db('tasks as t')
      .join('process_instances as i', 'i.id', 't.instance_id')
      .where(eitherRule(instances.where('i'), tasks.where('t'))),
  };
}

const COLUMNS = [
  't.id',
  't.definition_key',
  't.definition_id',
  't.instance_id',
  'i.root_instance_id',
  't.execution_id',
  't.element_id',
  't.name',
  't.owner',
  't.assignee',
  't.status',
  't.created_at',
  't.completed_at',
  't.due_at',
  't.follow_up_at',
  't.priority',
];

/** `GET /history/task` (+ `/count`): user tasks, open and ended. */
export const historyTaskRoutes: EngineRestGroup = (c) => {
  const permission = { object: 'task', action: 'read' };
  return [
    route({
      method: 'get',
      path: '/history/task',
      tag: ENGINE_REST_TAG,
      summary: 'Query historic task instances (open and ended tasks the caller may see)',
      permission,
      query,
      response: z.array(historicTaskInstanceDto),
      async handle({ query: f, actor }) {
        const { offset, limit } = pageOf(f);
        const q = filter((await readable(c, actor)).q, f);
        applySort(q, f, SORT, 't.id');
        const duration = c.services.db.raw(
          `(EXTRACT(EPOCH FROM (t.completed_at - t.created_at)) * 1000)::bigint AS duration_ms`,
        );
        const rows = (await q
          .select([...COLUMNS, duration])
          .offset(offset)
          .limit(limit)) as HistoricTaskRow[];
        return rows.map(toHistoricTaskInstanceDto);
      },
    }),
    route({
      method: 'get',
      path: '/history/task/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count historic task instances',
      permission,
      query,
      response: countSchema,
      async handle({ query: f, actor }) {
        const [row] = await filter((await readable(c, actor)).q, f).count<{ n: string | number }[]>({ n: '*' });
        return { count: Number(row?.n ?? 0) };
      },
    }),
  ];
};
