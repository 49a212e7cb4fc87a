import { compileDefinition, loadSourceContext, type CompiledDefinition, type DefinitionMeta } from '../definitions.js';
import {
  executeStep,
  type CommandWithVariables,
  type EngineState,
  type LoadedDefinition,
  type StepOutcome,
} from '../runtime.js';
import type { ProcessLimits } from '../runnability.js';
import type { CacheBudget, CacheKey, CacheStats } from '../engine-cache.js';
import { LiveSteps } from '../live-steps.js';
import { KeepAdmission } from '../keep-admission.js';
import type { StepLimits, Variables } from '../step-context.js';
import { lintXml } from '../../lint/runner.js';
import type { LintIssue } from '../../lint/config.js';
import type { PlatformLintData } from '../../lint/rules/support.js';

/** A deployed version as the platform keeps it: its engine context still serialized. */
export interface DeployedDefinition {
  id: string;
  key: string;
  version: number;
  meta: DefinitionMeta;
  serializedContext: string;
}

/** The platform clock as a step reads it; a frozen clock (a test's) does not move during a step. */
export interface StepClock {
  now(): number;
  frozen: boolean;
}

/**
 * Where the engine's heavy work runs: a step of an instance, the compile of a deployment, the
 * lint of a document. `EnginePool` runs it on worker threads (the platform's default), so the
 * event loop stays free for every other request; `InlineEngine` runs it on the caller's thread
 * (CLIs, benchmarks of the engine itself, and ENGINE_WORKERS=0).
 */
export interface EngineRunner {
  /**
   * A step of the instance whose locked row `key` names (engine-cache.ts): it continues the live
   * engine kept for exactly that row when there is one, and keeps the engine it leaves behind
   * until `settle` says whether the step's transaction committed.
   */
  step(
    definition: DeployedDefinition,
    state: EngineState | null,
    variables: Variables,
    command: CommandWithVariables,
    clock: StepClock,
    limits: StepLimits,
    key?: CacheKey,
  ): Promise<StepOutcome>;
  /** The step that left `instanceId` at `revision` committed (its engine may be continued) or not (it is dropped). */
  settle(instanceId: string, revision: number, committed: boolean, stateJsonLength?: number): void;
  /** Live engines kept and how often a step found one. */
  cacheStats(): Promise<CacheStats>;
  compile(xml: string, services: string[], limits: ProcessLimits): Promise<CompiledDefinition>;
  lint(xml: string, data: PlatformLintData): Promise<LintIssue[]>;
  close(): Promise<void>;
}

export class InlineEngine implements EngineRunner {
  /** Parsed once per version on this thread: parsing costs more than a step. */
  private readonly parsed = new Map<string, LoadedDefinition>();
  private readonly live: LiveSteps;
  private readonly admission = new KeepAdmission();

  constructor(cache?: CacheBudget) {
    this.live = new LiveSteps(cache);
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
    let loaded = this.parsed.get(definition.id);
    if (!loaded) {
      const { serializedContext, ...rest } = definition;
      loaded = { ...rest, sourceContext: loadSourceContext(serializedContext) };
      this.parsed.set(definition.id, loaded);
    }
    const now = () => clock.now();
    if (!key) return executeStep(loaded, state, variables, command, now, limits);
    const keep = this.admission.keep(key.instanceId, key.definitionId, performance.now(), command.kind === 'start');
    return (await this.live.step(loaded, key, state, variables, command, now, limits, keep)) as StepOutcome;
  }

  settle(instanceId: string, revision: number, committed: boolean, stateJsonLength?: number): void {
    this.live.settle(instanceId, revision, committed, stateJsonLength);
  }

  cacheStats(): Promise<CacheStats> {
    return Promise.resolve(this.live.stats());
  }

  compile(xml: string, services: string[], limits: ProcessLimits): Promise<CompiledDefinition> {
    const names = new Set(services);
    return compileDefinition(xml, { has: (name) => names.has(name) }, limits);
  }

  lint(xml: string, data: PlatformLintData): Promise<LintIssue[]> {
    return lintXml(xml, data);
  }

  close(): Promise<void> {
    this.parsed.clear();
    this.live.clear();
    return Promise.resolve();
  }
}
