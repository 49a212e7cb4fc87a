import type { Knex } from 'knex';
import { z } from 'zod';
import { route } from '../http/route.js';
import type { Actor } from '../lib/actor.js';
import { ENGINE_REST_TAG, type EngineRestContext, type EngineRestGroup } from './context.js';
import { notFound } from './errors.js';
import { historicProcessInstanceDto, toHistoricProcessInstanceDto, type HistoricInstanceRow } from './history.dto.js';
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
import { dateOf, dateParam, refuseUnsupported, unsupportedParams } from './query-params.js';

/** Documented filters the platform keeps no data for (variables, OR queries, jobs' execution times). */
const UNSUPPORTED = [
  'variables',
  'orQueries',
  'executedJobAfter',
  'executedJobBefore',
  'withJobsRetrying',
  'superCaseInstanceId',
  'subCaseInstanceId',
  'caseInstanceId',
] as const;

const bool = booleanParam.optional();
const query = z.object({
  processInstanceId: z.string().optional(),
  processInstanceIds: idList.optional(),
  processInstanceIdNotIn: idList.optional(),
  processDefinitionId: z.string().optional(),
  processDefinitionKey: z.string().optional(),
  processDefinitionKeyIn: idList.optional(),
  processDefinitionKeyNotIn: idList.optional(),
  processDefinitionName: z.string().optional(),
  processDefinitionNameLike: z.string().optional(),
  processInstanceBusinessKey: z.string().optional(),
  processInstanceBusinessKeyIn: idList.optional(),
  processInstanceBusinessKeyLike: z.string().optional(),
  rootProcessInstances: bool,
  rootProcessInstanceId: z.string().optional(),
  finished: bool,
  unfinished: bool,
  withIncidents: bool,
  withRootIncidents: bool,
  incidentIdIn: idList.optional(),
  incidentType: z.string().optional(),
  incidentStatus: z.enum(['open', 'resolved']).optional(),
  incidentMessage: z.string().optional(),
  incidentMessageLike: z.string().optional(),
  startedBefore: dateParam.optional(),
  startedAfter: dateParam.optional(),
  finishedBefore: dateParam.optional(),
  finishedAfter: dateParam.optional(),
  executedActivityAfter: dateParam.optional(),
  executedActivityBefore: dateParam.optional(),
  startedBy: z.string().optional(),
  superProcessInstanceId: z.string().optional(),
  subProcessInstanceId: z.string().optional(),
  tenantIdIn: idList.optional(),
  withoutTenantId: bool,
  activityIdIn: idList.optional(),
  executedActivityIdIn: idList.optional(),
  activeActivityIdIn: idList.optional(),
  active: bool,
  suspended: bool,
  completed: bool,
  externallyTerminated: bool,
  internallyTerminated: bool,
  variableNamesIgnoreCase: bool,
  variableValuesIgnoreCase: bool,
  ...unsupportedParams(UNSUPPORTED),
  sortBy: z.string().optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});
type Query = z.infer<typeof query>;

const SORT = {
  instanceId: 'i.id',
  definitionId: 'i.definition_id',
  definitionKey: 'i.definition_key',
  definitionName: 'd.name',
  definitionVersion: 'i.definition_version',
  businessKey: 'i.business_key',
  startTime: 'i.started_at',
  endTime: 'i.ended_at',
  duration: 'duration_ms',
  tenantId: 'i.id',
};

const ACTIVE = ['running', 'failed'];
const INCIDENT_TYPES: Record<string, string> = {
  failedJob: 'failed-job',
  failedExternalTask: 'failed-external-task',
  failedInstance: 'failed-instance',
};

function activityExists(q: Knex.QueryBuilder, filter: (h: Knex.QueryBuilder) => void): void {
  q.whereExists((s) => {
    void s.select(1).from('activity_history as h').whereRaw('h.instance_id = i.id');
    filter(s);
  });
}

