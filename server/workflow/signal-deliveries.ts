import type { SignalVariables } from '../engine/definitions.js';
import { resolveTemplate } from '../engine/expressions.js';
import type { DeployedDefinition } from '../engine/pool/runner.js';
import type { StepOutcome } from '../engine/runtime.js';
import { StepContext, type Variables } from '../engine/step-context.js';
import { toJson, type InstanceRow } from './instances.repository.js';
import type { TransactionScope } from './transactions.js';

/**
 * What a thrown signal carries (Camunda 7's camunda:in on the signal event definition): all the
 * thrower's variables, and/or single ones under a target name. Without camunda:in, nothing.
 */
export function signalVariables(
  passed: SignalVariables | undefined,
  variables: Variables,
  clock: () => number = Date.now,
): Variables {
  if (!passed) return {};
  const out: Variables = passed.all ? { ...variables } : {};
  const scope = new StepContext(variables, clock).scope();
  for (const mapping of passed.mappings) {
    if (mapping.sourceExpression) out[mapping.target] = resolveTemplate(mapping.sourceExpression, scope);
    else if (mapping.source) out[mapping.target] = variables[mapping.source];
  }
  return out;
}

/**
 * Queues the signals a step threw for every other instance and every process they start, in the
 * thrower's transaction (ARCHITECTURE.md "stateless step"): one `signal` job per waiting
 * subscription of another running instance and one `signal-start` job (on the thrower's row)
 * per latest process whose signal start event has the name. The jobs run after the thrower has
 * committed, each as its own command and transaction on the receiving instance, retried as any
 * job is. The subscriptions that exist when the signal is thrown are the ones it reaches, as in
 * Camunda; the engine has already delivered it to the thrower's own waiting events.
 */
export function queueSignalDeliveries(
  scope: TransactionScope,
  instance: InstanceRow,
  definition: DeployedDefinition,
  outcome: StepOutcome,
  now: Date,
  clock: () => number,
): void {
  // One delivery per name and step: a second throw of the same name would address the same waits.
  const byName = new Map(outcome.signals.map((s) => [s.name, s]));
  for (const signal of byName.values()) {
    const variables = signalVariables(definition.meta.signalThrows?.[signal.elementId], instance.variables, clock);
    const payload = toJson({ name: signal.name, variables });
    scope.batch.add(
      scope.trx.raw(
        `INSERT INTO jobs (id, type, instance_id, execution_id, element_id, due_at, payload)
         SELECT gen_random_uuid(), 'signal', s.instance_id, s.execution_id, s.element_id, ?, ?::jsonb
           FROM signal_subscriptions s JOIN process_instances i ON i.id = s.instance_id
          WHERE s.signal_name = ? AND NOT s.is_start AND i.status = 'running' AND s.instance_id <> ?
         ON CONFLICT (instance_id, type, execution_id) DO NOTHING`,
        [now, payload, signal.name, instance.id],
      ),
    );
    scope.batch.add(
      scope.trx.raw(
        `INSERT INTO jobs (id, type, instance_id, execution_id, element_id, due_at, payload)
         SELECT gen_random_uuid(), 'signal-start', ?, ?::text || ':' || d.id::text, ?, ?,
                jsonb_build_object('name', ?::text, 'definitionId', d.id, 'variables', ?::jsonb, 'departmentId', ?::text)
           FROM process_definitions d
          WHERE d.version = (SELECT max(version) FROM process_definitions d2 WHERE d2.key = d.key)
            AND EXISTS (SELECT 1 FROM jsonb_each_text(d.meta->'signalStarts') m WHERE m.value = ?)
         ON CONFLICT (instance_id, type, execution_id) DO NOTHING`,
        [
          instance.id,
          signal.executionId,
          signal.elementId,
          now,
          signal.name,
          toJson(variables),
          instance.department_id,
          signal.name,
        ],
      ),
    );
  }
  if (byName.size) scope.dueJobs = true;
}
