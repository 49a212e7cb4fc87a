import { z } from 'zod';
import type { InstanceOperationsService, PlanResolver } from '../workflow/instance-operations.service.js';
import type { BatchType } from './batch-types.js';

const migrateParams = z
  .object({
    targetDefinitionId: z.guid(),
    /** Overrides of the generated mapping (source element id → target element id). */
    mapping: z.record(z.string().min(1).max(200), z.string().min(1).max(200)).optional(),
  })
  .strict();

/** How many batches' compiled plans a node keeps (a plan holds two parsed versions' element shapes). */
const PLAN_CACHE = 16;

/**
 * Migrate many instances to another version: each item is `migrateIn` in the item's transaction,
 * a refused instance fails with the reason and keeps its state. The plans are compiled once per
 * batch and source version on each node that runs items of it.
 */
export function migrateBatchType(operations: InstanceOperationsService): BatchType<z.output<typeof migrateParams>> {
  const plans = new Map<string, PlanResolver>();
  return {
    type: 'migrate',
    permission: { object: 'instance', action: 'migrate' },
    params: migrateParams,
    eligible: (q) => void q.where('status', 'running'),
    run: async (scope, instanceId, { batchId, actor, reason, params }) => {
      let planFor = plans.get(batchId);
      if (!planFor) {
        planFor = operations.planResolver(params.targetDefinitionId, params.mapping);
        plans.set(batchId, planFor);
        if (plans.size > PLAN_CACHE) plans.delete(plans.keys().next().value as string);
      }
      await operations.migrateIn(scope, instanceId, planFor, actor, reason);
    },
  };
}
