import type { Knex } from 'knex';
import { z } from 'zod';
import { route } from '../http/route.js';
import type { Actor } from '../lib/actor.js';
import { ENGINE_REST_TAG, type EngineRestContext, type EngineRestGroup } from './context.js';
import {
  elementTypeOf,
  historicActivityInstanceDto,
  toHistoricActivityInstanceDto,
  type HistoricActivityRow,
} from './history.dto.js';
import { applySort, booleanParam, countSchema, idList, pageOf, pagingParams, sortOrder, whereId } from './paging.js';
import { dateOf, dateParam } from './query-params.js';

const bool = booleanParam.optional();
const query = z.object({
  activityInstanceId: z.string().optional(),
  processInstanceId: z.string().optional(),
  processDefinitionId: z.string().optional(),
  executionId: z.string().optional(),
  activityId: z.string().optional(),
  activityName: z.string().optional(),
  activityType: z.string().optional(),
  taskAssignee: z.string().optional(),
  finished: bool,
  unfinished: bool,
  canceled: bool,
  completeScope: bool,
  startedBefore: dateParam.optional(),
  startedAfter: dateParam.optional(),
  finishedBefore: dateParam.optional(),
  finishedAfter: dateParam.optional(),
  tenantIdIn: idList.optional(),
  withoutTenantId: bool,
  sortBy: z.string().optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});
type Query = z.infer<typeof query>;

const SORT = {
  activityInstanceId: 'h.execution_id',
  instanceId: 'h.instance_id',
  executionId: 'h.execution_id',
  activityId: 'h.element_id',
  activityName: 'activity_name',
  activityType: 'h.element_type',
  startTime: 'h.started_at',
  endTime: 'h.ended_at',
  duration: 'h.duration_ms',
  definitionId: 'h.definition_id',
  occurrence: 'h.id',
  tenantId: 'h.id',
};

const NAME = `d.meta->'elements'->h.element_id->>'name'`;
const MESSAGE_START = `(d.meta->'messageStarts'->h.element_id) IS NOT NULL`;
const CANCELED = ['cancelled', 'discarded', 'interrupted'];

function filter(q: Knex.QueryBuilder, f: Query): Knex.QueryBuilder {
  if (f.activityInstanceId) q.where('h.execution_id', f.activityInstanceId);
  if (f.executionId) q.where('h.execution_id', f.executionId);
  whereId(q, 'h.instance_id', f.processInstanceId);
  whereId(q, 'h.definition_id', f.processDefinitionId);
  if (f.activityId) q.where('h.element_id', f.activityId);
  if (f.activityName) q.whereRaw(`${NAME} = ?`, [f.activityName]);
  if (f.activityType) {
    const { elementType, messageStart } = elementTypeOf(f.activityType);
    q.where('h.element_type', elementType);
    if (messageStart === true) q.whereRaw(MESSAGE_START);
    if (messageStart === false) q.whereRaw(`NOT ${MESSAGE_START}`);
  }
  if (f.taskAssignee) q.where('t.assignee', f.taskAssignee);
  if (f.finished) q.whereNotNull('h.ended_at');
  if (f.unfinished) q.whereNull('h.ended_at');
  if (f.canceled) q.whereIn('h.outcome', CANCELED);
  if (f.completeScope) q.where('h.element_type', 'bpmn:EndEvent').where('h.outcome', 'completed');
  const startedBefore = dateOf(f.startedBefore, 'startedBefore');
  const startedAfter = dateOf(f.startedAfter, 'startedAfter');
  const finishedBefore = dateOf(f.finishedBefore, 'finishedBefore');
  const finishedAfter = dateOf(f.finishedAfter, 'finishedAfter');
  if (startedBefore) q.where('h.started_at', '<=', startedBefore);
  if (startedAfter) q.where('h.started_at', '>=', startedAfter);
  if (finishedBefore) q.where('h.ended_at', '<=', finishedBefore);
  if (finishedAfter) q.where('h.ended_at', '>=', finishedAfter);
  if (f.tenantIdIn?.length) q.whereRaw('false');
  return q;
}

/** Activities of the instances the actor may read (access/instance-readable.ts). */
async function readable(c: EngineRestContext, actor: Actor): Promise<{ q: Knex.QueryBuilder }> {
  const rule = await c.visibility.instanceReadable(actor);
  return {
    q: c.services
      .db('activity_history as h')
      .join('process_instances as i', 'i.id', 'h.instance_id')
      .join('process_definitions as d', 'd.id', 'h.definition_id')
      .leftJoin(
        'tasks as t',
        (j) => void j.on('t.execution_id', 'h.execution_id').andOn('t.instance_id', 'h.instance_id'),
      )
      .where(rule.where('i')),
  };
}

function columns(c: EngineRestContext) {
  const db = c.services.db;
  return [
    'h.execution_id',
    'h.element_id',
    'h.element_type',
    'h.definition_key',
    'h.definition_id',
    'h.instance_id',
    'i.root_instance_id',
    'h.started_at',
    'h.ended_at',
    'h.duration_ms',
    'h.outcome',
    't.id as task_id',
    't.assignee',
    db.raw(`${NAME} AS activity_name`),
    db.raw(`${MESSAGE_START} AS message_start`),
    db.raw(
      `(SELECT c.id FROM process_instances c WHERE c.parent_instance_id = h.instance_id AND c.parent_execution_id = h.execution_id LIMIT 1) AS called_instance_id`,
    ),
  ];
}

/** `GET /history/activity-instance` (+ `/count`): what each instance the caller may read went through. */
export const historyActivityInstanceRoutes: EngineRestGroup = (c) => {
  const permission = { object: 'instance', action: 'read' };
  return [
    route({
      method: 'get',
      path: '/history/activity-instance',
      tag: ENGINE_REST_TAG,
      summary: 'Query historic activity instances (of the instances the caller may read)',
      permission,
      query,
      response: z.array(historicActivityInstanceDto),
      async handle({ query: f, actor }) {
        const { offset, limit } = pageOf(f);
        const q = filter((await readable(c, actor)).q, f);
        applySort(q, f, SORT, 'h.id');
        const rows = (await q.select(columns(c)).offset(offset).limit(limit)) as HistoricActivityRow[];
        return rows.map(toHistoricActivityInstanceDto);
      },
    }),
    route({
      method: 'get',
      path: '/history/activity-instance/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count historic activity instances',
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
