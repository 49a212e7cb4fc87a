import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { noContent, route } from '../http/route.js';
import { AppError } from '../lib/errors.js';
import type { Actor } from '../lib/actor.js';
import { ENGINE_REST_TAG, type EngineRestContext, type EngineRestGroup } from './context.js';
import {
  DEFINITION_DTO_COLUMNS,
  deploymentDto,
  linkSchema,
  processDefinitionDto,
  toDeploymentDto,
  toProcessDefinitionDto,
  type DefinitionDtoRow,
  type DeploymentRow,
  type ProcessDefinitionDto,
} from './dto.js';
import { CamundaError, invalidRequest, notFound } from './errors.js';
import { readMultipartForm, type UploadedFile } from './multipart.js';
import { extraRequestBodies } from './openapi.js';
import { applySort, booleanParam, countSchema, pageOf, pagingParams, sortOrder, whereId } from './paging.js';
import { parseCamundaDate } from './variables.js';
import { deleteDeployment } from './deployment-deletion.js';

const DEPLOYMENT_COLUMNS = ['id', 'name', 'source', 'deployed_at'];

const deploymentQuery = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  nameLike: z.string().optional(),
  source: z.string().optional(),
  withoutSource: booleanParam.optional(),
  tenantIdIn: z.string().optional(),
  withoutTenantId: booleanParam.optional(),
  includeDeploymentsWithoutTenantId: booleanParam.optional(),
  after: z.string().optional(),
  before: z.string().optional(),
  sortBy: z.string().optional(),
  sortOrder: sortOrder.optional(),
  ...pagingParams,
});
type DeploymentQuery = z.infer<typeof deploymentQuery>;

function filterDeployments(q: Knex.QueryBuilder, query: DeploymentQuery): Knex.QueryBuilder {
  whereId(q, 'id', query.id);
  if (query.name) q.where('name', query.name);
  if (query.nameLike) q.whereLike('name', query.nameLike);
  if (query.source) q.where('source', query.source);
  if (query.withoutSource) q.whereNull('source');
  if (query.after) q.where('deployed_at', '>', parseCamundaDate(query.after, 'after'));
  if (query.before) q.where('deployed_at', '<', parseCamundaDate(query.before, 'before'));
  // A single-tenant engine: no deployment belongs to a tenant.
  if (query.tenantIdIn && !query.includeDeploymentsWithoutTenantId) q.whereRaw('false');
  return q;
}

const SORT = { id: 'id', name: 'name', deploymentTime: 'deployed_at', tenantId: 'id' };

const deploymentWithDefinitionsDto = deploymentDto.extend({
  deployedProcessDefinitions: z.record(z.string(), processDefinitionDto).nullable(),
  deployedCaseDefinitions: z.null(),
  deployedDecisionDefinitions: z.record(z.string(), z.unknown()).nullable(),
  deployedDecisionRequirementsDefinitions: z.record(z.string(), z.unknown()).nullable(),
});

/** The text fields of Camunda's deployment/create (MultiFormDeploymentDto). */
const createFields = z.object({
  'deployment-name': z.string().max(200).optional(),
  'deployment-source': z.string().max(200).optional(),
  'deployment-activation-time': z.string().optional(),
  'enable-duplicate-filtering': booleanParam.optional(),
  'deploy-changed-only': booleanParam.optional(),
  // Tenants do not exist here; a tenant id is accepted and ignored.
  'tenant-id': z.string().optional(),
});

extraRequestBodies.set('post /engine-rest/deployment/create', {
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        properties: {
          'deployment-name': { type: 'string' },
          'deployment-source': { type: 'string' },
          'enable-duplicate-filtering': { type: 'boolean' },
          'deploy-changed-only': { type: 'boolean' },
          'tenant-id': { type: 'string', description: 'ignored: a single-tenant engine' },
          data: {
            type: 'string',
            format: 'binary',
            description: 'one or more files (.bpmn, .form; .dmn once decisions are deployable), any part name',
          },
        },
      },
    },
  },
});

const extension = (file: UploadedFile) => /\.[^.]+$/.exec(file.name.toLowerCase())?.[0] ?? '';

