import type { Knex } from 'knex';
import { z } from 'zod';
import { instanceReadable } from '../access/instance-readable.js';
import type { DecisionEvaluation } from '../dmn/index.js';
import type { Services } from '../http/services.js';
import { route } from '../http/route.js';
import { NotFound } from '../lib/errors.js';
import { ENGINE_REST_TAG, type DecisionResourceDeployer, type EngineRestGroup } from './context.js';
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
import {
  camundaDate,
  fromCamundaVariables,
  parseCamundaDate,
  toCamundaValue,
  variablesIn,
  variablesOut,
} from './variables.js';

/**
 * Camunda 7.24's decision resources over the platform's decisions (server/decisions): decision
 * definitions (query, count, latest by key, XML, evaluate) and the historic decision instances
 * (every evaluation kept). One historic decision instance per evaluation: the decisions it
 * required are part of it, not instances of their own; no decision requirements definitions.
 */

/** DecisionDefinitionDto. */
export const decisionDefinitionDto = z.object({
  id: z.string(),
  key: z.string(),
  category: z.string().nullable(),
  name: z.string().nullable(),
  version: z.number().int(),
  resource: z.string().nullable(),
  deploymentId: z.string(),
  tenantId: z.string().nullable(),
  decisionRequirementsDefinitionId: z.string().nullable(),
  decisionRequirementsDefinitionKey: z.string().nullable(),
  historyTimeToLive: z.number().int().nullable(),
  versionTag: z.string().nullable(),
});
export type DecisionDefinitionDto = z.infer<typeof decisionDefinitionDto>;

interface DefinitionRow {
  id: string;
  key: string;
  name: string | null;
  version: number;
  version_tag: string | null;
  resource_name: string;
  deployment_id: string;
  category: string | null;
}

function definitionColumns(db: Knex) {
  return [
    'id',
    'key',
    'name',
    'version',
    'version_tag',
    'resource_name',
    'deployment_id',
    // Camunda's category is the DMN definitions' namespace.
    db.raw(`substring(xml from 'namespace="([^"]*)"') AS category`),
  ];
}

function toDefinitionDto(row: DefinitionRow): DecisionDefinitionDto {
  return {
    id: row.id,
    key: row.key,
    category: row.category,
    name: row.name,
    version: row.version,
    resource: row.resource_name,
    deploymentId: row.deployment_id,
    tenantId: null,
    decisionRequirementsDefinitionId: null,
    decisionRequirementsDefinitionKey: null,
    historyTimeToLive: null,
    versionTag: row.version_tag,
  };
}

const definitionQuery = z.object({
  decisionDefinitionId: z.string().optional(),
  decisionDefinitionIdIn: listParam.optional(),
  name: z.string().optional(),
  nameLike: z.string().optional(),
  deploymentId: z.string().optional(),
  deployedAfter: z.string().optional(),
  deployedAt: z.string().optional(),
  key: z.string().optional(),
  keyLike: z.string().optional(),
  category: z.string().optional(),
  categoryLike: z.string().optional(),
  version: z.coerce.number().int().optional(),
  latestVersion: booleanParam.optional(),
  resourceName: z.string().optional(),
  resourceNameLike: z.string().optional(),
  decisionRequirementsDefinitionId: z.string().optional(),
  decisionRequirementsDefinitionKey: z.string().optional(),
  withoutDecisionRequirementsDefinition: booleanParam.optional(),
  tenantIdIn: z.string().optional(),
  withoutTenantId: booleanParam.optional(),
  includeDecisionDefinitionsWithoutTenantId: booleanParam.optional(),
  versionTag: z.string().optional(),
  versionTagLike: z.string().optional(),
  sortBy: z.string().optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});
type DefinitionQuery = z.infer<typeof definitionQuery>;

const DEFINITION_SORT = {
  category: 'key',
  decisionRequirementsDefinitionKey: 'key',
  key: 'key',
  id: 'id',
  name: 'name',
  version: 'version',
  deploymentId: 'deployment_id',
  deployTime: 'deployed_at',
  versionTag: 'version_tag',
  tenantId: 'id',
};

const NAMESPACE = `substring(xml from 'namespace="([^"]*)"')`;

