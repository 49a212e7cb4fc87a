import { EngineCache, engineBaseBytes, type CacheBudget, type CacheKey, type CacheStats } from './engine-cache.js';
import {
  runsOnLiveEngine,
  stepEngine,
  type CommandWithVariables,
  type EngineState,
  type LiveEngine,
  type LoadedDefinition,
  type StepOutcome,
} from './runtime.js';
import type { StepLimits, Variables } from './step-context.js';

const elementCounts = new WeakMap<object, number>();

/** A definition's activities and sequence flows: what a live engine of it is built of. */
function elementsOf(definition: LoadedDefinition): number {
  const context = definition.sourceContext as unknown as {
    getActivities(): unknown[];
    getSequenceFlows(): unknown[];
  };
  let count = elementCounts.get(context);
  if (count === undefined) {
    count = context.getActivities().length + context.getSequenceFlows().length;
    elementCounts.set(context, count);
  }
  return count;
}

export const DEFAULT_CACHE_BUDGET: CacheBudget = { entries: 1_000, bytes: 128 * 1024 * 1024 };

/**
 * Steps on one thread with the engines of recently used instances kept live (engine-cache.ts):
 * a step on the row an engine was left at continues that engine; any other step recovers.
 */
export class LiveSteps {
  private readonly cache: EngineCache<LiveEngine>;

  constructor(budget: CacheBudget = DEFAULT_CACHE_BUDGET) {
    this.cache = new EngineCache<LiveEngine>(budget);
  }

  /**
   * Runs a step. `key` names the row the state was read from (none: nothing is cached); `state`
   * undefined means "continue the live engine of that row": null is answered when none is held,
   * and the caller sends the state. `keep` false: the engine the step leaves is not kept.
   */
  async step(
    definition: LoadedDefinition,
    key: CacheKey | undefined,
    state: EngineState | null | undefined,
    variables: Variables,
    command: CommandWithVariables,
    clock: () => number,
    limits: StepLimits,
    keep = true,
  ): Promise<StepOutcome | null> {
    let live: LiveEngine | null = null;
    if (key) {
      if (runsOnLiveEngine(command, definition.meta)) live = this.cache.take(key);
      // Whatever this step does, an engine kept for the row before it is stale after it.
      else this.cache.evict(key.instanceId);
    }
    if (!live && state === undefined) return null;
    const result = await stepEngine(definition, state ?? null, variables, command, clock, limits, live);
    if (
      key &&
      keep &&
      result.live &&
      this.cache.put({ ...key, revision: key.revision + 1 }, result.live, engineBaseBytes(elementsOf(definition)))
    )
      result.outcome.keptLive = true;
    return result.outcome;
  }

  /** The transaction of the step that left `instanceId` at `revision` committed, or not. */
  settle(instanceId: string, revision: number, committed: boolean, stateJsonLength?: number): void {
    this.cache.settle(instanceId, revision, committed, stateJsonLength);
  }

  has(key: CacheKey): boolean {
    return this.cache.has(key);
  }

  stats(): CacheStats {
    return this.cache.stats();
  }

  clear(): void {
    this.cache.clear();
  }
}
