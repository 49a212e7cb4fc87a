import { Engine } from 'bpmn-engine';
// Before any engine runs: bpmn-elements' Api objects without a closure each (lean-apis.ts).
import './lean-apis.js';
import type { DefinitionMeta, SourceContext } from './definitions.js';
import { evaluateIoValue, mappedVariables, type IoMapping } from './io-mapping.js';
import { executionChain, SCOPES_STATE_KEY, VariableScopes, type LocalScopes } from './variable-scopes.js';
import { applyModification, type ModificationInstruction } from './modification.js';
import { asyncContinuationExtension, continueAt, remainingWaits, type AsyncWait } from './async-continuation.js';
import {
  DEFAULT_STEP_LIMITS,
  StepContext,
  RunawayStep,
  type ServiceResult,
  type StepLimits,
  type Variables,
} from './step-context.js';

export { DEFAULT_STEP_LIMITS, RunawayStep, type StepLimits } from './step-context.js';

/** A deployed version as the runtime needs it: parsed once, shared by every step on this node. */
export interface LoadedDefinition {
  id: string;
  key: string;
  version: number;
  sourceContext: SourceContext;
  meta: DefinitionMeta;
}

export type EngineState = Record<string, unknown>;

/** What a step does to an instance after the engine has resumed it. */
export type Command =
  | { kind: 'start' }
  | { kind: 'resume' }
  /** `calledResult`: the payload is a called instance's variables, mapped back by camunda:out. */
  | { kind: 'signal'; executionId: string; payload?: Variables; calledResult?: boolean }
  | { kind: 'fire-timer'; executionId: string }
  | { kind: 'service-result'; executionId: string; result: ServiceResult }
  /** An async-continuation job: the activity waiting at its boundary runs on (async-continuation.ts). */
  | { kind: 'continue'; executionId: string }
  /** Process instance modification (modification.ts): cancel and start activities, all or nothing. */
  | { kind: 'modify'; instructions: ModificationInstruction[] };

/**
 * A command with the variables it sets (a task's form, a service's result, a called process's
 * camunda:out): set at the execution it addresses, Camunda's way (variable-scopes.ts).
 */
export type CommandWithVariables = Command & { assign?: Variables };

export interface WaitingActivity {
  executionId: string;
  elementId: string;
  type: string;
  /** Multi-instance iteration data (index, element variable), when the wait is an iteration. */
  locals: Variables | null;
  /** The message a catch event or receive task waits for. */
  messageName: string | null;
  /** The signal a catch, boundary or signal start event waits for (its name resolved). */
  signalName: string | null;
  calledElement: string | null;
}

/**
 * A signal thrown by an event of this instance. The engine has already delivered it to this
 * instance's own waiting events; the platform delivers it to every other instance.
 */
export interface ThrownSignal {
  executionId: string;
  elementId: string;
  name: string;
}

export interface HistoryEvent {
  /** `leave` without `end` or `discard`: the activity was interrupted (e.g. by an error boundary). */
  event: 'start' | 'end' | 'discard' | 'leave';
  executionId: string;
  elementId: string;
  elementType: string;
  at: Date;
}

export interface StepOutcome {
  /** The state to save; for a runaway, the state from before the command (null for a start). */
  state: EngineState | null;
  status: 'running' | 'completed' | 'failed';
  error: string | null;
  /** True when the command found what it addressed (a waiting task, a timer, a service task). */
  applied: boolean;
  waiting: WaitingActivity[];
  timers: { executionId: string; elementId: string; dueAt: Date }[];
  /** `locals`: what the call sees besides the instance's variables (input parameters). */
  serviceRequests: { executionId: string; elementId: string; locals?: Variables }[];
  /** Boundaries (camunda:asyncBefore/asyncAfter) activities wait at: each becomes an async-continuation job. */
  continuations: AsyncWait[];
  /** The instance's variables after the step; absent when the step was cut short (a runaway). */
  variables?: Variables;
  /** Signals the step threw (throw and end events), to broadcast beyond this instance. */
  signals: ThrownSignal[];
  history: HistoryEvent[];
  /** Set when the command overran a step limit: the engine was stopped and the step failed. */
  runaway: RunawayStep | null;
  /** True when the step continued the live engine of its row instead of recovering (engine-cache.ts). */
  continuedLive?: boolean;
  /** True when the engine the step left is kept, until the step's transaction settles (engine-cache.ts). */
  keptLive?: boolean;
}

