import type { Worker } from 'node:worker_threads';
import type { CompiledDefinition } from '../definitions.js';
import {
  RunawayStep,
  runawayOutcome,
  type CommandWithVariables,
  type EngineState,
  type StepOutcome,
} from '../runtime.js';
import type { ProcessLimits } from '../runnability.js';
import { runsOnLiveEngine } from '../runtime.js';
import type { CacheBudget, CacheKey, CacheStats } from '../engine-cache.js';
import { KeepAdmission } from '../keep-admission.js';
import type { StepLimits, Variables } from '../step-context.js';
import type { LintIssue } from '../../lint/config.js';
import type { PlatformLintData } from '../../lint/rules/support.js';
import { AppError, Invalid } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { siblingModule, startWorker } from '../../lib/worker-thread.js';
import type {
  CacheStatsRequest,
  CompileRequest,
  EngineReply,
  LintRequest,
  Settle,
  StepRequest,
  WireCommand,
  WireError,
  WireOutcome,
} from './protocol.js';
import type { DeployedDefinition, EngineRunner, StepClock } from './runner.js';

export interface EnginePoolOptions {
  /** Worker threads; each runs one request at a time. */
  workers: number;
  /** Heap of one worker (MB): a step that needs more fails into an incident instead of taking the node down. */
  memoryMb: number;
  logger: Logger;
  /** How long a deploy's compile or lint may take before it is refused (ms). */
  documentTimeoutMs?: number;
  /** The worker module (a test's stand-in for the engine worker); a .ts module loads through tsx. */
  entry?: URL;
  /** Live engines kept by the whole pool (shared evenly by its workers, engine-cache.ts). */
  cache?: CacheBudget;
  /** How long a step waits for the busy worker holding its live engine (default 15). */
  preferredWaitMs?: number;
}

type RequestBody = StepRequest | CompileRequest | LintRequest | CacheStatsRequest;

/** Where the live engine of an instance was left: a hint for routing its next step, never a promise. */
interface Holder {
  slot: Slot;
  revision: number;
  committed: boolean;
}

interface Pending {
  body: RequestBody;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** The version a step runs: its context is sent once per worker. */
  definition?: DeployedDefinition;
  /** The worker that holds the live engine of the step's row, as far as the pool knows. */
  preferred?: Slot;
  /** The step's state, left out when it goes to `preferred` (the worker answers missingState if it has none). */
  state?: EngineState | null;
  /** Set once the worker said it holds no live engine: the state goes with the request. */
  sendState?: boolean;
  onSent?(slot: Slot): void;
  /** What to answer when the worker had to be stopped under this request. */
  onWorkerLost(reason: 'timeout' | 'memory' | 'crash', detail: string): void;
  timeoutMs: number;
  /** performance.now() when it was queued. */
  queuedAt: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  busy: Pending | null;
  timer: NodeJS.Timeout | null;
  /** Definition ids whose parsed context this worker holds (as far as the pool knows). */
  known: Set<string>;
  /** Set when the pool stopped the worker itself (a timeout), so its exit is not a crash. */
  stopping: 'timeout' | null;
}

const WORKER_ENTRY = siblingModule('worker', import.meta.url);

/**
 * How long a step waits for the busy worker that holds its instance's live engine before another
 * worker recovers the instance instead. A continued step takes ~1–3 ms; a recovery costs ~2 ms of
 * CPU more and leaves the kept engine stale.
 */
const PREFERRED_WAIT_MS = 15;

/**
 * Call stack of a worker (MB). bpmn-engine runs a chain of activities as nested calls, so a step's
 * depth grows with every activity it runs without waiting: a two-element loop takes ~1 400
 * activity executions per MB. At Node's default of 4 MB such a loop overflowed at ~4 500, short of
 * the default activity limit (10 000), and raced the time limit by how fast the machine happened
 * to be; with 16 MB (~22 000, over 30 s of looping) the step's own limits are what stop it.
 */