function filterDefinitions(q: Knex.QueryBuilder, query: DefinitionQuery): Knex.QueryBuilder {
  whereId(q, 'id', query.decisionDefinitionId);
  whereIdIn(q, 'id', query.decisionDefinitionIdIn);
  if (query.name) q.where('name', query.name);
  if (query.nameLike) q.whereLike('name', query.nameLike);
  whereId(q, 'deployment_id', query.deploymentId);
  if (query.deployedAfter) q.where('deployed_at', '>', parseCamundaDate(query.deployedAfter, 'deployedAfter'));
  if (query.deployedAt) q.where('deployed_at', parseCamundaDate(query.deployedAt, 'deployedAt'));
  if (query.key) q.where('key', query.key);
  if (query.keyLike) q.whereLike('key', query.keyLike);
  if (query.category) q.whereRaw(`${NAMESPACE} = ?`, [query.category]);
  if (query.categoryLike) q.whereRaw(`${NAMESPACE} LIKE ?`, [query.categoryLike]);
  if (query.version !== undefined) q.where('version', query.version);
  if (query.resourceName) q.where('resource_name', query.resourceName);
  if (query.resourceNameLike) q.whereLike('resource_name', query.resourceNameLike);
  if (query.versionTag) q.where('version_tag', query.versionTag);
  if (query.versionTagLike) q.whereLike('version_tag', query.versionTagLike);
  // No decision requirements definitions and no tenants here.
  if (query.decisionRequirementsDefinitionId || query.decisionRequirementsDefinitionKey) q.whereRaw('false');
  if (query.tenantIdIn && !query.includeDecisionDefinitionsWithoutTenantId) q.whereRaw('false');
  if (query.latestVersion) {
    q.whereRaw('version = (SELECT max(version) FROM decision_definitions d2 WHERE d2.key = decision_definitions.key)');
  }
  return q;
}

/** HistoricDecisionInputInstanceDto and HistoricDecisionOutputInstanceDto. */
const typedValue = { type: z.string(), value: z.unknown(), valueInfo: z.record(z.string(), z.unknown()) };
const inputInstanceDto = z.object({
  id: z.string(),
  decisionInstanceId: z.string(),
  clauseId: z.string().nullable(),
  clauseName: z.string().nullable(),
  errorMessage: z.string().nullable(),
  createTime: z.string().nullable(),
  removalTime: z.string().nullable(),
  rootProcessInstanceId: z.string().nullable(),
  ...typedValue,
});
const outputInstanceDto = inputInstanceDto.extend({
  ruleId: z.string().nullable(),
  ruleOrder: z.number().int().nullable(),
  variableName: z.string().nullable(),
});

/** HistoricDecisionInstanceDto. */
export const historicDecisionInstanceDto = z.object({
  id: z.string(),
  decisionDefinitionId: z.string(),
  decisionDefinitionKey: z.string(),
  decisionDefinitionName: z.string().nullable(),
  evaluationTime: z.string().nullable(),
  removalTime: z.string().nullable(),
  processDefinitionId: z.string().nullable(),
  processDefinitionKey: z.string().nullable(),
  processInstanceId: z.string().nullable(),
  caseDefinitionId: z.string().nullable(),
  caseDefinitionKey: z.string().nullable(),
  caseInstanceId: z.string().nullable(),
  activityId: z.string().nullable(),
  activityInstanceId: z.string().nullable(),
  tenantId: z.string().nullable(),
  userId: z.string().nullable(),
  inputs: z.array(inputInstanceDto).nullable().optional(),
  outputs: z.array(outputInstanceDto).nullable().optional(),
  collectResultValue: z.number().nullable(),
  rootDecisionInstanceId: z.string().nullable(),
  rootProcessInstanceId: z.string().nullable(),
  decisionRequirementsDefinitionId: z.string().nullable(),
  decisionRequirementsDefinitionKey: z.string().nullable(),
});

interface EvaluationRow {
  id: string;
  decision_definition_id: string;
  decision_key: string;
  decision_name: string | null;
  evaluated_at: Date | string;
  instance_id: string | null;
  element_id: string | null;
  execution_id: string | null;
  evaluated_by: string;
  evaluation: DecisionEvaluation | string;
  process_definition_id: string | null;
  process_definition_key: string | null;
  root_instance_id: string | null;
}