interface ActivityApi {
  id: string;
  type: string;
  executionId: string;
  content: Record<string, unknown>;
  owner?: { type?: string; execution?: { getPostponed?: () => ActivityApi[] } };
  signal(message?: unknown): void;
}

const quietLogger = () => ({ debug() {}, warn() {}, error() {} });

/** bpmn-elements emits these for every activity; they become history rows. */
const HISTORY_EVENTS: Record<string, HistoryEvent['event']> = {
  'activity.start': 'start',
  'activity.end': 'end',
  'activity.discard': 'discard',
  'activity.leave': 'leave',
};
const SKIP_HISTORY_TYPES = new Set(['bpmn:SequenceFlow', 'bpmn:Process', 'bpmn:Definitions']);

/** Every postponed execution, depth first: sub-process children and multi-instance iterations included. */
function allPostponed(roots: ActivityApi[]): ActivityApi[] {
  const result: ActivityApi[] = [];
  const seen = new Set<string>();
  const visit = (apis: ActivityApi[]) => {
    for (const api of apis) {
      if (seen.has(api.executionId)) continue;
      seen.add(api.executionId);
      result.push(api);
      const children = api.owner?.execution?.getPostponed?.();
      if (children) visit(children);
    }
  };
  visit(roots);
  return result;
}

function describeWait(
  api: ActivityApi,
  meta: DefinitionMeta,
  messages: Map<string, string>,
  scopes: VariableScopes,
  signals: Map<string, string>,
): WaitingActivity | null {
  const ownerType = api.owner?.type ?? api.type;
  const content = api.content;
  const isIteration = content.isMultiInstance === true && content.index !== undefined;
  if (content.isMultiInstance === true && !isIteration && ownerType !== 'bpmn:SubProcess') return null;
  const messageName = messages.get(api.executionId) ?? null;
  const signalName = signals.get(api.executionId) ?? null;
  // Service and send tasks wait for their job or external worker; listed so a step can tell
  // which external tasks an interrupting boundary event took away.
  const waitingType =
    ownerType === 'bpmn:ServiceTask' ||
    ownerType === 'bpmn:SendTask' ||
    ownerType === 'bpmn:UserTask' ||
    ownerType === 'bpmn:CallActivity' ||
    ownerType === 'bpmn:ReceiveTask' ||
    messageName !== null ||
    signalName !== null;
  if (!waitingType) return null;
  let locals: Variables | null = null;
  if (isIteration) {
    locals = { loopCounter: content.index };
    for (const [key, value] of Object.entries(content)) {
      if (
        ![
          'id',
          'type',
          'executionId',
          'parent',
          'state',
          'isMultiInstance',
          'index',
          'loopCardinality',
          'isRootScope',
          'isSequential',
          'inbound',
          'attachedTo',
          'name',
        ].includes(key)
      ) {
        locals[key] = value;
      }
    }
  }
  const scoped = scopes.empty ? undefined : scopes.visible(executionChain(content));
  if (scoped) locals = { ...scoped, ...(locals ?? {}) };
  return {
    executionId: api.executionId,
    elementId: api.id,
    type: ownerType,
    locals,
    messageName,
    signalName,
    calledElement: ownerType === 'bpmn:CallActivity' ? (meta.callActivities[api.id] ?? null) : null,
  };
}