/**
 * A refused BPMN file, as Camunda reports it: 400 ParseException with the problems per resource
 * (`details[resource].errors`, each with the element id and position where known).
 */
function parseException(err: unknown, file: UploadedFile): Error {
  if (!(err instanceof AppError) || err.status !== 400) return err instanceof Error ? err : new Error(String(err));
  const errors = (err.details.length ? err.details : [{ reason: err.message }]).map((d) => ({
    message: d.message ?? d.reason,
    line: d.line ?? null,
    column: d.column ?? null,
    mainBpmnElementId: d.element ?? null,
    bpmnElementIds: d.element ? [d.element] : [],
  }));
  return new CamundaError(400, 'ParseException', `${file.name}: ${err.message}`, 0, {
    details: { [file.name]: { errors, warnings: [] } },
  });
}

async function createDeployment(
  c: EngineRestContext,
  files: UploadedFile[],
  fields: z.infer<typeof createFields>,
  actor: Actor,
) {
  const s = c.services;
  if (files.length === 0) throw invalidRequest('No deployment resources contained in the form upload.');
  const bpmn = files.filter((f) => ['.bpmn', '.bpmn20.xml'].some((e) => f.name.toLowerCase().endsWith(e)));
  const forms = files.filter((f) => extension(f) === '.form');
  const dmn = files.filter((f) => extension(f) === '.dmn');
  const other = files.filter((f) => !bpmn.includes(f) && !forms.includes(f) && !dmn.includes(f));
  if (other.length) {
    throw invalidRequest(
      `Unsupported deployment resource ${other[0]!.name}: this engine deploys .bpmn, .form and .dmn files`,
    );
  }
  if (dmn.length && !c.decisions) throw invalidRequest('DMN deployment is not supported yet by this engine');
  const duplicateFiltering = fields['enable-duplicate-filtering'] === true || fields['deploy-changed-only'] === true;
  const target = {
    id: randomUUID(),
    name: fields['deployment-name'] ?? bpmn[0]?.name ?? forms[0]?.name ?? dmn[0]?.name ?? 'deployment',
    source: fields['deployment-source'] ?? 'engine-rest',
  };
  const formTexts = forms.map((f) => f.content);
  const deployed: Record<string, ProcessDefinitionDto> = {};
  let created = false;
  let existingDeploymentId: string | null = null;
  for (const file of bpmn) {
    const result = await s.deployments
      .deploy(file.content, target.name, actor, formTexts, target)
      .catch((err: unknown) => {
        throw parseException(err, file);
      });
    const definition = result.definition;
    created ||= result.created;
    if (!result.created) existingDeploymentId ??= definition.deploymentId;
    // Duplicate filtering leaves an unchanged file out of the deployment, as Camunda does.
    if (result.created || !duplicateFiltering) {
      deployed[definition.id] = toProcessDefinitionDto({
        id: definition.id,
        key: definition.key,
        name: definition.name,
        version: definition.version,
        deployment_id: definition.deploymentId,
      });
    }
  }
  if (!bpmn.length && forms.length) {
    await s.deployments.deployForms(formTexts, actor, target);
    created = true;
  }
  const decisions = dmn.length
    ? await c.decisions!.deploy(
        dmn.map((f) => ({ name: f.name, content: f.content })),
        { ...target, duplicateFiltering },
        actor,
      )
    : { deployedDecisionDefinitions: null, deployedDecisionRequirementsDefinitions: null };
  if (decisions.deployedDecisionDefinitions || decisions.deployedDecisionRequirementsDefinitions) created = true;
  const deploymentId = created ? target.id : (existingDeploymentId ?? target.id);
  return { deploymentId, deployed, decisions };
}