const instanceQuery = z.object({
  decisionInstanceId: z.string().optional(),
  decisionInstanceIdIn: listParam.optional(),
  decisionDefinitionId: z.string().optional(),
  decisionDefinitionIdIn: listParam.optional(),
  decisionDefinitionKey: z.string().optional(),
  decisionDefinitionKeyIn: listParam.optional(),
  decisionDefinitionName: z.string().optional(),
  decisionDefinitionNameLike: z.string().optional(),
  processDefinitionId: z.string().optional(),
  processDefinitionKey: z.string().optional(),
  processInstanceId: z.string().optional(),
  caseDefinitionId: z.string().optional(),
  caseDefinitionKey: z.string().optional(),
  caseInstanceId: z.string().optional(),
  activityIdIn: listParam.optional(),
  activityInstanceIdIn: listParam.optional(),
  tenantIdIn: z.string().optional(),
  withoutTenantId: booleanParam.optional(),
  evaluatedBefore: z.string().optional(),
  evaluatedAfter: z.string().optional(),
  userId: z.string().optional(),
  rootDecisionInstanceId: z.string().optional(),
  rootDecisionInstancesOnly: booleanParam.optional(),
  decisionRequirementsDefinitionId: z.string().optional(),
  decisionRequirementsDefinitionKey: z.string().optional(),
  includeInputs: booleanParam.optional(),
  includeOutputs: booleanParam.optional(),
  disableBinaryFetching: booleanParam.optional(),
  disableCustomObjectDeserialization: booleanParam.optional(),
  sortBy: z.string().optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});
type InstanceQuery = z.infer<typeof instanceQuery>;

const INSTANCE_SORT = { evaluationTime: 'e.evaluated_at', tenantId: 'e.id' };

function filterInstances(q: Knex.QueryBuilder, query: InstanceQuery): Knex.QueryBuilder {
  whereId(q, 'e.id', query.decisionInstanceId);
  whereIdIn(q, 'e.id', query.decisionInstanceIdIn);
  whereId(q, 'e.decision_definition_id', query.decisionDefinitionId);
  whereIdIn(q, 'e.decision_definition_id', query.decisionDefinitionIdIn);
  if (query.decisionDefinitionKey) q.where('e.decision_key', query.decisionDefinitionKey);
  if (query.decisionDefinitionKeyIn) q.whereIn('e.decision_key', query.decisionDefinitionKeyIn);
  if (query.decisionDefinitionName) q.where('d.name', query.decisionDefinitionName);
  if (query.decisionDefinitionNameLike) q.whereLike('d.name', query.decisionDefinitionNameLike);
  whereId(q, 'p.definition_id', query.processDefinitionId);
  if (query.processDefinitionKey) q.where('p.definition_key', query.processDefinitionKey);
  whereId(q, 'e.instance_id', query.processInstanceId);
  if (query.activityIdIn) q.whereIn('e.element_id', query.activityIdIn);
  if (query.activityInstanceIdIn) q.whereIn('e.execution_id', query.activityInstanceIdIn);
  if (query.evaluatedBefore)
    q.where('e.evaluated_at', '<=', parseCamundaDate(query.evaluatedBefore, 'evaluatedBefore'));
  if (query.evaluatedAfter) q.where('e.evaluated_at', '>=', parseCamundaDate(query.evaluatedAfter, 'evaluatedAfter'));
  if (query.userId) q.where('e.evaluated_by', query.userId);
  // No cases, tenants, decision requirements definitions; every instance is a root.
  if (query.caseDefinitionId || query.caseDefinitionKey || query.caseInstanceId) q.whereRaw('false');
  if (query.tenantIdIn || query.rootDecisionInstanceId) q.whereRaw('false');
  if (query.decisionRequirementsDefinitionId || query.decisionRequirementsDefinitionKey) q.whereRaw('false');
  return q;
}