/**
 * Recovers or starts the engine (a live engine kept from the last step is running already) and
 * applies the command; true when the command found its target.
 */
async function runCommand(
  engine: Engine,
  context: StepContext,
  state: EngineState | null,
  command: CommandWithVariables,
  listener: { emit(name: string, api: ActivityApi | undefined): void },
  sourceContext: SourceContext,
  meta: DefinitionMeta | undefined,
  running: boolean,
): Promise<boolean> {
  if (running) {
    // Kept from the step that saved the row's state (engine-cache.ts): nothing to recover.
  } else if (state) {
    // The state was parsed from the database for this step alone: recover may take it as it is.
    engine.recover(state);
    await engine.resume({ listener });
  } else {
    await engine.execute({ listener } as never);
  }
  const execution = engine.execution as unknown as { getPostponed(): ActivityApi[] } | null;
  assignCommandVariables(context, command, execution);
  switch (command.kind) {
    case 'start':
    case 'resume':
      return true;
    case 'signal': {
      const postponed = execution ? allPostponed(execution.getPostponed()) : [];
      const target = postponed.find((a) => a.executionId === command.executionId);
      if (target && meta && command.calledResult) assignCalledResult(context, target, command.payload ?? {}, meta);
      target?.signal(command.payload ?? {});
      return target !== undefined;
    }
    case 'fire-timer': {
      const timer = context.timers.executing.find((t) => t.owner?.executionId === command.executionId);
      if (timer) {
        context.timers.clearTimeout(timer);
        timer.callback(...timer.args);
      }
      // A due timer waits for this command (timer-definition.ts); one no longer there was cancelled.
      return true;
    }
    case 'service-result':
      // Delivered only now that resume() has re-attached every listener (boundary events included).
      return context.deliverServiceResult(command.executionId);
    case 'continue': {
      const postponed = execution ? allPostponed(execution.getPostponed()) : [];
      return continueAt(
        context,
        postponed.find((a) => a.executionId === command.executionId),
      );
    }
    case 'modify':
      applyModification(engine as never, sourceContext, command.instructions);
      return true;
  }
}

/**
 * The command's variables go where Camunda would set them: at the execution it addresses (a local
 * of that task or of an enclosing scope when one holds the name), otherwise on the instance.
 */
function assignCommandVariables(
  context: StepContext,
  command: CommandWithVariables,
  execution: { getPostponed(): ActivityApi[] } | null,
): void {
  const assign = command.assign;
  if (!assign) return;
  let chain: string[] = [];
  if (!context.scopes.empty && 'executionId' in command && execution) {
    const target = allPostponed(execution.getPostponed()).find((a) => a.executionId === command.executionId);
    chain = executionChain(target?.content);
  }
  for (const [name, value] of Object.entries(assign)) context.scopes.set(chain, name, value);
}

/**
 * A called instance ended: its variables reach the call activity through camunda:out (set at the
 * call activity's execution, Camunda's way); versions deployed before the mappings were read take
 * them all, as they always did.
 */
function assignCalledResult(context: StepContext, target: ActivityApi, child: Variables, meta: DefinitionMeta): void {
  const mappings = meta.callMappings?.[target.id];
  const values = mappings ? mappedVariables(mappings.out, child) : child;
  const chain = executionChain(target.content);
  for (const [name, value] of Object.entries(values)) context.scopes.set(chain, name, value);
}

function tooDeep(err: RangeError): string {
  return `the command ran a chain of activities too long for one step (${err.message}); split the process or let it wait`;
}

/**
 * A step cut short by a limit: the engine's half-run state is discarded, the instance keeps the
 * state it had before the command (none for a start) and fails into an incident. Nothing it did
 * in the meantime (history, tasks, timers, service calls) is kept.
 */