/** deployment/create, the deployment list, one deployment, its deletion. */
export const deploymentRoutes: EngineRestGroup = (c) => {
  const db = c.services.db;
  const readDeployment = async (id: string): Promise<DeploymentRow> => {
    const row = await whereId(db('deployments'), 'id', id).first<DeploymentRow | undefined>(DEPLOYMENT_COLUMNS);
    if (!row) throw notFound(`Deployment with id '${id}' does not exist`);
    return row;
  };
  return [
    route({
      method: 'post',
      path: '/deployment/create',
      tag: ENGINE_REST_TAG,
      summary:
        'Create a deployment from a multipart upload as Camunda Modeler sends it (.bpmn with its .form files; .dmn through the decision service)',
      permission: { object: 'deployment', action: 'create' },
      response: deploymentWithDefinitionsDto,
      async handle({ ctx, actor }) {
        const form = await readMultipartForm(ctx);
        const parsed = createFields.safeParse(form.fields);
        if (!parsed.success) throw invalidRequest(`Invalid deployment form: ${parsed.error.issues[0]?.message}`);
        const result = await createDeployment(c, form.files, parsed.data, actor);
        const row = await readDeployment(result.deploymentId);
        return {
          ...toDeploymentDto(ctx, row),
          deployedProcessDefinitions: Object.keys(result.deployed).length ? result.deployed : null,
          deployedCaseDefinitions: null,
          ...result.decisions,
        };
      },
    }),
    route({
      method: 'get',
      path: '/deployment',
      tag: ENGINE_REST_TAG,
      summary: 'Query deployments',
      permission: { object: 'definition', action: 'read' },
      query: deploymentQuery,
      response: z.array(deploymentDto),
      async handle({ query, ctx }) {
        const { offset, limit } = pageOf(query);
        const q = applySort(filterDeployments(db('deployments'), query), query, SORT, 'id');
        const rows = await q.select<DeploymentRow[]>(DEPLOYMENT_COLUMNS).offset(offset).limit(limit);
        return rows.map((row) => toDeploymentDto(ctx, row));
      },
    }),
    route({
      method: 'get',
      path: '/deployment/count',
      tag: ENGINE_REST_TAG,
      summary: 'Count deployments',
      permission: { object: 'definition', action: 'read' },
      query: deploymentQuery,
      response: countSchema,
      async handle({ query }) {
        const [row] = await filterDeployments(db('deployments'), query).count<{ n: string | number }[]>({ n: '*' });
        return { count: Number(row?.n ?? 0) };
      },
    }),
    route({
      method: 'get',
      path: '/deployment/:id',
      tag: ENGINE_REST_TAG,
      summary: 'One deployment',
      permission: { object: 'definition', action: 'read' },
      params: z.object({ id: z.string().min(1).max(100) }),
      response: deploymentDto,
      handle: async ({ params, ctx }) => toDeploymentDto(ctx, await readDeployment(params.id)),
    }),
    route({
      method: 'get',
      path: '/deployment/:id/resources',
      tag: ENGINE_REST_TAG,
      summary: "A deployment's resources (its BPMN files)",
      permission: { object: 'definition', action: 'read' },
      params: z.object({ id: z.string().min(1).max(100) }),
      response: z.array(
        z.object({ id: z.string(), name: z.string(), deploymentId: z.string(), links: z.array(linkSchema) }),
      ),
      async handle({ params }) {
        await readDeployment(params.id);
        const rows = await db('process_definitions')
          .where({ deployment_id: params.id })
          .select<DefinitionDtoRow[]>(DEFINITION_DTO_COLUMNS);
        return rows.map((row) => ({
          id: row.id,
          name: toProcessDefinitionDto(row).resource!,
          deploymentId: params.id,
          links: [],
        }));
      },
    }),
    route({
      method: 'delete',
      path: '/deployment/:id',
      tag: ENGINE_REST_TAG,
      summary:
        'Delete a deployment: refused while it has process instances unless cascade=true, which cancels the running ones and removes them with their history',
      permission: { object: 'deployment', action: 'create' },
      params: z.object({ id: z.string().min(1).max(100) }),
      query: z.object({
        cascade: booleanParam.optional(),
        skipCustomListeners: booleanParam.optional(),
        skipIoMappings: booleanParam.optional(),
      }),
      response: noContent,
      async handle({ params, query, actor }) {
        await readDeployment(params.id);
        await deleteDeployment(c, params.id, query.cascade ?? false, actor);
        return undefined;
      },
    }),
  ];
};
