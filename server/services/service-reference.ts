import type { Finding } from '../lint/messages.js';

/**
 * How a BPMN service or send task names a service of the registry. The one reading for the
 * designer's lint, the engine's compile and the registry's names; free of Node imports, since the
 * designer bundles it with the lint rules.
 */

/** What a registered service may be called: what a delegate expression `${name}` can name. */
const SERVICE_NAME = /^[A-Za-z_][\w.-]*$/;
const DELEGATE = /^\$\{\s*([A-Za-z_][\w.-]*)\s*\}$/;
const IMPLEMENTATION = /^\$\{\s*(?:environment\.)?services\.([A-Za-z_][\w-]*)\s*\}$/;

/** The attributes a service task may name its service with (camunda: ones without the prefix). */
export interface ServiceTaskAttributes {
  delegateExpression?: unknown;
  type?: unknown;
  topic?: unknown;
  implementation?: unknown;
  class?: unknown;
  expression?: unknown;
  [attribute: string]: unknown;
}

export type ServiceReference =
  /** `attribute` is where the name was read, for pointing at it. */
  | { service: string; attribute: 'delegateExpression' | 'implementation' }
  /** A Camunda external task: a worker outside the platform fetches it by topic (no registry name). */
  | { topic: string; attribute: 'topic' }
  | { refused: Finding };

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Whether a registry name can be named by a BPMN file (register() refuses any other). */
export function isServiceName(name: string): boolean {
  return SERVICE_NAME.test(name);
}

/**
 * The service a task names, in the ways Camunda 7 and bpmn-engine files write it:
 * - `camunda:delegateExpression="${name}"` (Camunda Modeler's "Delegate expression");
 * - `camunda:type="external" camunda:topic="name"`: an external task, left to workers that fetch
 *   its topic (server/external-tasks), as in Camunda 7; a topic is never a registry name;
 * - `implementation="${environment.services.name}"` or `${services.name}` (bpmn-engine's own form).
 * Java classes and `camunda:expression` calls cannot run here and are refused, as is a task that
 * names nothing. Checked in that order: the first attribute present decides.
 */
export function parseServiceReference(task: ServiceTaskAttributes): ServiceReference {
  const delegate = text(task.delegateExpression);
  if (delegate) {
    const name = DELEGATE.exec(delegate)?.[1];
    return name
      ? { service: name, attribute: 'delegateExpression' }
      : refused('service.malformed-delegate', delegate, 'delegateExpression');
  }
  if (text(task.type) === 'external') {
    const topic = text(task.topic);
    return topic
      ? { topic, attribute: 'topic' }
      : { refused: { code: 'service.external-no-topic', params: {}, path: ['topic'] } };
  }
  const implementation = text(task.implementation);
  if (implementation?.startsWith('${')) {
    const name = IMPLEMENTATION.exec(implementation)?.[1];
    return name
      ? { service: name, attribute: 'implementation' }
      : refused('service.malformed-implementation', implementation, 'implementation');
  }
  const javaClass = text(task.class);
  if (javaClass) return refused('service.java-class', javaClass, 'class');
  const expression = text(task.expression);
  if (expression) return refused('service.expression', expression, 'expression');
  return { refused: { code: 'service.missing', params: {}, path: ['delegateExpression'] } };
}

function refused(code: Finding['code'], value: string, attribute: string): ServiceReference {
  return { refused: { code, params: { value }, path: [attribute] } };
}
