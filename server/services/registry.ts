import { isServiceName } from './service-reference.js';

/**
 * The service registry: the only code a process can reach (ARCHITECTURE.md Service tasks).
 * A BPMN service task names a service here (read by parseServiceReference, service-reference.ts);
 * deploy refuses a name that is not registered.
 */
export interface ServiceCall {
  /** Stable per service-task execution: side effects must be keyed by it (at-least-once delivery). */
  idempotencyKey: string;
  instanceId: string;
  elementId: string;
  businessKey: string | null;
  departmentId: string | null;
  variables: Readonly<Record<string, unknown>>;
}

export interface ServiceDefinition {
  name: string;
  description: string;
  /** The description in Chinese, for designers working in Chinese (the English one otherwise). */
  descriptionZh?: string;
  /** Variables the service reads (documentation for designers; shown in the modeler). */
  inputs?: string[];
  /** Variables the service returns. */
  outputs?: string[];
  handler(call: ServiceCall): Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
}

/** A business outcome a process models with an error boundary event (not retried, not an incident). */
export class BpmnBusinessError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BpmnBusinessError';
  }
}

export class ServiceRegistry {
  private readonly services = new Map<string, ServiceDefinition>();

  constructor(definitions: ServiceDefinition[] = []) {
    for (const d of definitions) this.register(d);
  }

  register(definition: ServiceDefinition): this {
    // A name no BPMN reference can spell would be a service no process could ever call.
    if (!isServiceName(definition.name)) {
      throw new Error(`service name "${definition.name}" cannot be named by a BPMN file (letters, digits, _ . -)`);
    }
    if (this.services.has(definition.name)) throw new Error(`service ${definition.name} is registered twice`);
    this.services.set(definition.name, definition);
    return this;
  }

  has(name: string): boolean {
    return this.services.has(name);
  }

  get(name: string): ServiceDefinition | undefined {
    return this.services.get(name);
  }

  list(): Omit<ServiceDefinition, 'handler'>[] {
    return [...this.services.values()].map(({ name, description, descriptionZh, inputs, outputs }) => ({
      name,
      description,
      ...(descriptionZh ? { descriptionZh } : {}),
      inputs,
      outputs,
    }));
  }
}

/** Services every installation has. Domain services (billing, notifications…) register beside them. */
export const coreServices: ServiceDefinition[] = [
  {
    name: 'noop',
    descriptionZh: '什么也不做；流程绘制中的占位服务。',
    description: 'Does nothing; a placeholder while a process is being drawn.',
    handler: () => undefined,
  },
];
