import { resolveTemplate, isExpression, hasExpression, type Scope } from './expressions.js';

export type Variables = Record<string, unknown>;

export type ServiceResult = { output: unknown } | { bpmnError: Error & { code: string } };

/** The callback bpmn-elements hands a service behaviour. */
export type ServiceCallback = (err: Error | null, output?: unknown) => void;

/** A timer as bpmn-elements registers it: never fired in-process, persisted as a job instead. */
export interface TimerRef {
  owner: { id?: string; executionId?: string; expireAt?: Date | string; timerType?: string } | null;
  callback: (...args: unknown[]) => void;
  args: unknown[];
  delay: number;
  expireAt: Date;
}

/**
 * bpmn-elements' timers interface. ARCHITECTURE.md: "give the engine timers that never fire
 * in-process"; after the step the runtime turns `executing` into job rows.
 */
export class DeferredTimers {
  private readonly refs = new Set<TimerRef>();
  constructor(private readonly now: () => number) {}

  get executing(): TimerRef[] {
    return [...this.refs];
  }
  register(owner: TimerRef['owner']) {
    return {
      setTimeout: (callback: TimerRef['callback'], delay: number, ...args: unknown[]) =>
        this.add(owner, callback, delay, args),
      clearTimeout: (ref: TimerRef) => this.clearTimeout(ref),
    };
  }
  setTimeout = (callback: TimerRef['callback'], delay: number, ...args: unknown[]): TimerRef =>
    this.add(null, callback, delay, args);
  clearTimeout = (ref: TimerRef | undefined): undefined => {
    if (ref) this.refs.delete(ref);
    return undefined;
  };
  private add(owner: TimerRef['owner'], callback: TimerRef['callback'], delay: number, args: unknown[]): TimerRef {
    const expireAt = owner?.expireAt ? new Date(owner.expireAt) : new Date(this.now() + delay);
    const ref: TimerRef = { owner, callback, args, delay, expireAt };
    this.refs.add(ref);
    return ref;
  }
}

/**
 * Everything one stateless step shares with the engine it builds: the instance's variables,
 * the safe expression resolver over them, the deferred timers, and the service results this
 * step may hand to waiting service tasks.
 */
export class StepContext {
  readonly timers: DeferredTimers;
  readonly serviceRequests: { executionId: string; elementId: string }[] = [];
  private readonly serviceResults = new Map<string, ServiceResult>();
  private readonly heldCallbacks = new Map<string, ServiceCallback>();

  constructor(
    readonly variables: Variables,
    readonly clock: () => number = Date.now,
  ) {
    this.timers = new DeferredTimers(clock);
  }

  provideServiceResult(executionId: string, result: ServiceResult): void {
    this.serviceResults.set(executionId, result);
  }

  /**
   * Called by the service task the engine re-executes while it resumes. When this step carries
   * its result, the task's callback is kept and only answered by `deliverServiceResult` once
   * resume() has returned: answering inside resume() could end an enclosing sub-process before
   * its boundary events are resumed, and they would never hear it leave (a stale message wait).
   */
  holdForResult(executionId: string, callback: ServiceCallback): boolean {
    if (!this.serviceResults.has(executionId)) return false;
    this.heldCallbacks.set(executionId, callback);
    return true;
  }

  /** Answers the held service task with this step's result; false when no such task was waiting. */
  deliverServiceResult(executionId: string): boolean {
    const result = this.serviceResults.get(executionId);
    const callback = this.heldCallbacks.get(executionId);
    this.serviceResults.delete(executionId);
    this.heldCallbacks.delete(executionId);
    if (!result || !callback) return false;
    if ('bpmnError' in result) callback(result.bpmnError);
    else callback(null, result.output);
    return true;
  }

  requestService(executionId: string, elementId: string): void {
    if (!this.serviceRequests.some((r) => r.executionId === executionId))
      this.serviceRequests.push({ executionId, elementId });
  }

  /** A scope for expressions: variables first, plus the engine-style roots. */
  scope(message?: Record<string, unknown>, locals?: Variables): Scope {
    const variables = this.variables;
    const environment = { variables, settings: {} };
    return (name) => {
      if (locals && Object.prototype.hasOwnProperty.call(locals, name)) return locals[name];
      if (Object.prototype.hasOwnProperty.call(variables, name)) return variables[name];
      if (name === 'environment') return environment;
      if (message && (name === 'content' || name === 'fields' || name === 'properties')) return message[name];
      return undefined;
    };
  }

  /** bpmn-elements' `expressions` option, backed by the safe interpreter. */
  readonly expressions = {
    resolveExpression: (expression: unknown, context?: Record<string, unknown>): unknown => {
      if (typeof expression !== 'string') return expression;
      const content = context?.content as Variables | undefined;
      // Inside a multi-instance iteration, its element variable (e.g. `item`) is visible.
      return resolveTemplate(
        expression,
        this.scope(context, content && typeof content === 'object' ? iterationLocals(content) : undefined),
      );
    },
    isExpression,
    hasExpression,
  };
}

function iterationLocals(content: Variables): Variables | undefined {
  if (!content.isMultiInstance || content.index === undefined) return undefined;
  const locals: Variables = { loopCounter: content.index };
  for (const key of Object.keys(content)) {
    if (!ENGINE_CONTENT_KEYS.has(key)) locals[key] = content[key];
  }
  return locals;
}

const ENGINE_CONTENT_KEYS = new Set([
  'id',
  'type',
  'name',
  'executionId',
  'parent',
  'state',
  'isRootScope',
  'isMultiInstance',
  'isSequential',
  'index',
  'loopCardinality',
  'attachedTo',
  'inbound',
  'outbound',
  'ioSpecification',
  'input',
  'output',
  'message',
  'timeout',
  'expireAt',
  'startedAt',
  'isRecovered',
  'isParallelJoin',
]);
