import { route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { uuidParam } from './schemas.js';
import {
  migrateBodySchema,
  migrateResultSchema,
  migrationPlanQuerySchema,
  migrationPlanSchema,
  modificationBodySchema,
  modificationResultSchema,
} from '../../workflow/instance-operations.contract.js';

/**
 * Operators' changes to running instances: modification (Camunda 7's process instance
 * modification) and migration between versions. Mounted before the instance routes, so that
 * `/process-instances/migration-plan` is not read as an instance id.
 */
export function instanceOperationRoutes(s: Services): Route[] {
  return [
    route({
      method: 'post',
      path: '/process-instances/:id/modification',
      tag: 'Process instances',
      summary: 'Cancel activities and start before or after others, all or nothing, with a reason',
      permission: { object: 'instance', action: 'modify' },
      params: uuidParam,
      body: modificationBodySchema,
      response: modificationResultSchema,
      handle: ({ params, body, actor }) => s.instanceOperations.modify(params.id, body, actor),
    }),
    route({
      method: 'get',
      path: '/process-instances/migration-plan',
      tag: 'Process instances',
      summary: 'The mapping of one version onto another by element id, and what has no counterpart',
      permission: { object: 'instance', action: 'migrate' },
      query: migrationPlanQuerySchema,
      response: migrationPlanSchema,
      handle: ({ query }) => s.instanceOperations.migrationPlan(query.sourceDefinitionId, query.targetDefinitionId),
    }),
    route({
      method: 'post',
      path: '/process-instances/migrate',
      tag: 'Process instances',
      summary: 'Migrate instances to another version: each one in its own transaction, refused ones unchanged',
      permission: { object: 'instance', action: 'migrate' },
      body: migrateBodySchema,
      response: migrateResultSchema,
      handle: ({ body, actor }) => s.instanceOperations.migrate(body, actor),
    }),
  ];
}
