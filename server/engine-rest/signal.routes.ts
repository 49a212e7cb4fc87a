import { z } from 'zod';
import { noContent, route } from '../http/route.js';
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
const WAITS = ['message_subscriptions', 'tasks', 'jobs', 'external_tasks'] as const;

/**
 * `POST /signal` (Camunda 7.24 SignalRestService). The platform runs no signal events (the deploy
 * refuses them: engine/runnability.ts), so no execution and no process ever waits for a signal:
 * a broadcast reaches nobody, which Camunda answers 204 (a signal nobody receives is not
 * delivered); a signal aimed at one execution answers as Camunda does for an execution that has
 * not subscribed to it. Wire it to the engine here once signal events run.
 */
export const signalRoutes: EngineRestGroup = ({ services, visibility }) => [
  route({
    method: 'post',
    path: '/signal',
    tag: ENGINE_REST_TAG,
    summary: 'Deliver a signal to every process waiting for it (none here: the platform runs no signal events)',
    permission: { object: 'message', action: 'correlate' },
    body: signalBody,
    response: noContent,
    async handle({ body, actor }) {
      if (!body.name) throw invalidRequest('No signal name given');
      fromCamundaVariables(body.variables ?? {});
      if (!body.executionId) return undefined;
      const executionId = body.executionId;
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
          `Execution '${executionId}' has not subscribed to a signal event with name '${body.name}'.`,
        );
      }
      throw new CamundaError(
        500,
        'NullValueException',
        `Cannot find execution with id '${executionId}': execution is null`,
      );
    },
  }),
];
