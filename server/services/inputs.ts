import type { Db } from '../db/index.js';
import { resolveTemplate } from '../engine/expressions.js';
import type { ServiceCall } from './registry.js';

type InputValue = string | Record<string, string>;

/**
 * The service task's own camunda:inputParameter values, resolved over the process variables
 * (`${…}` by the safe interpreter). A process sends several different notices through one
 * service this way: each task names its template and parameters, as Camunda Modeler draws them.
 * Answers the call's variables with the inputs laid over them.
 */
export async function withServiceInputs(db: Db, call: ServiceCall): Promise<Record<string, unknown>> {
  const row = await db('process_instances as i')
    .join('process_definitions as d', 'd.id', 'i.definition_id')
    .where('i.id', call.instanceId)
    .first<{ inputs: Record<string, InputValue> | null } | undefined>(
      db.raw(`d.meta->'serviceTasks'->?->'inputs' as inputs`, [call.elementId]),
    );
  const inputs = row?.inputs;
  if (!inputs) return { ...call.variables };
  const scope = (name: string) =>
    Object.prototype.hasOwnProperty.call(call.variables, name) ? call.variables[name] : undefined;
  const resolve = (value: string) => resolveTemplate(value, scope);
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs)) {
    resolved[key] =
      typeof value === 'string'
        ? resolve(value)
        : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  }
  return { ...call.variables, ...resolved };
}
