import type { Knex } from 'knex';
import { z } from 'zod';
import { noContent, route } from '../http/route.js';
import { NotFound } from '../lib/errors.js';
import type { Actor } from '../lib/actor.js';
import { ENGINE_REST_TAG, type EngineRestContext, type EngineRestGroup } from './context.js';
import { processInstanceDto, toProcessInstanceDto, type InstanceDtoRow } from './dto.js';
import { CamundaError, notFound } from './errors.js';
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
import { toCamundaValue, toCamundaVariables, variableValueOut, variablesOut } from './variables.js';
import { instanceVariableWrites } from './instance-variables.js';

const INSTANCE_COLUMNS = ['id', 'definition_id', 'definition_key', 'business_key', 'status'];
/** The runtime of Camunda holds running instances only; an instance halted by an incident still runs there. */
const RUNTIME = ['running', 'failed'];

const bool = z.union([z.boolean(), booleanParam]);
const instanceFilter = {
  processInstanceIds: idList.optional(),
  businessKey: z.string().optional(),
  businessKeyLike: z.string().optional(),
  processDefinitionId: z.string().optional(),
  processDefinitionKey: z.string().optional(),
  processDefinitionKeyIn: idList.optional(),
  processDefinitionKeyNotIn: idList.optional(),
  deploymentId: z.string().optional(),
  superProcessInstance: z.string().optional(),
  subProcessInstance: z.string().optional(),
  active: bool.optional(),
  suspended: bool.optional(),
  withIncident: bool.optional(),
  rootProcessInstances: bool.optional(),
  leafProcessInstances: bool.optional(),
  tenantIdIn: idList.optional(),
  withoutTenantId: bool.optional(),
};
const instanceQuery = z.object({
  ...instanceFilter,
  sortBy: z.string().optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});
const instanceQueryBody = z.object({ ...instanceFilter, sorting: z.array(sortingEntry).optional() });
type InstanceFilter = z.infer<typeof instanceQueryBody>;

const SORT = {
  instanceId: 'id',
  definitionKey: 'definition_key',
  definitionId: 'definition_id',
  tenantId: 'id',
  businessKey: 'business_key',
};

function filterInstances(q: Knex.QueryBuilder, f: InstanceFilter): Knex.QueryBuilder {
  q.whereIn('status', RUNTIME);
  whereIdIn(q, 'id', f.processInstanceIds);
  if (f.businessKey) q.where('business_key', f.businessKey);
  if (f.businessKeyLike) q.whereLike('business_key', f.businessKeyLike);
  whereId(q, 'definition_id', f.processDefinitionId);
  if (f.processDefinitionKey) q.where('definition_key', f.processDefinitionKey);
  if (f.processDefinitionKeyIn) q.whereIn('definition_key', f.processDefinitionKeyIn);
  if (f.processDefinitionKeyNotIn) q.whereNotIn('definition_key', f.processDefinitionKeyNotIn);
  if (f.deploymentId) {
    const definitions = whereId(
      q.client.queryBuilder().from('process_definitions').select('id'),
      'deployment_id',
      f.deploymentId,
    );
    q.whereIn('definition_id', definitions);
  }
  whereId(q, 'parent_instance_id', f.superProcessInstance);
  if (f.subProcessInstance) {
    const parent = whereId(
      q.client.queryBuilder().from('process_instances as c').select('c.parent_instance_id'),
      'c.id',
      f.subProcessInstance,
    );
    q.whereIn('id', parent);
  }
  if (f.suspended === true || f.active === false) q.whereRaw('false');
  if (f.withIncident) q.where('open_incidents', '>', 0);
  if (f.rootProcessInstances) q.whereNull('parent_instance_id');
  if (f.leafProcessInstances) {
    q.whereNotExists((s) => {
      void s
        .select(1)
        .from('process_instances as leaf')
        .whereRaw('leaf.parent_instance_id = process_instances.id')
        .whereIn('leaf.status', RUNTIME);
    });
  }
  if (f.tenantIdIn?.length) q.whereRaw('false');
  return q;
}

/** Reads and lists only the instances the actor may read (access/instance-readable.ts). */
async function readable(c: EngineRestContext, actor: Actor): Promise<{ q: Knex.QueryBuilder }> {
  const rule = await c.visibility.instanceReadable(actor);
  // Wrapped: a query builder is a thenable, and returning it from an async function would run it.
  return { q: c.services.db('process_instances').where(rule.where('process_instances')) };
}

/** A running instance the actor may read, with its variables; anything else is Camunda's 404. */
export async function readInstance(c: EngineRestContext, id: string, actor: Actor) {
  const row = await whereId((await readable(c, actor)).q, 'id', id)
    .whereIn('status', RUNTIME)
    .first<(InstanceDtoRow & { variables: Record<string, unknown> }) | undefined>([...INSTANCE_COLUMNS, 'variables']);
  if (!row) throw notFound(`Process instance with id ${id} does not exist`);
  return row;
}

