import { randomUUID } from 'node:crypto';
import type { ServiceTaskMeta } from '../engine/definitions.js';
import { resolveTemplate, type Scope } from '../engine/expressions.js';
import type { DeployedDefinition } from '../engine/pool/runner.js';
import type { StepOutcome } from '../engine/runtime.js';
import { StepContext } from '../engine/step-context.js';
import type { Logger } from '../lib/logger.js';
import { asText } from '../lib/text.js';
import type { InstanceRow } from '../workflow/instances.repository.js';

/** Whether the element is a service task of `camunda:type="external"`. */
export function isExternal(definition: DeployedDefinition, elementId: string): boolean {
  return definition.meta.serviceTasks[elementId]?.external !== undefined;
}

/** Whether any service task of the definition is an external task (otherwise a step skips them). */
export function hasExternalTasks(definition: DeployedDefinition): boolean {
  return Object.values(definition.meta.serviceTasks).some((t) => t.external !== undefined);
}

/**
 * The rows of the external tasks a step created: topic, priority and local variables (the task's
 * camunda:inputParameter values) resolved over the instance's variables as they are now, as
 * Camunda evaluates them when the execution reaches the task.
 */
export function externalTaskRows(
  instance: InstanceRow,
  definition: DeployedDefinition,
  outcome: StepOutcome,
  now: Date,
  clock: () => number,
  logger: Logger,
) {
  const scope = new StepContext(instance.variables, clock).scope();
  return outcome.serviceRequests.flatMap((request) => {
    const meta = definition.meta.serviceTasks[request.elementId];
    if (!meta?.external) return [];
    return [
      {
        id: randomUUID(),
        instance_id: instance.id,
        definition_id: instance.definition_id,
        definition_key: instance.definition_key,
        execution_id: request.executionId,
        element_id: request.elementId,
        topic: text(meta.external.topic, scope) || meta.external.topic,
        priority: priority(meta.external.priority, scope, (err) =>
          logger.warn({ instanceId: instance.id, elementId: request.elementId, err }, 'external task priority ignored'),
        ),
        business_key: instance.business_key,
        department_id: instance.department_id,
        // The engine evaluated the task's input parameters when it started (list and map included).
        locals: JSON.stringify(request.locals ?? locals(meta, scope)),
        created_at: now,
      },
    ];
  });
}

function text(template: string, scope: Scope): string {
  try {
    const value = resolveTemplate(template, scope);
    return asText(value);
  } catch {
    return '';
  }
}

function priority(template: string | null, scope: Scope, warn: (err: string) => void): number {
  if (!template) return 0;
  try {
    const value = Number(resolveTemplate(template, scope));
    return Number.isFinite(value) ? Math.trunc(value) : 0;
  } catch (err) {
    // Camunda fails the step on a bad priority expression; here the task is still created, at 0.
    warn((err as Error).message);
    return 0;
  }
}

function locals(meta: ServiceTaskMeta, scope: Scope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(meta.inputs ?? {})) {
    try {
      if (typeof value === 'string') out[name] = resolveTemplate(value, scope);
      else out[name] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTemplate(v, scope)]));
    } catch {
      out[name] = null;
    }
  }
  return out;
}