function incidentFilter(q: Knex.QueryBuilder, f: Query): void {
  const wanted =
    f.withIncidents || f.withRootIncidents || f.incidentIdIn || f.incidentType || f.incidentStatus || f.incidentMessage;
  if (!wanted && !f.incidentMessageLike) return;
  q.whereExists((s) => {
    void s.select(1).from('incidents as n').whereRaw('n.instance_id = i.id');
    whereIdIn(s, 'n.id', f.incidentIdIn);
    if (f.incidentType) s.where('n.type', INCIDENT_TYPES[f.incidentType] ?? f.incidentType);
    if (f.incidentStatus) s.where('n.status', f.incidentStatus);
    if (f.incidentMessage) s.where('n.message', f.incidentMessage);
    if (f.incidentMessageLike) s.whereLike('n.message', f.incidentMessageLike);
  });
}

function stateFilter(q: Knex.QueryBuilder, f: Query): void {
  if (f.finished) q.whereNotIn('i.status', ACTIVE);
  if (f.unfinished || f.active) q.whereIn('i.status', ACTIVE);
  if (f.completed) q.where('i.status', 'completed');
  if (f.externallyTerminated) q.where('i.status', 'cancelled');
  // Nothing is suspended, and the engine never ends an instance by itself (a failure halts it in an incident).
  if (f.suspended || f.internallyTerminated) q.whereRaw('false');
}

function filter(q: Knex.QueryBuilder, f: Query): Knex.QueryBuilder {
  refuseUnsupported(f, UNSUPPORTED);
  whereId(q, 'i.id', f.processInstanceId);
  whereIdIn(q, 'i.id', f.processInstanceIds);
  if (f.processInstanceIdNotIn) q.whereNotIn('i.id', f.processInstanceIdNotIn.filter(isUuid));
  whereId(q, 'i.definition_id', f.processDefinitionId);
  if (f.processDefinitionKey) q.where('i.definition_key', f.processDefinitionKey);
  if (f.processDefinitionKeyIn) q.whereIn('i.definition_key', f.processDefinitionKeyIn);
  if (f.processDefinitionKeyNotIn) q.whereNotIn('i.definition_key', f.processDefinitionKeyNotIn);
  if (f.processDefinitionName) q.where('d.name', f.processDefinitionName);
  if (f.processDefinitionNameLike) q.whereLike('d.name', f.processDefinitionNameLike);
  if (f.processInstanceBusinessKey) q.where('i.business_key', f.processInstanceBusinessKey);
  if (f.processInstanceBusinessKeyIn) q.whereIn('i.business_key', f.processInstanceBusinessKeyIn);
  if (f.processInstanceBusinessKeyLike) q.whereLike('i.business_key', f.processInstanceBusinessKeyLike);
  if (f.rootProcessInstances) q.whereNull('i.parent_instance_id');
  if (f.rootProcessInstanceId) q.whereRaw('COALESCE(i.root_instance_id, i.id)::text = ?', [f.rootProcessInstanceId]);
  stateFilter(q, f);
  incidentFilter(q, f);
  const startedBefore = dateOf(f.startedBefore, 'startedBefore');
  const startedAfter = dateOf(f.startedAfter, 'startedAfter');
  const finishedBefore = dateOf(f.finishedBefore, 'finishedBefore');
  const finishedAfter = dateOf(f.finishedAfter, 'finishedAfter');
  if (startedBefore) q.where('i.started_at', '<=', startedBefore);
  if (startedAfter) q.where('i.started_at', '>=', startedAfter);
  if (finishedBefore) q.whereNotIn('i.status', ACTIVE).where('i.ended_at', '<=', finishedBefore);
  if (finishedAfter) q.whereNotIn('i.status', ACTIVE).where('i.ended_at', '>=', finishedAfter);
  const activityAfter = dateOf(f.executedActivityAfter, 'executedActivityAfter');
  const activityBefore = dateOf(f.executedActivityBefore, 'executedActivityBefore');
  if (activityAfter) activityExists(q, (h) => void h.where('h.started_at', '>=', activityAfter));
  if (activityBefore) activityExists(q, (h) => void h.where('h.started_at', '<=', activityBefore));
  if (f.executedActivityIdIn) activityExists(q, (h) => void h.whereIn('h.element_id', f.executedActivityIdIn!));
  const active = f.activeActivityIdIn ?? f.activityIdIn;
  if (active) activityExists(q, (h) => void h.whereIn('h.element_id', active).whereNull('h.ended_at'));
  if (f.startedBy) q.where('i.started_by', f.startedBy);
  whereId(q, 'i.parent_instance_id', f.superProcessInstanceId);
  if (f.subProcessInstanceId) {
    const parent = whereId(
      q.client.queryBuilder().from('process_instances as c').select('c.parent_instance_id'),
      'c.id',
      f.subProcessInstanceId,
    );
    q.whereIn('i.id', parent);
  }
  if (f.tenantIdIn?.length) q.whereRaw('false');
  return q;
}