function toHistoricDto(row: EvaluationRow, query: InstanceQuery) {
  const evaluation = (
    typeof row.evaluation === 'string' ? JSON.parse(row.evaluation) : row.evaluation
  ) as DecisionEvaluation;
  const createTime = camundaDate(row.evaluated_at);
  const root = row.root_instance_id ?? row.instance_id;
  const common = {
    decisionInstanceId: row.id,
    errorMessage: null,
    createTime,
    removalTime: null,
    rootProcessInstanceId: root,
  };
  return {
    id: row.id,
    decisionDefinitionId: row.decision_definition_id,
    decisionDefinitionKey: row.decision_key,
    decisionDefinitionName: row.decision_name,
    evaluationTime: createTime,
    removalTime: null,
    processDefinitionId: row.process_definition_id,
    processDefinitionKey: row.process_definition_key,
    processInstanceId: row.instance_id,
    caseDefinitionId: null,
    caseDefinitionKey: null,
    caseInstanceId: null,
    activityId: row.element_id,
    activityInstanceId: row.execution_id,
    tenantId: null,
    // Camunda sets the user only for evaluations outside a process.
    userId: row.instance_id ? null : row.evaluated_by,
    ...(query.includeInputs
      ? {
          inputs: evaluation.inputs.map((input, i) => ({
            id: `${row.id}-in-${i}`,
            clauseId: input.id,
            clauseName: input.label,
            ...common,
            ...toCamundaValue(input.value),
          })),
        }
      : {}),
    ...(query.includeOutputs
      ? {
          outputs: evaluation.matchedRules.flatMap((rule) =>
            Object.entries(rule.outputs).map(([name, value]) => ({
              id: `${row.id}-out-${rule.index}-${name}`,
              clauseId: name,
              clauseName: name,
              ruleId: rule.ruleId,
              ruleOrder: rule.index,
              variableName: name,
              ...common,
              ...toCamundaValue(value),
            })),
          ),
        }
      : {}),
    collectResultValue: evaluation.aggregation && typeof evaluation.result === 'number' ? evaluation.result : null,
    rootDecisionInstanceId: null,
    rootProcessInstanceId: root,
    decisionRequirementsDefinitionId: null,
    decisionRequirementsDefinitionKey: null,
  };
}

const keyParam = z.object({ key: z.string().min(1).max(255) });
const read = { object: 'decision', action: 'read' } as const;

