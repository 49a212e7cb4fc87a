import { resolveTemplate, isExpression, hasExpression, type Scope } from './expressions.js';
import { executionChain, VariableScopes } from './variable-scopes.js';
import type { AsyncBoundary, AsyncWait } from './async-continuation.js';

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
  /** The step's clock; a live engine's next step sets its own (StepContext.beginStep). */
  constructor(public now: () => number) {}

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

/** How much work one command may make the engine do (ARCHITECTURE.md "Limits are part of the design"). */
export interface StepLimits {
  /** Activity executions (activity.start events) one command may run before it is a runaway. */
  maxActivityExecutions: number;
  /** The largest evaluated multi-instance cardinality (a loopCardinality or a collection's length). */
  multiInstanceMax: number;
  /** The shortest interval a timer cycle may repeat at, in ms (cycles resolved from expressions included). */
  timerMinIntervalMs: number;
  /**
   * Wall-clock time one command may keep the engine busy, in ms: bpmn-engine runs synchronously,
   * so a step that overruns holds its thread (an engine worker's, or the caller's when run
   * inline) and every step queued behind it for that long.
   */
  maxStepMs: number;
}

export const DEFAULT_STEP_LIMITS: StepLimits = {
  maxActivityExecutions: 10_000,
  multiInstanceMax: 1_000,
  timerMinIntervalMs: 60_000,
  maxStepMs: 2_000,
};

/**
 * The time limit applies once a step has run this many activity executions: the first steps on a
 * cold node spend their time compiling the engine's code, not looping, and must not fail for it.
 */
const TIME_CHECK_AFTER = 20;

/** Why a step was stopped before it came to rest: the command fails into an incident. */
export class RunawayStep extends Error {
  constructor(
    readonly code:
      | 'STEP_ACTIVITY_LIMIT'
      | 'STEP_TIME_LIMIT'
      | 'STEP_MEMORY_LIMIT'
      | 'STEP_ENGINE_FAILED'
      | 'MULTI_INSTANCE_LIMIT'
      | 'TIMER_CYCLE_LIMIT',
    message: string,
    readonly elementId: string | null = null,
  ) {
    super(message);
    this.name = 'RunawayStep';
  }
}

/**
 * Everything one stateless step shares with the engine it builds: the instance's variables,
 * the safe expression resolver over them, the deferred timers, and the service results this
 * step may hand to waiting service tasks.
 */
export class StepContext {
  readonly timers: DeferredTimers;
  readonly serviceRequests: { executionId: string; elementId: string; locals?: Variables }[] = [];
  private readonly serviceResults = new Map<string, ServiceResult>();
  private readonly heldCallbacks = new Map<string, ServiceCallback>();
  private activityExecutions = 0;
  /** When the engine began running activities (its setup, linear in the process's size, is bounded by the element limit). */
  private startedAt = 0;
  /** The engine, not a closure that stops it: a closure stored on this object would keep the engine from the scavenger. */
  private engine: { stop(): unknown } | null = null;
  /** Set when the step overran a limit; the engine has been stopped and the command fails. */
  runaway: RunawayStep | null = null;
  /** element id → its camunda:asyncBefore/asyncAfter (async-continuation.ts), from the definition. */
  asyncBoundaries: Record<string, AsyncBoundary> = {};
  /** execution id → the boundary that activity waits at (async-continuation.ts). */
  readonly asyncWaits = new Map<string, AsyncWait>();

  constructor(
    public variables: Variables,
    public clock: () => number = Date.now,
    public limits: StepLimits = DEFAULT_STEP_LIMITS,
  ) {
    this.timers = new DeferredTimers(clock);
    this.scopes = new VariableScopes(variables);
  }

  /**
   * Readies the context of a live engine kept between steps (engine-cache.ts) for its next step:
   * the row's variables, this step's clock and limits, nothing of the last step's own bookkeeping.
   * What the engine itself holds across steps (its timers, the local scopes) stays.
   */
  beginStep(variables: Variables, clock: () => number, limits: StepLimits): void {
    this.variables = variables;
    this.clock = clock;
    this.limits = limits;
    this.timers.now = clock;
    this.scopes = new VariableScopes(variables, structuredClone(this.scopes.scopes));
    this.serviceRequests.length = 0;
    this.serviceResults.clear();
    this.heldCallbacks.clear();
    this.serviceChains.clear();
    this.activityExecutions = 0;
    this.startedAt = 0;
    this.runaway = null;
  }

  /** The local scopes of activities with input/output mappings (variable-scopes.ts), over `variables`. */
  scopes: VariableScopes;

  /** The engine this step stops when it overruns a limit. */
  onRunaway(engine: { stop(): unknown }): void {
    this.engine = engine;
  }

  /** Counts one activity execution; past the step's limits (count or time) the step is a runaway. */
  countActivityExecution(): void {
    if (this.runaway) return;
    this.activityExecutions += 1;
    if (this.activityExecutions === 1) this.startedAt = performance.now();
    const { maxActivityExecutions, maxStepMs } = this.limits;
    if (this.activityExecutions > maxActivityExecutions) {
      this.abort(
        new RunawayStep(
          'STEP_ACTIVITY_LIMIT',
          `the command ran more than ${maxActivityExecutions} activity executions (STEP_MAX_ACTIVITY_EXECUTIONS); the process loops or is too large for one step`,
        ),
      );
    } else if (this.activityExecutions > TIME_CHECK_AFTER && performance.now() - this.startedAt > maxStepMs) {
      this.abort(
        new RunawayStep(
          'STEP_TIME_LIMIT',
          `the command kept the engine busy for more than ${maxStepMs} ms (STEP_MAX_MS) after ${this.activityExecutions} activity executions`,
        ),
      );
    }
  }

  /** Stops the step: the engine is stopped at once and the command fails with `reason`. */
  abort(reason: RunawayStep): void {
    if (this.runaway) return;
    this.runaway = reason;
    void this.engine?.stop();
    throw reason;
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

  requestService(executionId: string, elementId: string, chain: string[] = []): void {
    if (!this.serviceRequests.some((r) => r.executionId === executionId))
      this.serviceRequests.push({ executionId, elementId });
    this.serviceChains.set(executionId, chain);
  }

  /** The local variables a service call sees (its input parameters, its sub-process's), when any. */
  serviceLocals(executionId: string): Variables | undefined {
    return this.scopes.visible(this.serviceChains.get(executionId) ?? [executionId]);
  }

  private readonly serviceChains = new Map<string, string[]>();

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
      const isContent = content !== undefined && content !== null && typeof content === 'object';
      // Inside a multi-instance iteration, its element variable (e.g. `item`) is visible; inside an
      // activity with input parameters (or a sub-process that has them), its local variables.
      const scoped = isContent && !this.scopes.empty ? this.scopes.visible(executionChain(content)) : undefined;
      const iteration = isContent ? iterationLocals(content) : undefined;
      const locals = scoped && iteration ? { ...scoped, ...iteration } : (scoped ?? iteration);
      return resolveTemplate(expression, this.scope(context, locals));
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