async function list(
  c: EngineRestContext,
  f: InstanceFilter,
  sort: { sortBy?: string; sortOrder?: 'asc' | 'desc' },
  paging: { firstResult?: number; maxResults?: number },
  actor: Actor,
) {
  const { offset, limit } = pageOf(paging);
  const q = filterInstances((await readable(c, actor)).q, f);
  if (f.sorting?.length) {
    for (const entry of f.sorting) applySort(q, entry, SORT, 'id');
  } else applySort(q, sort, SORT, 'id');
  return q.select<InstanceDtoRow[]>(INSTANCE_COLUMNS).offset(offset).limit(limit);
}

async function count(c: EngineRestContext, f: InstanceFilter, actor: Actor) {
  const [row] = await filterInstances((await readable(c, actor)).q, f).count<{ n: string | number }[]>({ n: '*' });
  return { count: Number(row?.n ?? 0) };
}

const idParam = z.object({ id: z.string().min(1).max(100) });
const varParam = z.object({ id: z.string().min(1).max(100), varName: z.string().min(1).max(200) });
const deserialize = z.object({ deserializeValues: booleanParam.optional(), variableNames: listParam.optional() });

/** Process instances: queries, one instance, deletion (cancel), variables. */
export const processInstanceRoutes: EngineRestGroup = (c) => {
  const read = { object: 'instance', action: 'read' };
  const writes = instanceVariableWrites(c);
  return [
    route({
      method: 'get',
      path: '/process-instance',
      tag: ENGINE_REST_TAG,
      summary: 'Query running process instances (those the caller may read)',
      permission: read,
      query: instanceQuery,
      response: z.array(processInstanceDto),
      handle: async ({ query, ctx, actor }) =>
        (await list(c, query, query, query, actor)).map((row) => toProcessInstanceDto(ctx, row)),
    }),
    route({
      method: 'post',
      path: '/process-instance',
      tag: ENGINE_REST_TAG,
      summary: 'Query running process instances with a JSON body',
      permission: read,
      query: z.object(pagingParams),
      body: instanceQueryBody,
      response: z.array(processInstanceDto),
      handle: async ({ query, body, ctx, actor }) =>
        (await list(c, body, {}, query, actor)).map((row) => toProcessInstanceDto(ctx, row)),
    }),
    route({
      method: 'get',
      path: '/process-instance/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count running process instances',
      permission: read,
      query: instanceQuery,
      response: countSchema,
      handle: async ({ query, actor }) => count(c, query, actor),
    }),
    route({
      method: 'post',
      path: '/process-instance/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count running process instances with a JSON body',
      permission: read,
      body: instanceQueryBody,
      response: countSchema,
      handle: async ({ body, actor }) => count(c, body, actor),
    }),
    route({
      method: 'get',
      path: '/process-instance/:id',
      tag: ENGINE_REST_TAG,
      summary: 'One running process instance',
      permission: read,
      params: idParam,
      response: processInstanceDto,
      handle: async ({ params, ctx, actor }) => toProcessInstanceDto(ctx, await readInstance(c, params.id, actor)),
    }),
    route({
      method: 'delete',
      path: '/process-instance/:id',
      tag: ENGINE_REST_TAG,
      summary: 'Delete (cancel) a running process instance and the processes it called',
      permission: { object: 'instance', action: 'cancel' },
      params: idParam,
      query: z.object({
        skipCustomListeners: booleanParam.optional(),
        skipIoMappings: booleanParam.optional(),
        skipSubprocesses: booleanParam.optional(),
        failIfNotExists: booleanParam.optional(),
      }),
      response: noContent,
      async handle({ params, query, actor }) {
        const gone = () => notFound(`Process instance with id ${params.id} does not exist`);
        const found = await readInstance(c, params.id, actor).catch((err: unknown) => {
          if (query.failIfNotExists === false && err instanceof CamundaError && err.status === 404) return null;
          throw err;
        });
        if (!found) return undefined;
        await c.services.instances.cancel(params.id, 'deleted through engine-rest', actor).catch((err: unknown) => {
          if (err instanceof NotFound) throw gone();
          throw err;
        });
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/process-instance/:id/variables',
      tag: ENGINE_REST_TAG,
      summary: 'The variables of a process instance',
      permission: read,
      params: idParam,
      query: deserialize,
      response: variablesOut,
      handle: async ({ params, query, actor }) =>
        toCamundaVariables((await readInstance(c, params.id, actor)).variables, query.variableNames),
    }),
    route({
      method: 'get',
      path: '/process-instance/:id/variables/:varName',
      tag: ENGINE_REST_TAG,
      summary: 'One variable of a process instance',
      permission: read,
      params: varParam,
      query: deserialize,
      response: variableValueOut,
      async handle({ params, actor }) {
        const { variables } = await readInstance(c, params.id, actor);
        if (!Object.hasOwn(variables ?? {}, params.varName)) {
          throw notFound(`process instance variable with name ${params.varName} does not exist`);
        }
        return toCamundaValue(variables[params.varName]);
      },
    }),
    ...writes,
  ];
};
