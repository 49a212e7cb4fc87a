import type { CompiledDefinition, DefinitionMeta } from '../definitions.js';
import type { CommandWithVariables, EngineState, StepOutcome } from '../runtime.js';
import type { ProcessLimits } from '../runnability.js';
import type { StepLimits, Variables } from '../step-context.js';
import type { LintIssue } from '../../lint/config.js';
import type { PlatformLintData } from '../../lint/rules/support.js';
import type { ErrorDetail } from '../../lib/errors.js';
import type { CacheBudget, CacheKey, CacheStats } from '../engine-cache.js';

/**
 * What the main thread and an engine worker say to each other. Everything crosses by structured
 * clone, so what is not plain data (errors, a runaway) travels as plain fields and is rebuilt.
 */

/** A deployed version as a worker receives it: its meta and serialized context only until the worker has them. */
export interface WireDefinition {
  id: string;
  key: string;
  version: number;
  meta?: DefinitionMeta;
  serializedContext?: string;
}

/** A BPMN error a service answered with: an Error with a code, sent as its fields. */
export type WireCommand =
  | Exclude<CommandWithVariables, { kind: 'service-result' }>
  | {
      kind: 'service-result';
      executionId: string;
      assign?: Variables;
      result: { output: unknown } | { bpmnError: { name: string; message: string; code: string } };
    };

export interface StepRequest {
  kind: 'step';
  definition: WireDefinition;
  /** The row the state was read from: the worker continues its live engine of exactly that row. */
  cache?: CacheKey;
  /** Absent when the pool expects the worker to hold the live engine of `cache` (else: missingState). */
  state?: EngineState | null;
  /** false: the engine this step leaves is not kept (keep-admission.ts: its steps come too far apart). */
  keep?: false;
  variables: Variables;
  command: WireCommand;
  /** The platform clock at dispatch; a frozen clock (a test's) stays there for the whole step. */
  clock: { now: number; frozen: boolean };
  limits: StepLimits;
}

export interface CompileRequest {
  kind: 'compile';
  xml: string;
  services: string[];
  limits: ProcessLimits;
}

export interface LintRequest {
  kind: 'lint';
  xml: string;
  data: PlatformLintData;
}

/** Whether the step that left an instance at `revision` committed. */
export interface Settle {
  instanceId: string;
  revision: number;
  committed: boolean;
  stateJsonLength?: number;
}

/** Settles sent by themselves (a rollback at once, committed ones when no other message took them); no answer. */
export interface SettleRequest {
  kind: 'settle';
  settles: Settle[];
}

export interface CacheStatsRequest {
  kind: 'cache-stats';
}

export type EngineRequest = (StepRequest | CompileRequest | LintRequest | SettleRequest | CacheStatsRequest) & {
  id: number;
  /** Committed steps' settles that ride along, applied before the request itself. */
  settles?: Settle[];
};

/** What a worker is given at its start. */
export interface EngineWorkerData {
  cache?: CacheBudget;
}

/** A runaway, as its fields. */
export interface WireRunaway {
  code: string;
  message: string;
  elementId: string | null;
}

export type WireOutcome = Omit<StepOutcome, 'runaway'> & { runaway: WireRunaway | null };

export interface WireError {
  name: string;
  message: string;
  /** Set for the platform's own errors (AppError): rebuilt with their status and code. */
  app?: { status: number; code: string; details: ErrorDetail[]; extra: Record<string, unknown> };
}

export type EngineReply =
  | { id: number; ok: true; value: WireOutcome | CompiledDefinition | LintIssue[] | CacheStats }
  /** The worker holds no live engine for the step's row: send it again, with the state. */
  | { id: number; ok: false; missingState: true }
  | { id: number; ok: false; error: WireError }
  /** The worker no longer holds this definition's parsed context: send it again with the context. */
  | { id: number; ok: false; missingDefinition: string };

/** The first message of a worker: it has loaded the engine and takes requests. */
export interface WorkerReady {
  ready: true;
}