/** /decision-definition and /history/decision-instance. */
export const decisionRoutes: EngineRestGroup = (c) => {
  const db = c.services.db;
  const latestByKey = async (key: string): Promise<DefinitionRow> => {
    const row = await db('decision_definitions')
      .where({ key })
      .orderBy('version', 'desc')
      .first<DefinitionRow | undefined>(definitionColumns(db));
    if (!row) throw notFound(`no decision definition deployed with key '${key}'`);
    return row;
  };
  /** Evaluations of instances the actor may read, and those made outside any instance. */
  const evaluations = async (actor: Parameters<typeof instanceReadable>[1]) => {
    const readable = await instanceReadable(c.services.authorization, actor);
    // Wrapped: awaiting a query builder would run it.
    return {
      query: () =>
        db('decision_evaluations as e')
          .join('decision_definitions as d', 'd.id', 'e.decision_definition_id')
          .leftJoin('process_instances as p', 'p.id', 'e.instance_id')
          .where((w) => {
            w.whereNull('e.instance_id').orWhere(readable.where('p'));
          }),
    };
  };
  return [
    route({
      method: 'get',
      path: '/decision-definition',
      tag: ENGINE_REST_TAG,
      summary: 'Query decision definitions (DecisionDefinitionDto list)',
      permission: read,
      query: definitionQuery,
      response: z.array(decisionDefinitionDto),
      handle: async ({ query }) => {
        const { offset, limit } = pageOf(query);
        const q = filterDefinitions(db('decision_definitions').select(definitionColumns(db)), query);
        applySort(q, query, DEFINITION_SORT, 'id');
        const rows = (await q.offset(offset).limit(limit)) as DefinitionRow[];
        return rows.map(toDefinitionDto);
      },
    }),
    route({
      method: 'get',
      path: '/decision-definition/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count decision definitions',
      permission: read,
      query: definitionQuery,
      response: countSchema,
      handle: async ({ query }) => {
        const row = (await filterDefinitions(db('decision_definitions'), query).count({ n: '*' }).first()) as
          { n?: string | number } | undefined;
        return { count: Number(row?.n ?? 0) };
      },
    }),
    route({
      method: 'get',
      path: '/decision-definition/key/:key',
      tag: ENGINE_REST_TAG,
      summary: 'The latest version of a decision definition',
      permission: read,
      params: keyParam,
      response: decisionDefinitionDto,
      handle: async ({ params }) => toDefinitionDto(await latestByKey(params.key)),
    }),
    route({
      method: 'get',
      path: '/decision-definition/key/:key/xml',
      tag: ENGINE_REST_TAG,
      summary: 'The DMN XML of the latest version of a decision definition (DecisionDefinitionDiagramDto)',
      permission: read,
      params: keyParam,
      response: z.object({ id: z.string(), dmnXml: z.string() }),
      handle: async ({ params }) => {
        const row = await latestByKey(params.key);
        return { id: row.id, dmnXml: await c.services.decisions.xml(row.id) };
      },
    }),
    route({
      method: 'post',
      path: '/decision-definition/key/:key/evaluate',
      tag: ENGINE_REST_TAG,
      summary: 'Evaluate the latest version of a decision definition: one map of typed output values per matched rule',
      permission: { object: 'decision', action: 'evaluate' },
      params: keyParam,
      body: z.object({ variables: variablesIn.optional() }),
      response: z.array(variablesOut),
      handle: async ({ params, body, actor }) => {
        const evaluated = await c.services.decisions
          .evaluateLatest(params.key, fromCamundaVariables(body.variables), actor)
          .catch((err: unknown) => {
            if (err instanceof NotFound) throw notFound(`no decision definition deployed with key '${params.key}'`);
            throw err;
          });
        return evaluated.result.map((entry) =>
          Object.fromEntries(Object.entries(entry).map(([name, value]) => [name, toCamundaValue(value)])),
        );
      },
    }),
    route({
      method: 'get',
      path: '/history/decision-instance',
      tag: ENGINE_REST_TAG,
      summary: 'Query historic decision instances: every evaluation of a decision (by a process or the API)',
      permission: read,
      query: instanceQuery,
      response: z.array(historicDecisionInstanceDto),
      handle: async ({ query, actor }) => {
        const { offset, limit } = pageOf(query);
        const q = filterInstances((await evaluations(actor)).query(), query).select(
          'e.id',
          'e.decision_definition_id',
          'e.decision_key',
          'd.name as decision_name',
          'e.evaluated_at',
          'e.instance_id',
          'e.element_id',
          'e.execution_id',
          'e.evaluated_by',
          'e.evaluation',
          'p.definition_id as process_definition_id',
          'p.definition_key as process_definition_key',
          'p.root_instance_id',
        );
        applySort(q, query, INSTANCE_SORT, 'e.seq');
        const rows = (await q.offset(offset).limit(limit)) as EvaluationRow[];
        return rows.map((row) => toHistoricDto(row, query));
      },
    }),
    route({
      method: 'get',
      path: '/history/decision-instance/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count historic decision instances',
      permission: read,
      query: instanceQuery,
      response: countSchema,
      handle: async ({ query, actor }) => {
        const row = (await filterInstances((await evaluations(actor)).query(), query)
          .count({ n: '*' })
          .first()) as { n?: string | number } | undefined;
        return { count: Number(row?.n ?? 0) };
      },
    }),
  ];
};

/**
 * The hook of POST /engine-rest/deployment/create for its .dmn parts: deployed into the request's
 * deployment through the same deployments service as /api/v1; with duplicate filtering an
 * unchanged file is left out of the answer, as Camunda does.
 */
export function decisionResourceDeployer(services: Services): DecisionResourceDeployer {
  return {
    async deploy(files, target, actor) {
      const deployed = await services.deployments.deployDecisions(
        files.map((f) => ({ resourceName: f.name, xml: f.content })),
        target.name,
        actor,
        { id: target.id, source: target.source },
      );
      const shown = deployed.decisions.filter((d) => d.deploymentId === target.id || !target.duplicateFiltering);
      if (shown.length === 0)
        return { deployedDecisionDefinitions: null, deployedDecisionRequirementsDefinitions: null };
      const definitions: Record<string, DecisionDefinitionDto> = {};
      for (const d of shown) {
        definitions[d.id] = toDefinitionDto({
          id: d.id,
          key: d.key,
          name: d.name,
          version: d.version,
          version_tag: d.versionTag,
          resource_name: d.resourceName,
          deployment_id: d.deploymentId,
          category: null,
        });
      }
      return { deployedDecisionDefinitions: definitions, deployedDecisionRequirementsDefinitions: null };
    },
  };
}