export function runawayOutcome(state: EngineState | null, runaway: RunawayStep): StepOutcome {
  return {
    state,
    status: 'failed',
    error: runaway.message,
    applied: true,
    waiting: [],
    timers: [],
    serviceRequests: [],
    continuations: [],
    signals: [],
    history: [],
    runaway,
  };
}

/**
 * An engine kept running between steps of one instance (engine-cache.ts), with what the engine
 * told its first step that a recovery would tell every step again: the message and signal each
 * waiting activity waits for. The listener and error handler it was built with forward to the
 * step running it now.
 */
export interface LiveEngine {
  engine: Engine;
  context: StepContext;
  relay: StepRelay;
  messageWaits: Map<string, string>;
  signalWaits: Map<string, string>;
}

/**
 * What one step hears from the engine: history, the waits' messages and signals, signals thrown.
 * A class with its state in fields, not closures stored on objects: V8's young-generation
 * collector keeps a closure assigned to an existing object's property alive, and through the
 * step's scope the whole engine, until the next full collection (lean-apis.ts says more).
 */
class StepListener {
  readonly history: HistoryEvent[] = [];
  readonly signals: ThrownSignal[] = [];
  constructor(
    private readonly context: StepContext,
    private readonly meta: DefinitionMeta,
    readonly messageWaits: Map<string, string>,
    readonly signalWaits: Map<string, string>,
  ) {}

  emit(name: string, api: ActivityApi | undefined): void {
    if (!api) return;
    const context = this.context;
    if (name === 'activity.start' || name === 'activity.timeout') context.countActivityExecution();
    if (context.runaway) return;
    if (this.meta.io) mapVariables(name, api, this.meta.io, context);
    const event = HISTORY_EVENTS[name];
    if (event && !SKIP_HISTORY_TYPES.has(api.type)) {
      this.history.push({
        event,
        executionId: api.executionId,
        elementId: api.id,
        elementType: api.type,
        at: new Date(context.clock()),
      });
    } else if (name === 'activity.wait') {
      const message = api.content.message as { id?: string; name?: string } | undefined;
      if (message?.id)
        this.messageWaits.set(api.executionId, this.meta.messages[message.id] ?? message.name ?? message.id);
      const signal = api.content.signal as { name?: unknown } | undefined;
      if (typeof signal?.name === 'string') this.signalWaits.set(api.executionId, signal.name);
    } else if (name === 'activity.signal') {
      // The name as the engine resolved it (a `${…}` signal name is evaluated when thrown).
      const signal = api.content.message as { name?: unknown } | undefined;
      if (typeof signal?.name === 'string')
        this.signals.push({ executionId: api.executionId, elementId: api.id, name: signal.name });
    }
  }
}

/**
 * The listener an engine is built with, kept with it between steps (engine-cache.ts): it forwards
 * to the step running the engine now and records the engine's error for that step.
 */
class StepRelay {
  listener: StepListener | null = null;
  error: Error | null = null;
  emit(name: string, api: ActivityApi | undefined): void {
    this.listener?.emit(name, api);
  }
  fail(err: Error): void {
    this.error = err;
  }
}

/**
 * Whether a command may run on a live engine instead of a recovered one. Only plain signals (a
 * task completed, a message or a called instance's result delivered): a service result is handed
 * to the task the recovery re-executes, a modification rebuilds the engine's executions, and an
 * async boundary's wait is set up again by the recovery.
 */
export function runsOnLiveEngine(command: CommandWithVariables, meta: DefinitionMeta): boolean {
  return command.kind === 'signal' && !meta.asyncBoundaries;
}

/** Whether the engine a step leaves behind may be kept for the instance's next step. */
function keepsLiveEngine(command: CommandWithVariables, meta: DefinitionMeta, outcome: StepOutcome): boolean {
  return command.kind !== 'modify' && !meta.asyncBoundaries && outcome.status === 'running' && !outcome.runaway;
}