const WORKER_STACK_MB = 16;

/** How long a commit's settle may wait for another message to its worker before it goes alone. */
const SETTLE_FLUSH_MS = 20;

/** Extra time a worker gets past a step's own time limit (checked inside the engine) before it is stopped. */
function hardStepTimeoutMs(limits: StepLimits): number {
  return limits.maxStepMs * 2 + 1_000;
}

/**
 * Runs the engine on worker threads. Requests queue in order and go to the first idle worker.
 * A worker that overruns a step's time (the engine's own check could not stop it) or its memory
 * is replaced, and the step it ran fails into an incident; the node itself never stalls.
 */
export class EnginePool implements EngineRunner {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private readonly documentTimeoutMs: number;
  /** instance id → the worker its live engine was left in, least recently used first. */
  private readonly holders = new Map<string, Holder>();
  /** Whether a step's engine is worth keeping: only where an instance's steps follow closely. */
  private readonly admission = new KeepAdmission();
  private readonly holderLimit: number;
  private repump: NodeJS.Timeout | null = null;
  /** Committed settles not sent yet, per worker (see settle). */
  private readonly settles = new Map<Slot, Settle[]>();
  private settleTimer: NodeJS.Timeout | null = null;
  private readonly preferredWaitMs: number;

  constructor(private readonly options: EnginePoolOptions) {
    this.holderLimit = options.cache?.entries ?? 1_000;
    this.preferredWaitMs = options.preferredWaitMs ?? PREFERRED_WAIT_MS;
    this.documentTimeoutMs = options.documentTimeoutMs ?? 30_000;
    for (let i = 0; i < Math.max(1, options.workers); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const workers = Math.max(1, this.options.workers);
    const budget = this.options.cache;
    const worker = startWorker(this.options.entry ?? WORKER_ENTRY, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb, stackSizeMb: WORKER_STACK_MB },
      ...(budget
        ? {
            workerData: {
              cache: {
                ...budget,
                entries: Math.ceil(budget.entries / workers),
                bytes: Math.ceil(budget.bytes / workers),
              },
            },
          }
        : {}),
      // Its logs are the platform's: nothing of its own on stdout.
      stdout: false,
    });
    const slot: Slot = { worker, ready: false, busy: null, timer: null, known: new Set(), stopping: null };
    worker.unref();
    worker.on('message', (message: EngineReply | { ready: true }) => this.onMessage(slot, message));
    worker.on('error', (err: Error & { code?: string }) => this.onLost(slot, err));
    worker.on('exit', (code) => this.onLost(slot, null, code));
    return slot;
  }

  private onMessage(slot: Slot, message: EngineReply | { ready: true }): void {
    if ('ready' in message) {
      slot.ready = true;
      this.pump();
      return;
    }
    const pending = slot.busy;
    if (!pending) return;
    if (!message.ok && 'missingDefinition' in message) {
      // The worker evicted this version's context: send the step again, with the context.
      slot.known.delete(message.missingDefinition);
      this.send(slot, pending);
      return;
    }
    if (!message.ok && 'missingState' in message) {
      pending.sendState = true;
      this.send(slot, pending);
      return;
    }
    this.release(slot);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(fromWireError(message.error));
    this.pump();
  }

  /** A worker ended: by its error, by an exit, or stopped by the pool. Its request fails, a new worker takes its place. */
  private onLost(slot: Slot, err: (Error & { code?: string }) | null, exitCode?: number): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return; // already replaced (an error is followed by an exit)
    const pending = slot.busy;
    this.release(slot);
    this.slots.splice(index, 1);
    this.settles.delete(slot);
    if (pending) {
      if (slot.stopping === 'timeout') pending.onWorkerLost('timeout', `${pending.timeoutMs} ms`);
      else if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') pending.onWorkerLost('memory', `${this.options.memoryMb} MB`);
      else pending.onWorkerLost('crash', err?.message ?? `the engine worker exited with code ${exitCode}`);
    }
    if (this.closed) return;
    if (!slot.ready && !pending) {
      // It died while loading: fail what waits rather than respawn in a tight loop.
      this.options.logger.error({ err }, 'an engine worker failed to start');
      const error = new Error(`the engine could not start: ${err?.message ?? `exit ${exitCode}`}`);
      for (const waiting of this.queue.splice(0)) waiting.reject(error);
      setTimeout(() => {
        if (!this.closed) this.slots.push(this.spawn());
      }, 1_000).unref();
      return;
    }
    if (slot.stopping !== 'timeout')
      this.options.logger.warn({ err, exitCode }, 'an engine worker ended; replacing it');
    this.slots.push(this.spawn());
  }

  private release(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.busy = null;
  }

  /**
   * In order of arrival, each request to an idle worker. A step whose instance's live engine a
   * worker holds waits for that worker while it is busy, up to `preferredWaitMs`: continuing the
   * engine costs a fraction of recovering it on another worker, and that worker is usually done
   * sooner. After the wait (a long step ahead of it) any idle worker takes it and recovers.
   */
  private pump(): void {
    const idle = (slot: Slot | undefined) => !!slot && slot.ready && !slot.busy && !slot.stopping;
    const now = performance.now();
    let nextDeadline = Infinity;
    for (let i = 0; i < this.queue.length;) {
      const pending = this.queue[i] as Pending;
      const preferred = pending.preferred;
      let slot: Slot | undefined;
      if (idle(preferred)) slot = preferred;
      else if (
        preferred &&
        !preferred.stopping &&
        this.slots.includes(preferred) &&
        now < pending.queuedAt + this.preferredWaitMs
      ) {
        nextDeadline = Math.min(nextDeadline, pending.queuedAt + this.preferredWaitMs);
        i++;
        continue;
      } else slot = this.slots.find(idle);
      if (!slot) break;
      this.queue.splice(i, 1);
      slot.busy = pending;
      this.send(slot, pending);
      slot.timer = setTimeout(() => {
        slot.stopping = 'timeout';
        void slot.worker.terminate();
      }, pending.timeoutMs);
    }
    // Nothing else may happen before a waiting step's time is up: look again then.
    if (nextDeadline !== Infinity && !this.closed && this.queue.length && !this.repump) {
      this.repump = setTimeout(
        () => {
          this.repump = null;
          this.pump();
        },
        Math.max(0, nextDeadline - now),
      );
      this.repump.unref();
    }
  }

  private send(slot: Slot, pending: Pending): void {
    let body = pending.body;
    if (body.kind === 'step' && pending.definition) {
      const { serializedContext, ...rest } = pending.definition;
      const known = slot.known.has(rest.id);
      // The worker keeps the version's meta with its parsed context: neither travels again.
      body = {
        ...body,
        definition: known ? { id: rest.id, key: rest.key, version: rest.version } : { ...rest, serializedContext },
      };
      slot.known.add(rest.id);
      // The worker that holds the row's live engine continues it: the state need not travel.
      if (pending.sendState || slot !== pending.preferred) body = { ...body, state: pending.state ?? null };
      pending.onSent?.(slot);
    }
    const settles = this.settles.get(slot);
    if (settles) this.settles.delete(slot);
    slot.worker.postMessage({ ...body, id: this.nextId++, ...(settles ? { settles } : {}) });
  }

  private submit<T>(
    body: RequestBody,
    timeoutMs: number,
    onWorkerLost: (
      resolve: (value: T) => void,
      reject: (error: Error) => void,
      reason: 'timeout' | 'memory' | 'crash',
      detail: string,
    ) => void,
    definition?: DeployedDefinition,
    route?: { preferred: Slot | undefined; state: EngineState | null; onSent(slot: Slot): void },
  ): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the engine pool is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        body,
        definition,
        ...(route
          ? { preferred: route.preferred, state: route.state, onSent: (slot: Slot) => route.onSent(slot) }
          : {}),
        timeoutMs,
        queuedAt: performance.now(),
        resolve: resolve,
        reject,
        onWorkerLost: (reason, detail) => onWorkerLost(resolve, reject, reason, detail),
      });
      this.pump();
    });
  }

  async step(
    definition: DeployedDefinition,
    state: EngineState | null,
    variables: Variables,
    command: CommandWithVariables,
    clock: StepClock,
    limits: StepLimits,
    key?: CacheKey,
  ): Promise<StepOutcome> {
    const { serializedContext: _context, ...wire } = definition;
    const keep = key
      ? this.admission.keep(key.instanceId, key.definitionId, performance.now(), command.kind === 'start')
      : false;
    const body: StepRequest = {
      kind: 'step',
      definition: wire,
      ...(key ? {} : { state }),
      ...(key ? { cache: key } : {}),
      ...(key && !keep ? { keep: false as const } : {}),
      variables,
      command: toWireCommand(command),
      clock: { now: clock.now(), frozen: clock.frozen },
      limits,
    };
    const holder = key ? this.holders.get(key.instanceId) : undefined;
    const preferred =
      holder?.committed && holder.revision === key?.revision && runsOnLiveEngine(command, definition.meta)
        ? holder.slot
        : undefined;
    let ranOn: Slot | null = null;
    const outcome = await this.submit<WireOutcome | StepOutcome>(
      body,
      hardStepTimeoutMs(limits),
      (resolve, _reject, reason, detail) => {
        // The step, not the node, pays for what it did: it fails into an incident like any runaway.
        const runaway =
          reason === 'memory'
            ? new RunawayStep(
                'STEP_MEMORY_LIMIT',
                `the command needed more than the engine's memory limit (${detail}); the step was stopped`,
              )
            : reason === 'timeout'
              ? new RunawayStep(
                  'STEP_TIME_LIMIT',
                  `the command kept the engine busy longer than ${detail}; the step was stopped`,
                )
              : new RunawayStep('STEP_ENGINE_FAILED', `the engine stopped while it ran the command: ${detail}`);
        resolve(runawayOutcome(state, runaway));
      },
      definition,
      { preferred, state, onSent: (slot) => (ranOn = slot) },
    );
    // Only where the worker kept the engine (it keeps none it was told not to, none of a runaway,
    // none too large for its cache): any other next step recovers on whichever worker is idle.
    if (key) this.track(key, ranOn, outcome.keptLive === true);
    const runaway = outcome.runaway;
    // A step on a live engine was sent without the state it stops at when it runs away.
    if (runaway && outcome.state === null && state !== null) outcome.state = state;
    if (!runaway || runaway instanceof RunawayStep) return outcome as StepOutcome;
    return {
      ...outcome,
      runaway: new RunawayStep(runaway.code as RunawayStep['code'], runaway.message, runaway.elementId),
    };
  }

  /** Resolves once every worker has loaded the engine and takes requests. */
  async ready(): Promise<void> {
    while (!this.closed && !this.slots.every((slot) => slot.ready)) await new Promise((r) => setTimeout(r, 10));
  }

  /** Where the step of `key` left its instance's live engine (tentative until settled). */
  private track(key: CacheKey, slot: Slot | null, kept: boolean): void {
    this.holders.delete(key.instanceId);
    if (!kept || !slot || !this.slots.includes(slot)) return;
    this.holders.set(key.instanceId, { slot, revision: key.revision + 1, committed: false });
    while (this.holders.size > this.holderLimit) this.holders.delete(this.holders.keys().next().value as string);
  }

  settle(instanceId: string, revision: number, committed: boolean, stateJsonLength?: number): void {
    const holder = this.holders.get(instanceId);
    if (!holder || holder.revision !== revision) return;
    if (!this.slots.includes(holder.slot)) {
      this.holders.delete(instanceId);
      return;
    }
    const settle: Settle = {
      instanceId,
      revision,
      committed,
      ...(stateJsonLength !== undefined ? { stateJsonLength } : {}),
    };
    const queued = this.settles.get(holder.slot) ?? [];
    queued.push(settle);
    this.settles.set(holder.slot, queued);
    if (committed) {
      holder.committed = true;
      // A commit rides along with the worker's next message (its next step is usually close
      // behind): one message per step instead of two. The pool already routes by it.
      this.settleTimer ??= setTimeout(() => this.flushSettles(), SETTLE_FLUSH_MS).unref();
    } else {
      // A rolled-back step's engine must never be continued: the worker drops it now.
      this.holders.delete(instanceId);
      this.flushSettles(holder.slot);
    }
  }

  /** Sends the queued settles of `only` (or of every worker) in a message of their own. */
  private flushSettles(only?: Slot): void {
    if (!only) this.settleTimer = null;
    for (const [slot, settles] of this.settles) {
      if (only && slot !== only) continue;
      this.settles.delete(slot);
      if (this.slots.includes(slot)) slot.worker.postMessage({ kind: 'settle', id: this.nextId++, settles });
    }
  }

  /** The live engines of every worker, summed (each worker answers between its steps). */
  async cacheStats(): Promise<CacheStats> {
    const total: CacheStats = { hits: 0, misses: 0, entries: 0, bytes: 0 };
    const all = await Promise.all(
      this.slots.map(() =>
        this.submit<CacheStats>({ kind: 'cache-stats' }, this.documentTimeoutMs, (_r, reject) =>
          reject(new Error('the engine worker stopped')),
        ),
      ),
    );
    for (const s of all) {
      total.hits += s.hits;
      total.misses += s.misses;
      total.entries += s.entries;
      total.bytes += s.bytes;
    }
    return total;
  }

  compile(xml: string, services: string[], limits: ProcessLimits): Promise<CompiledDefinition> {
    return this.submit<CompiledDefinition>(
      { kind: 'compile', xml, services, limits },
      this.documentTimeoutMs,
      (_resolve, reject, reason, detail) => reject(documentRefused(reason, detail)),
    );
  }

  lint(xml: string, data: PlatformLintData): Promise<LintIssue[]> {
    return this.submit<LintIssue[]>(
      { kind: 'lint', xml, data },
      this.documentTimeoutMs,
      (_resolve, reject, reason, detail) => reject(documentRefused(reason, detail)),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.repump) clearTimeout(this.repump);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    const error = new Error('the engine pool is closed');
    for (const waiting of this.queue.splice(0)) waiting.reject(error);
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      slot.busy?.reject(error);
      this.release(slot);
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }
}

function documentRefused(reason: 'timeout' | 'memory' | 'crash', detail: string): Error {
  const why =
    reason === 'timeout'
      ? `it took longer than ${detail} to read and check`
      : reason === 'memory'
        ? `reading it needed more than ${detail}`
        : `the engine stopped while reading it: ${detail}`;
  return new Invalid('BPMN_TOO_COMPLEX', `the document cannot be deployed: ${why}`);
}

function toWireCommand(command: CommandWithVariables): WireCommand {
  if (command.kind !== 'service-result' || !('bpmnError' in command.result)) return command;
  const { name, message, code } = command.result.bpmnError;
  const { executionId, assign } = command;
  return { kind: 'service-result', executionId, assign, result: { bpmnError: { name, message, code } } };
}

function fromWireError(error: WireError): Error {
  if (error.app) {
    const { status, code, details, extra } = error.app;
    return status === 400
      ? new Invalid(code, error.message, details, extra)
      : new AppError(status, code, error.message, details, extra);
  }
  return Object.assign(new Error(error.message), { name: error.name });
}
