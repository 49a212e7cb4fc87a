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
import type { StepLimits, Variables } from '../step-context.js';
import type { LintIssue } from '../../lint/config.js';
import type { PlatformLintData } from '../../lint/rules/support.js';
import { AppError, Invalid } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { siblingModule, startWorker } from '../../lib/worker-thread.js';
import type {
  CompileRequest,
  EngineReply,
  LintRequest,
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
}

type RequestBody = StepRequest | CompileRequest | LintRequest;

interface Pending {
  body: RequestBody;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** The version a step runs: its context is sent once per worker. */
  definition?: DeployedDefinition;
  /** What to answer when the worker had to be stopped under this request. */
  onWorkerLost(reason: 'timeout' | 'memory' | 'crash', detail: string): void;
  timeoutMs: number;
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

  constructor(private readonly options: EnginePoolOptions) {
    this.documentTimeoutMs = options.documentTimeoutMs ?? 30_000;
    for (let i = 0; i < Math.max(1, options.workers); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = startWorker(this.options.entry ?? WORKER_ENTRY, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb },
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

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.busy || slot.stopping) continue;
      const pending = this.queue.shift() as Pending;
      slot.busy = pending;
      this.send(slot, pending);
      slot.timer = setTimeout(() => {
        slot.stopping = 'timeout';
        void slot.worker.terminate();
      }, pending.timeoutMs);
    }
  }

  private send(slot: Slot, pending: Pending): void {
    let body = pending.body;
    if (body.kind === 'step' && pending.definition) {
      const { serializedContext, ...rest } = pending.definition;
      const known = slot.known.has(rest.id);
      body = { ...body, definition: known ? rest : { ...rest, serializedContext } };
      slot.known.add(rest.id);
    }
    slot.worker.postMessage({ ...body, id: this.nextId++ });
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
  ): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the engine pool is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        body,
        definition,
        timeoutMs,
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
  ): Promise<StepOutcome> {
    const { serializedContext: _context, ...wire } = definition;
    const body: StepRequest = {
      kind: 'step',
      definition: wire,
      state,
      variables,
      command: toWireCommand(command),
      clock: { now: clock.now(), frozen: clock.frozen },
      limits,
    };
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
    );
    const runaway = outcome.runaway;
    if (!runaway || runaway instanceof RunawayStep) return outcome as StepOutcome;
    return {
      ...outcome,
      runaway: new RunawayStep(runaway.code as RunawayStep['code'], runaway.message, runaway.elementId),
    };
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
