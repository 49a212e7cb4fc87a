import type { Knex } from 'knex';
import { z } from 'zod';
import { route } from '../http/route.js';
import { NotFound } from '../lib/errors.js';
import type { Actor } from '../lib/actor.js';
import type { Context } from 'koa';
import { ENGINE_REST_TAG, type EngineRestContext, type EngineRestGroup } from './context.js';
import {
  DEFINITION_DTO_COLUMNS,
  processDefinitionDto,
  processInstanceDto,
  toProcessDefinitionDto,
  toProcessInstanceDto,
  type DefinitionDtoRow,
} from './dto.js';
import { notFound } from './errors.js';
import {
  applySort,
  booleanParam,
  countSchema,
  listParam,
  pageOf,
  pagingParams,
  sortOrder,
  whereId,
  whereIdIn,
} from './paging.js';
import { fromCamundaVariables, toCamundaVariables, variablesIn, variablesOut } from './variables.js';

const definitionQuery = z.object({
  processDefinitionId: z.string().optional(),
  processDefinitionIdIn: listParam.optional(),
  name: z.string().optional(),
  nameLike: z.string().optional(),
  deploymentId: z.string().optional(),
  key: z.string().optional(),
  keysIn: listParam.optional(),
  keyLike: z.string().optional(),
  version: z.coerce.number().int().optional(),
  latestVersion: booleanParam.optional(),
  resourceName: z.string().optional(),
  resourceNameLike: z.string().optional(),
  suspended: booleanParam.optional(),
  active: booleanParam.optional(),
  tenantIdIn: z.string().optional(),
  withoutTenantId: booleanParam.optional(),
  includeProcessDefinitionsWithoutTenantId: booleanParam.optional(),
  startableInTasklist: booleanParam.optional(),
  sortBy: z.string().optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});
type DefinitionQuery = z.infer<typeof definitionQuery>;

const SORT = {
  category: 'key',
  key: 'key',
  id: 'id',
  name: 'name',
  version: 'version',
  deploymentId: 'deployment_id',
  deployTime: 'deployed_at',
  tenantId: 'id',
  versionTag: 'id',
};

function filterDefinitions(q: Knex.QueryBuilder, query: DefinitionQuery): Knex.QueryBuilder {
  whereId(q, 'id', query.processDefinitionId);
  whereIdIn(q, 'id', query.processDefinitionIdIn);
  if (query.name) q.where('name', query.name);
  if (query.nameLike) q.whereLike('name', query.nameLike);
  whereId(q, 'deployment_id', query.deploymentId);
  if (query.key) q.where('key', query.key);
  if (query.keysIn) q.whereIn('key', query.keysIn);
  if (query.keyLike) q.whereLike('key', query.keyLike);
  if (query.version !== undefined) q.where('version', query.version);
  if (query.resourceName) q.whereRaw(`key || '.bpmn' = ?`, [query.resourceName]);
  if (query.resourceNameLike) q.whereRaw(`key || '.bpmn' LIKE ?`, [query.resourceNameLike]);
  // Nothing is ever suspended here, no definition belongs to a tenant, every one is startable.
  if (query.suspended || query.startableInTasklist === false) q.whereRaw('false');
  if (query.tenantIdIn && !query.includeProcessDefinitionsWithoutTenantId) q.whereRaw('false');
  if (query.latestVersion) {
    q.whereRaw('version = (SELECT max(version) FROM process_definitions d2 WHERE d2.key = process_definitions.key)');
  }
  return q;
}

/** The start request (StartProcessInstanceDto); instructions and listener switches are refused when used. */
const startBody = z.object({
  variables: variablesIn.optional(),
  businessKey: z.string().max(200).nullable().optional(),
  caseInstanceId: z.string().nullable().optional(),
  withVariablesInReturn: z.boolean().optional(),
  skipCustomListeners: z.boolean().optional(),
  skipIoMappings: z.boolean().optional(),
  startInstructions: z.array(z.unknown()).max(0, 'start instructions are not supported by this engine').optional(),
});

export const processInstanceWithVariablesDto = processInstanceDto.extend({ variables: variablesOut.optional() });

/** Runs a start through the instance service (permission, department, engine) and answers Camunda's shape. */
export async function startInstance(
  c: EngineRestContext,
  ctx: Context,
  by: { definitionKey?: string; definitionId?: string },
  body: z.infer<typeof startBody>,
  actor: Actor,
) {
  const started = await c.services.instances
    .start(
      {
        ...by,
        businessKey: body.businessKey ?? undefined,
        variables: fromCamundaVariables(body.variables),
      },
      actor,
    )
    .catch((err: unknown) => {
      if (err instanceof NotFound) {
        throw notFound(
          by.definitionId
            ? `No matching definition with id ${by.definitionId}`
            : `No matching process definition with key: ${by.definitionKey}`,
        );
      }
      throw err;
    });
  const dto = toProcessInstanceDto(ctx, {
    id: started.id,
    definition_id: started.definitionId,
    definition_key: started.definitionKey,
    business_key: started.businessKey,
    status: started.status,
  });
  return body.withVariablesInReturn ? { ...dto, variables: toCamundaVariables(started.variables) } : dto;
}

