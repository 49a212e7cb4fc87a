import type { Knex } from 'knex';
import { z } from 'zod';
import { route } from '../http/route.js';
import type { Actor } from '../lib/actor.js';
import { ENGINE_REST_TAG, type EngineRestContext, type EngineRestGroup } from './context.js';
import { applySort, countSchema, idList, pageOf, pagingParams, sortOrder, whereId } from './paging.js';
import { dateOf, dateParam } from './query-params.js';
import { camundaDate } from './variables.js';

/** IncidentDto. */
const incidentDto = z.object({
  id: z.string(),
  processDefinitionId: z.string(),
  processInstanceId: z.string(),
  executionId: z.string().nullable(),
  incidentTimestamp: z.string().nullable(),
  incidentType: z.string(),
  activityId: z.string().nullable(),
  failedActivityId: z.string().nullable(),
  causeIncidentId: z.string(),
  rootCauseIncidentId: z.string(),
  configuration: z.string().nullable(),
  tenantId: z.string().nullable(),
  incidentMessage: z.string().nullable(),
  jobDefinitionId: z.string().nullable(),
  annotation: z.string().nullable(),
});

/** The platform's incident types in Camunda's names; an instance that failed by itself is a type of our own. */
const TYPES: Record<string, string> = {
  'failed-job': 'failedJob',
  'failed-external-task': 'failedExternalTask',
  'failed-instance': 'failedInstance',
};
const PLATFORM_TYPES = Object.fromEntries(Object.entries(TYPES).map(([ours, camunda]) => [camunda, ours]));

interface IncidentRow {
  id: string;
  instance_id: string;
  definition_id: string;
  job_id: string | null;
  external_task_id: string | null;
  type: string;
  element_id: string | null;
  execution_id: string | null;
  message: string;
  created_at: Date | string;
}

function toIncidentDto(row: IncidentRow): z.infer<typeof incidentDto> {
  return {
    id: row.id,
    processDefinitionId: row.definition_id,
    processInstanceId: row.instance_id,
    executionId: row.execution_id,
    incidentTimestamp: camundaDate(row.created_at),
    incidentType: TYPES[row.type] ?? row.type,
    activityId: row.element_id,
    failedActivityId: row.element_id,
    // Every incident here is its own cause: failures do not propagate to calling instances as incidents.
    causeIncidentId: row.id,
    rootCauseIncidentId: row.id,
    // Camunda's configuration: the failed job's id, or the external task's.
    configuration: row.job_id ?? row.external_task_id,
    tenantId: null,
    incidentMessage: row.message,
    jobDefinitionId: null,
    annotation: null,
  };
}

const query = z.object({
  incidentId: z.string().optional(),
  incidentType: z.string().optional(),
  incidentMessage: z.string().optional(),
  incidentMessageLike: z.string().optional(),
  processDefinitionId: z.string().optional(),
  processDefinitionKeyIn: idList.optional(),
  processInstanceId: z.string().optional(),
  executionId: z.string().optional(),
  incidentTimestampBefore: dateParam.optional(),
  incidentTimestampAfter: dateParam.optional(),
  activityId: z.string().optional(),
  failedActivityId: z.string().optional(),
  causeIncidentId: z.string().optional(),
  rootCauseIncidentId: z.string().optional(),
  configuration: z.string().optional(),
  tenantIdIn: idList.optional(),
  jobDefinitionIdIn: idList.optional(),
  sortBy: z.string().optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});
type Query = z.infer<typeof query>;

const SORT = {
  incidentId: 'n.id',
  incidentMessage: 'n.message',
  incidentTimestamp: 'n.created_at',
  incidentType: 'n.type',
  executionId: 'n.execution_id',
  activityId: 'n.element_id',
  processInstanceId: 'n.instance_id',
  processDefinitionId: 'i.definition_id',
  causeIncidentId: 'n.id',
  rootCauseIncidentId: 'n.id',
  configuration: 'n.job_id',
  tenantId: 'n.id',
};

function filter(q: Knex.QueryBuilder, f: Query): Knex.QueryBuilder {
  whereId(q, 'n.id', f.incidentId);
  whereId(q, 'n.id', f.causeIncidentId);
  whereId(q, 'n.id', f.rootCauseIncidentId);
  if (f.incidentType) q.where('n.type', PLATFORM_TYPES[f.incidentType] ?? f.incidentType);
  if (f.incidentMessage) q.where('n.message', f.incidentMessage);
  if (f.incidentMessageLike) q.whereLike('n.message', f.incidentMessageLike);
  whereId(q, 'i.definition_id', f.processDefinitionId);
  if (f.processDefinitionKeyIn) q.whereIn('i.definition_key', f.processDefinitionKeyIn);
  whereId(q, 'n.instance_id', f.processInstanceId);
  if (f.executionId) q.where('n.execution_id', f.executionId);
  const before = dateOf(f.incidentTimestampBefore, 'incidentTimestampBefore');
  const after = dateOf(f.incidentTimestampAfter, 'incidentTimestampAfter');
  if (before) q.where('n.created_at', '<', before);
  if (after) q.where('n.created_at', '>', after);
  if (f.activityId) q.where('n.element_id', f.activityId);
  if (f.failedActivityId) q.where('n.element_id', f.failedActivityId);
  if (f.configuration) {
    const id = f.configuration;
    q.where((w) => {
      whereId(w, 'n.job_id', id);
      void w.orWhere((e) => void whereId(e, 'e.id', id));
    });
  }
  if (f.tenantIdIn?.length || f.jobDefinitionIdIn?.length) q.whereRaw('false');
  return q;
}

/** Open incidents of instances in the actor's incident:read scope, as GET /api/v1/incidents lists them. */
async function scoped(c: EngineRestContext, actor: Actor): Promise<{ q: Knex.QueryBuilder }> {
  const inScope = await c.visibility.departmentFilter(actor, 'incident', 'read', 'i.department_id');
  return {
    q: c.services
      .db('incidents as n')
      .join('process_instances as i', 'i.id', 'n.instance_id')
      .leftJoin('external_tasks as e', (j) => {
        void j.on('e.execution_id', 'n.execution_id').andOn('e.instance_id', 'n.instance_id');
      })
      .where('n.status', 'open')
      .where(inScope),
  };
}

/** `GET /incident` (+ `/count`): the open incidents (Camunda's runtime incidents) the caller may read. */
export const incidentRoutes: EngineRestGroup = (c) => {
  const permission = { object: 'incident', action: 'read' };
  return [
    route({
      method: 'get',
      path: '/incident',
      tag: ENGINE_REST_TAG,
      summary: 'Query open incidents (those the caller may read)',
      permission,
      query,
      response: z.array(incidentDto),
      async handle({ query: f, actor }) {
        const { offset, limit } = pageOf(f);
        const q = filter((await scoped(c, actor)).q, f);
        applySort(q, f, SORT, 'n.id');
        const rows = (await q
          .select(
            'n.id',
            'n.instance_id',
            'i.definition_id',
            'n.job_id',
            'e.id as external_task_id',
            'n.type',
            'n.element_id',
            'n.execution_id',
            'n.message',
            'n.created_at',
          )
          .offset(offset)
          .limit(limit)) as IncidentRow[];
        return rows.map(toIncidentDto);
      },
    }),
    route({
      method: 'get',
      path: '/incident/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count open incidents',
      permission,
      query,
      response: countSchema,
      async handle({ query: f, actor }) {
        const [row] = await filter((await scoped(c, actor)).q, f).count<{ n: string | number }[]>({ n: '*' });
        return { count: Number(row?.n ?? 0) };
      },
    }),
  ];
};