/**
 * One stateless step (ARCHITECTURE.md "the heart"): build a fresh Engine over the shared parsed
 * definition, recover the saved state, resume, apply the command, and report everything the
 * platform must persist. Pure with respect to storage: the caller owns the transaction.
 */
export async function executeStep(
  definition: LoadedDefinition,
  state: EngineState | null,
  variables: Variables,
  command: CommandWithVariables,
  clock: () => number = Date.now,
  limits: StepLimits = DEFAULT_STEP_LIMITS,
): Promise<StepOutcome> {
  return (await stepEngine(definition, state, variables, command, clock, limits, null)).outcome;
}

/**
 * A step as `executeStep`, on `live` when given (the engine of exactly the state the row holds,
 * engine-cache.ts) instead of a recovery; answers the engine it leaves behind when the instance's
 * next step may continue on it.
 */
export async function stepEngine(
  definition: LoadedDefinition,
  state: EngineState | null,
  variables: Variables,
  command: CommandWithVariables,
  clock: () => number,
  limits: StepLimits,
  live: LiveEngine | null,
): Promise<{ outcome: StepOutcome; live: LiveEngine | null }> {
  const context = live?.context ?? new StepContext({ ...variables }, clock, limits);
  if (live) context.beginStep({ ...variables }, clock, limits);
  else {
    const savedScopes = state?.[SCOPES_STATE_KEY] as LocalScopes | undefined;
    if (savedScopes) context.scopes = new VariableScopes(context.variables, structuredClone(savedScopes));
  }
  context.asyncBoundaries = definition.meta.asyncBoundaries ?? {};
  if (command.kind === 'service-result') context.provideServiceResult(command.executionId, command.result);

  const listener = new StepListener(
    context,
    definition.meta,
    live?.messageWaits ?? new Map<string, string>(),
    live?.signalWaits ?? new Map<string, string>(),
  );
  const { history, signals, messageWaits, signalWaits } = listener;
  const relay = live?.relay ?? new StepRelay();
  relay.listener = listener;
  relay.error = null;
  let engine: Engine;
  if (live) engine = live.engine;
  else {
    engine = new Engine({
      name: definition.key,
      sourceContext: definition.sourceContext,
      expressions: context.expressions,
      timers: context.timers,
      scripts: { register() {}, getScript() {} },
      Logger: quietLogger,
      platformStep: context,
      ...(definition.meta.asyncBoundaries ? { extensions: { platformAsync: asyncContinuationExtension } } : {}),
    } as never);
    engine.on('error', (err: Error) => relay.fail(err));
    context.onRunaway(engine);
  }

  let applied = command.kind === 'start' || command.kind === 'resume';
  try {
    applied =
      (await runCommand(
        engine,
        context,
        state,
        command,
        relay,
        definition.sourceContext,
        definition.meta,
        live !== null,
      )) || applied;
  } catch (err) {
    // A runaway is thrown from inside the engine's synchronous run (the only way to cut it short);
    // so is a stack overflow from a chain of activities too long for one call stack.
    if (err instanceof RunawayStep) context.runaway ??= err;
    else if (err instanceof RangeError) context.runaway ??= new RunawayStep('STEP_ACTIVITY_LIMIT', tooDeep(err));
    else throw err;
  }
  if (context.runaway) return { outcome: runawayOutcome(state, context.runaway), live: null };

  const engineState = (await engine.getState()) as unknown as EngineState & { definitions: Record<string, unknown>[] };
  // ARCHITECTURE.md: delete the embedded source; recover() takes the shared sourceContext instead.
  for (const d of engineState.definitions) delete d.source;
  const engineError = relay.error;
  if (!context.scopes.empty) engineState[SCOPES_STATE_KEY] = context.scopes.scopes;

  const postponed = engine.execution
    ? allPostponed((engine.execution as unknown as { getPostponed(): ActivityApi[] }).getPostponed())
    : [];
  // An activity at its boundary has not started (asyncBefore) or has completed (asyncAfter).
  const continuations = remainingWaits(context, postponed);
  const atBoundary = new Set(continuations.map((w) => w.executionId));
  const waiting: WaitingActivity[] = [];
  for (const api of postponed) {
    if (atBoundary.has(api.executionId)) continue;
    const wait = describeWait(api, definition.meta, messageWaits, context.scopes, signalWaits);
    if (wait) waiting.push(wait);
  }
  const timers = context.timers.executing
    .filter((t) => t.owner?.executionId)
    .map((t) => ({ executionId: t.owner?.executionId as string, elementId: t.owner?.id ?? '', dueAt: t.expireAt }));

  // The typings declare a const enum; read the state as the string the engine sets.
  const runState = engine.state as string;
  const failed = engineError !== null || runState === 'error';
  const status: StepOutcome['status'] = failed
    ? 'failed'
    : runState === 'idle' && postponed.length === 0
      ? 'completed'
      : 'running';
  const outcome: StepOutcome = {
    state: engineState,
    status,
    error: failed ? ((engineError as Error | null)?.message ?? 'the process failed') : null,
    runaway: null,
    applied,
    waiting,
    timers,
    // A modification may cancel a service task the resume had just asked for again.
    serviceRequests: (command.kind === 'modify'
      ? context.serviceRequests.filter((r) => postponed.some((p) => p.executionId === r.executionId))
      : context.serviceRequests
    ).map((r) => {
      const locals = context.serviceLocals(r.executionId);
      return locals ? { ...r, locals } : r;
    }),
    continuations,
    variables: context.variables,
    signals,
    history,
    ...(live ? { continuedLive: true } : {}),
  };
  if (!applied || !keepsLiveEngine(command, definition.meta, outcome)) return { outcome, live: null };
  // Waits of activities that have moved on are forgotten; the rest a recovery would report again.
  const open = new Set(postponed.map((p) => p.executionId));
  for (const waits of [messageWaits, signalWaits]) for (const id of waits.keys()) if (!open.has(id)) waits.delete(id);
  relay.listener = null;
  return { outcome, live: { engine, context, relay, messageWaits, signalWaits } };
}

