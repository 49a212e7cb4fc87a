import { compileDefinition, loadSourceContext, type CompiledDefinition, type DefinitionMeta } from '../definitions.js';
import {
  executeStep,
  type CommandWithVariables,
  type EngineState,
  type LoadedDefinition,
  type StepOutcome,
} from '../runtime.js';
import type { ProcessLimits } from '../runnability.js';
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
  step(
    definition: DeployedDefinition,
    state: EngineState | null,
    variables: Variables,
    command: CommandWithVariables,
    clock: StepClock,
    limits: StepLimits,
  ): Promise<StepOutcome>;
  compile(xml: string, services: string[], limits: ProcessLimits): Promise<CompiledDefinition>;
  lint(xml: string, data: PlatformLintData): Promise<LintIssue[]>;
  close(): Promise<void>;
}

export class InlineEngine implements EngineRunner {
  /** Parsed once per version on this thread: parsing costs more than a step. */
  private readonly parsed = new Map<string, LoadedDefinition>();

  step(
    definition: DeployedDefinition,
    state: EngineState | null,
    variables: Variables,
    command: CommandWithVariables,
    clock: StepClock,
    limits: StepLimits,
  ): Promise<StepOutcome> {
    let loaded = this.parsed.get(definition.id);
    if (!loaded) {
      const { serializedContext, ...rest } = definition;
      loaded = { ...rest, sourceContext: loadSourceContext(serializedContext) };
      this.parsed.set(definition.id, loaded);
    }
    return executeStep(loaded, state, variables, command, () => clock.now(), limits);
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
    return Promise.resolve();
  }
}