const COLUMNS = [
  'i.id',
  'i.definition_id',
  'i.definition_key',
  'i.definition_version',
  'd.name as definition_name',
  'i.business_key',
  'i.status',
  'i.started_at',
  'i.ended_at',
  'i.started_by',
  'i.end_reason',
  'i.parent_instance_id',
  'i.root_instance_id',
];

/** The instances the actor may read (access/instance-readable.ts), ended ones included. */
async function readable(c: EngineRestContext, actor: Actor): Promise<{ q: Knex.QueryBuilder }> {
  const rule = await c.visibility.instanceReadable(actor);
  return {
    q: c.services
      .db('process_instances as i')
      .join('process_definitions as d', 'd.id', 'i.definition_id')
      .where(rule.where('i')),
  };
}

function withDerived(c: EngineRestContext, q: Knex.QueryBuilder): Knex.QueryBuilder {
  const db = c.services.db;
  return q.select<HistoricInstanceRow[]>([
    ...COLUMNS,
    db.raw(
      '(SELECT h.element_id FROM activity_history h WHERE h.instance_id = i.id ORDER BY h.started_at, h.id LIMIT 1) AS start_activity_id',
    ),
    db.raw(`(EXTRACT(EPOCH FROM (i.ended_at - i.started_at)) * 1000)::bigint AS duration_ms`),
  ]);
}

const idParam = z.object({ id: z.string().min(1).max(100) });

/** `GET /history/process-instance` (+ `/count`, `/{id}`): every instance the caller may read, ended or not. */
export const historyProcessInstanceRoutes: EngineRestGroup = (c) => {
  const permission = { object: 'instance', action: 'read' };
  return [
    route({
      method: 'get',
      path: '/history/process-instance',
      tag: ENGINE_REST_TAG,
      summary: 'Query historic process instances (running and ended ones the caller may read)',
      permission,
      query,
      response: z.array(historicProcessInstanceDto),
      async handle({ query: f, actor }) {
        const { offset, limit } = pageOf(f);
        const q = filter((await readable(c, actor)).q, f);
        applySort(q, f, SORT, 'i.id');
        const rows = (await withDerived(c, q).offset(offset).limit(limit)) as HistoricInstanceRow[];
        return rows.map(toHistoricProcessInstanceDto);
      },
    }),
    route({
      method: 'get',
      path: '/history/process-instance/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count historic process instances',
      permission,
      query,
      response: countSchema,
      async handle({ query: f, actor }) {
        const [row] = await filter((await readable(c, actor)).q, f).count<{ n: string | number }[]>({ n: '*' });
        return { count: Number(row?.n ?? 0) };
      },
    }),
    route({
      method: 'get',
      path: '/history/process-instance/:id',
      tag: ENGINE_REST_TAG,
      summary: 'One historic process instance',
      permission,
      params: idParam,
      response: historicProcessInstanceDto,
      async handle({ params, actor }) {
        const q = whereId((await readable(c, actor)).q, 'i.id', params.id);
        const row = (await withDerived(c, q).first()) as HistoricInstanceRow | undefined;
        if (!row) throw notFound(`Historic process instance with id ${params.id} does not exist`);
        return toHistoricProcessInstanceDto(row);
      },
    }),
  ];
};