/** Process definitions: query, one by id or latest by key, start, BPMN XML. */
export const processDefinitionRoutes: EngineRestGroup = (c) => {
  const db = c.services.db;
  const byId = async (id: string): Promise<DefinitionDtoRow & { xml?: string }> => {
    const row = await whereId(db('process_definitions'), 'id', id).first<DefinitionDtoRow | undefined>(
      DEFINITION_DTO_COLUMNS,
    );
    if (!row) throw notFound(`No matching definition with id ${id}`);
    return row;
  };
  const latestByKey = async (key: string): Promise<DefinitionDtoRow> => {
    const row = await db('process_definitions')
      .where({ key })
      .orderBy('version', 'desc')
      .first<DefinitionDtoRow | undefined>(DEFINITION_DTO_COLUMNS);
    if (!row) throw notFound(`No matching process definition with key: ${key} and no tenant-id`);
    return row;
  };
  const xmlOf = async (row: DefinitionDtoRow) => {
    const found = await db('process_definitions').where({ id: row.id }).first<{ xml: string }>('xml');
    return { id: row.id, bpmn20Xml: found.xml };
  };
  const idParam = z.object({ id: z.string().min(1).max(100) });
  const keyParam = z.object({ key: z.string().min(1).max(200) });
  const read = { object: 'definition', action: 'read' };
  const start = { object: 'instance', action: 'start' };
  const xmlDto = z.object({ id: z.string(), bpmn20Xml: z.string() });
  return [
    route({
      method: 'get',
      path: '/process-definition',
      tag: ENGINE_REST_TAG,
      summary: 'Query process definitions',
      permission: read,
      query: definitionQuery,
      response: z.array(processDefinitionDto),
      async handle({ query }) {
        const { offset, limit } = pageOf(query);
        const q = applySort(filterDefinitions(db('process_definitions'), query), query, SORT, 'id');
        const rows = await q.select<DefinitionDtoRow[]>(DEFINITION_DTO_COLUMNS).offset(offset).limit(limit);
        return rows.map(toProcessDefinitionDto);
      },
    }),
    route({
      method: 'get',
      path: '/process-definition/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count process definitions',
      permission: read,
      query: definitionQuery,
      response: countSchema,
      async handle({ query }) {
        const [row] = await filterDefinitions(db('process_definitions'), query).count<{ n: string | number }[]>({
          n: '*',
        });
        return { count: Number(row?.n ?? 0) };
      },
    }),
    route({
      method: 'get',
      path: '/process-definition/key/:key',
      tag: ENGINE_REST_TAG,
      summary: 'The latest version of a process definition key',
      permission: read,
      params: keyParam,
      response: processDefinitionDto,
      handle: async ({ params }) => toProcessDefinitionDto(await latestByKey(params.key)),
    }),
    route({
      method: 'get',
      path: '/process-definition/key/:key/xml',
      tag: ENGINE_REST_TAG,
      summary: 'The BPMN XML of the latest version of a key',
      permission: read,
      params: keyParam,
      response: xmlDto,
      handle: async ({ params }) => xmlOf(await latestByKey(params.key)),
    }),
    route({
      method: 'post',
      path: '/process-definition/key/:key/start',
      tag: ENGINE_REST_TAG,
      summary: 'Start an instance of the latest version of a key (in the starter’s department)',
      permission: start,
      params: keyParam,
      body: startBody,
      response: processInstanceWithVariablesDto,
      handle: async ({ params, body, ctx, actor }) => startInstance(c, ctx, { definitionKey: params.key }, body, actor),
    }),
    route({
      method: 'get',
      path: '/process-definition/:id',
      tag: ENGINE_REST_TAG,
      summary: 'One process definition',
      permission: read,
      params: idParam,
      response: processDefinitionDto,
      handle: async ({ params }) => toProcessDefinitionDto(await byId(params.id)),
    }),
    route({
      method: 'get',
      path: '/process-definition/:id/xml',
      tag: ENGINE_REST_TAG,
      summary: 'The BPMN XML of a process definition',
      permission: read,
      params: idParam,
      response: xmlDto,
      handle: async ({ params }) => xmlOf(await byId(params.id)),
    }),
    route({
      method: 'post',
      path: '/process-definition/:id/start',
      tag: ENGINE_REST_TAG,
      summary: 'Start an instance of a process definition (in the starter’s department)',
      permission: start,
      params: idParam,
      body: startBody,
      response: processInstanceWithVariablesDto,
      async handle({ params, body, ctx, actor }) {
        await byId(params.id);
        return startInstance(c, ctx, { definitionId: params.id }, body, actor);
      },
    }),
  ];
};
