import { z } from 'zod';
import type { Actor } from '../lib/actor.js';
import type {
  InstanceOperationsService,
  OperationRules,
  PlanResolver,
} from '../workflow/instance-operations.service.js';
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
  const rules = new Map<string, Promise<OperationRules>>();
  const planFor = (batchId: string, params: z.output<typeof migrateParams>) => {
    let resolver = plans.get(batchId);
    if (!resolver) {
      resolver = operations.planResolver(params.targetDefinitionId, params.mapping);
      plans.set(batchId, resolver);
      if (plans.size > PLAN_CACHE) plans.delete(plans.keys().next().value as string);
    }
    return resolver;
  };
  // The creator's access rules, compiled once per batch on each node (the locked path asks again).
  const rulesFor = (batchId: string, actor: Actor) => {
    let compiled = rules.get(batchId);
    if (!compiled) {
      compiled = operations.rules(actor, 'migrate');
      rules.set(batchId, compiled);
      if (rules.size > PLAN_CACHE) rules.delete(rules.keys().next().value as string);
    }
    return compiled;
  };
  return {
    type: 'migrate',
    permission: { object: 'instance', action: 'migrate' },
    params: migrateParams,
    eligible: (q) => void q.where('status', 'running'),
    run: async (scope, instanceId, { batchId, actor, reason, params }) => {
      await operations.migrateIn(scope, instanceId, planFor(batchId, params), actor, reason);
    },
    guarded: async (db, instance, { batchId, actor, reason, params }) =>
      operations.guardedMigration(
        db,
        instance,
        planFor(batchId, params),
        actor,
        reason,
        await rulesFor(batchId, actor),
      ),
  };
}
