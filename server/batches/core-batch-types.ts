import { z } from 'zod';
import { convertTypedVariables, typedVariablesSchema } from '../forms/typed-variables.js';
import { Invalid } from '../lib/errors.js';
import type { IncidentsService } from '../workflow/incidents.service.js';
import type { InstanceVariablesService } from '../workflow/instance-variables.service.js';
import type { InstancesService } from '../workflow/instances.service.js';
import type { BatchType } from './batch-types.js';

/** Cancel many instances (and the processes they called), with the batch's reason. */
export function cancelBatchType(instances: InstancesService): BatchType<Record<string, never>> {
  return {
    type: 'cancel',
    permission: { object: 'instance', action: 'cancel' },
    params: z.object({}).strict(),
    eligible: (q) => void q.where('status', 'running'),
    run: (scope, instanceId, { actor, reason }) => instances.cancelIn(scope, instanceId, reason, actor),
  };
}

/** Retry every open incident of many instances. */
export function retryBatchType(incidents: IncidentsService): BatchType<Record<string, never>> {
  return {
    type: 'retry',
    permission: { object: 'incident', action: 'retry' },
    params: z.object({}).strict(),
    eligible: (q) => void q.where('open_incidents', '>', 0),
    run: async (scope, instanceId, { actor }) => {
      await incidents.retryInstanceIn(scope, instanceId, actor);
    },
  };
}

const setVariablesParams = z.object({
  typedVariables: typedVariablesSchema.default({}),
  removeVariables: z.array(z.string()).default([]),
});

/** Set (typed) and remove variables of many instances; each change goes to the variable history. */
export function setVariablesBatchType(
  variables: InstanceVariablesService,
): BatchType<z.output<typeof setVariablesParams>> {
  return {
    type: 'setVariables',
    permission: { object: 'instance', action: 'update' },
    // Values are checked against their types when the batch is created: a bad one is a 400, not N failures.
    params: setVariablesParams.superRefine((p, ctx) => {
      for (const e of convertTypedVariables(p.typedVariables).errors)
        ctx.addIssue({
          code: 'custom',
          message: e.message ?? e.reason,
          path: ['typedVariables', (e.field ?? '').split('.').pop() ?? ''],
        });
    }),
    eligible: (q) => void q.whereIn('status', ['running', 'failed']),
    run: async (scope, instanceId, { actor, reason, params, batchId }) => {
      const { variables: set, errors } = convertTypedVariables(params.typedVariables);
      if (errors.length) throw new Invalid('VALIDATION_FAILED', 'some variables do not match their types', errors);
      const types = Object.fromEntries(Object.entries(params.typedVariables).map(([name, v]) => [name, v.type]));
      await variables.editIn(scope, instanceId, { set, types, remove: params.removeVariables, reason, batchId }, actor);
    },
  };
}
