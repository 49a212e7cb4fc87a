import type { Context } from 'koa';
import { z } from 'zod';
import { ENGINE_REST_PREFIX } from './context.js';
import { camundaDate } from './variables.js';

/**
 * Camunda's resource shapes (the DTOs of its REST reference) and one mapper per resource from the
 * platform's rows. Ids are the platform's; tenants, cases and suspension do not exist here, so
 * those fields are answered as Camunda answers them for a single-tenant engine (null / false).
 */

export const linkSchema = z.object({ method: z.string(), href: z.string(), rel: z.string() });
export type Link = z.infer<typeof linkSchema>;

/** A `self` link as Camunda writes it: the absolute URL of the resource below /engine-rest. */
export function selfLink(ctx: Context, path: string): Link {
  return { method: 'GET', href: `${ctx.origin}${ENGINE_REST_PREFIX}${path}`, rel: 'self' };
}

const date = z.string().nullable();

export const processDefinitionDto = z.object({
  id: z.string(),
  key: z.string(),
  category: z.string().nullable(),
  description: z.string().nullable(),
  name: z.string().nullable(),
  version: z.number().int(),
  resource: z.string().nullable(),
  deploymentId: z.string(),
  diagram: z.string().nullable(),
  suspended: z.boolean(),
  tenantId: z.string().nullable(),
  versionTag: z.string().nullable(),
  historyTimeToLive: z.number().int().nullable(),
  startableInTasklist: z.boolean(),
});
export type ProcessDefinitionDto = z.infer<typeof processDefinitionDto>;

export interface DefinitionDtoRow {
  id: string;
  key: string;
  name: string | null;
  version: number;
  deployment_id: string;
}

export const DEFINITION_DTO_COLUMNS = ['id', 'key', 'name', 'version', 'deployment_id'];

export function toProcessDefinitionDto(row: DefinitionDtoRow): ProcessDefinitionDto {
  return {
    id: row.id,
    key: row.key,
    category: null,
    description: null,
    name: row.name,
    version: Number(row.version),
    // The platform keeps no file name: the resource is named after the process key.
    resource: `${row.key}.bpmn`,
    deploymentId: row.deployment_id,
    diagram: null,
    suspended: false,
    tenantId: null,
    versionTag: null,
    historyTimeToLive: null,
    startableInTasklist: true,
  };
}

export const deploymentDto = z.object({
  links: z.array(linkSchema),
  id: z.string(),
  name: z.string().nullable(),
  source: z.string().nullable(),
  deploymentTime: date,
  tenantId: z.string().nullable(),
});
export type DeploymentDto = z.infer<typeof deploymentDto>;

export interface DeploymentRow {
  id: string;
  name: string;
  source: string;
  deployed_at: Date | string;
}

export function toDeploymentDto(ctx: Context, row: DeploymentRow): DeploymentDto {
  return {
    links: [selfLink(ctx, `/deployment/${row.id}`)],
    id: row.id,
    name: row.name,
    source: row.source,
    deploymentTime: camundaDate(row.deployed_at),
    tenantId: null,
  };
}

export const processInstanceDto = z.object({
  links: z.array(linkSchema),
  id: z.string(),
  definitionId: z.string(),
  definitionKey: z.string(),
  businessKey: z.string().nullable(),
  caseInstanceId: z.string().nullable(),
  ended: z.boolean(),
  suspended: z.boolean(),
  tenantId: z.string().nullable(),
});
export type ProcessInstanceDto = z.infer<typeof processInstanceDto>;

export interface InstanceDtoRow {
  id: string;
  definition_id: string;
  definition_key: string;
  business_key: string | null;
  status: string;
}

export function toProcessInstanceDto(ctx: Context, row: InstanceDtoRow): ProcessInstanceDto {
  return {
    links: [selfLink(ctx, `/process-instance/${row.id}`)],
    id: row.id,
    definitionId: row.definition_id,
    definitionKey: row.definition_key,
    businessKey: row.business_key,
    caseInstanceId: null,
    ended: row.status !== 'running',
    suspended: false,
    tenantId: null,
  };
}