/**
 * camunda:inputOutput as the engine runs: when an activity starts, its input parameters are
 * evaluated over what encloses it and become its local variables; when its execution completes
 * (before its outgoing flows are taken), its output parameters are evaluated over those locals and
 * set in the enclosing scope; when it leaves, its locals are gone. A parameter that cannot be
 * evaluated fails the command, as an expression error does in Camunda.
 */
function mapVariables(name: string, api: ActivityApi, io: Record<string, IoMapping>, context: StepContext): void {
  const mapping = io[api.id];
  if (!mapping) return;
  const chain = executionChain(api.content);
  const evaluate = (parameter: IoMapping['inputs'][number], over: string[]): unknown => {
    try {
      return evaluateIoValue(parameter.value, context.scope(undefined, context.scopes.visible(over)));
    } catch (err) {
      const reason = `"${api.id}": parameter ${parameter.name} could not be evaluated: ${(err as Error).message}`;
      context.abort(new RunawayStep('STEP_ENGINE_FAILED', reason, api.id));
      return undefined;
    }
  };
  if (name === 'activity.start') {
    const parents = chain.slice(1);
    const locals: Variables = {};
    for (const input of mapping.inputs) locals[input.name] = evaluate(input, parents);
    context.scopes.begin(api.executionId, api.id, parents, locals);
  } else if (name === 'activity.execution.completed' && context.scopes.scopes[api.executionId]) {
    const values = mapping.outputs.map((output) => [output.name, evaluate(output, chain)] as const);
    const scope = context.scopes.end(api.executionId);
    for (const [target, value] of values) context.scopes.set(scope?.parents ?? [], target, value);
  } else if (name === 'activity.leave') {
    context.scopes.close(api.executionId);
  }
}
