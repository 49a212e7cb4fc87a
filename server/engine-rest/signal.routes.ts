import { z } from 'zod';
import { noContent, route } from '../http/route.js';
import { NotSubscribed } from '../workflow/signals.service.js';
import { ENGINE_REST_TAG, type EngineRestGroup } from './context.js';
import { CamundaError, invalidRequest } from './errors.js';
import { fromCamundaVariables, variablesIn } from './variables.js';

/** SignalDto. */
const signalBody = z.object({
  name: z.string().max(200).nullable().optional(),
  executionId: z.string().max(100).nullable().optional(),
  variables: variablesIn.nullable().optional(),
  tenantId: z.string().nullable().optional(),
  withoutTenantId: z.boolean().optional(),
});

/** Tables whose rows name an execution of an instance that waits there. */
const WAITS = ['message_subscriptions', 'signal_subscriptions', 'tasks', 'jobs', 'external_tasks'] as const;

/**
 * `POST /signal` (Camunda 7.24 SignalRestService) over the signals service (workflow/signals.service.ts):
 * every waiting signal event of the instances the caller may correlate into takes the signal, and
 * every process whose signal start event has the name starts; with `executionId`, only that
 * execution, or Camunda's error when it does not wait for the signal. Nothing belongs to a
 * tenant here: a signal for a named tenant reaches nobody, `withoutTenantId` changes nothing.
 */
export const signalRoutes: EngineRestGroup = ({ services, visibility }) => [
  route({
    method: 'post',
    path: '/signal',
    tag: ENGINE_REST_TAG,
    summary:
      'Deliver a signal to every execution waiting for it and start every process whose signal start event has the name (or, with executionId, to that execution only); 204',
    permission: { object: 'message', action: 'correlate' },
    body: signalBody,
    response: noContent,
    async handle({ body, actor }) {
      if (!body.name) throw invalidRequest('No signal name given');
      if (body.executionId && (body.tenantId != null || body.withoutTenantId)) {
        throw invalidRequest('Cannot deliver a signal to one execution with tenantId or withoutTenantId: give either');
      }
      const variables = fromCamundaVariables(body.variables ?? {});
      if (body.tenantId != null) return undefined;
      const name = body.name;
      const executionId = body.executionId ?? undefined;
      try {
        await services.signals.throw({ name, variables, executionId, departmentId: actor.departmentId }, actor);
      } catch (err) {
        if (!(err instanceof NotSubscribed) || !executionId) throw err;
        // Camunda's two answers: an execution that waits for something else, or none at all.
        const readable = await visibility.instanceReadable(actor);
        const exists = await Promise.all(
          WAITS.map((table) =>
            services
              .db(`${table} as w`)
              .join('process_instances as i', 'i.id', 'w.instance_id')
              .where('w.execution_id', executionId)
              .whereIn('i.status', ['running', 'failed'])
              .where(readable.where('i'))
              .first('w.execution_id'),
          ),
        );
        if (exists.some(Boolean)) {
          throw new CamundaError(
            500,
            'RestException',
            `Execution '${executionId}' has not subscribed to a signal event with name '${name}'.`,
          );
        }
        throw new CamundaError(
          500,
          'NullValueException',
          `Cannot find execution with id '${executionId}': execution is null`,
        );
      }
      return undefined;
    },
  }),
];
