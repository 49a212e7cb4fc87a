/**
 * The live engines of recently used instances on one thread (ARCHITECTURE.md "Known bpmn-engine
 * facts": recovery dominates a step's cost). An entry is only a cache of what the database holds:
 * it is keyed by the instance id, the row's `revision` and its definition version, and a command
 * uses it only when the row it locked has exactly that revision. Every write of an instance's
 * state bumps the revision, so a step on another node, an operator's modification or migration,
 * or a rolled-back step makes the entry miss, and the command recovers from the saved state.
 *
 * An engine the step left behind is tentative until the step's transaction commits (`settle`):
 * a rolled-back step's engine has run ahead of the database and is never used, even if another
 * node later commits the same revision number.
 */

export interface CacheBudget {
  /** Engines kept at most. */
  entries: number;
  /** Approximate bytes of the engines kept at most. */
  bytes: number;
  /**
   * The largest engine kept (approximate bytes, as `engineBaseBytes` counts a diagram), default
   * `DEFAULT_MAX_ENGINE_BYTES`. A kept engine lives past the young generation: the collector
   * copies it out, promotes it and marks it on every full collection, and a continued step's new
   * objects hang off old ones and are promoted too. For a large diagram that costs more than
   * recovering the engine at its next step, even when that step comes at once (bench/README.md).
   */
  maxEngineBytes?: number;
}

/**
 * Measured on two engine workers, instances stepped through in chains of 3–4 steps as fast as
 * four clients can (most steps continued a kept engine): CPU per step with keeping against without,
 * a diagram of 10 activities and flows 6–7 against 7–8 ms, 21 elements 8.9–9.7 against 9.3–10.5,
 * 30 elements 8.4 against 8.6–8.9 (about even), 48 elements 13.5–14.7 against 11.9–13.1,
 * new-connection (131) 41–50 against 26–30. The limit stays on the safe side of that break-even:
 * 2 × (170 KB + 24 × 35 KB), two dozen elements.
 */
export const DEFAULT_MAX_ENGINE_BYTES = 2 * 1024 * 1024;

/** The row an engine belongs to: used only when the locked row is this one. */
export interface CacheKey {
  instanceId: string;
  revision: number;
  definitionId: string;
}

interface Entry<T> {
  key: CacheKey;
  value: T;
  bytes: number;
  /** The size without the state, refined by `settle` once the state's length is known. */
  baseBytes: number;
  committed: boolean;
}

/**
 * What a live engine costs beside its saved state. bpmn-elements builds every activity and flow
 * of the definition, each with its own message broker, when it recovers or starts an instance,
 * so the size follows the diagram: measured as the heap 100 kept engines hold, 523 KB for a
 * two-task process (10 elements), 1 005 KB for bill-audit (23) and 4 599 KB for new-connection
 * (131): about 170 KB and 35 KB per element. What a node's RSS grows by is more (the heap's own
 * headroom: 800 two-task engines added ~530 MB of RSS against a 512 KB estimate), so the
 * estimate counts twice the heap.
 */
export const ENGINE_FIXED_BYTES = 170 * 1024;
export const ENGINE_ELEMENT_BYTES = 35 * 1024;

/** The approximate size of an engine of a definition with `elements` activities and flows, before its state. */
export function engineBaseBytes(elements: number): number {
  return 2 * (ENGINE_FIXED_BYTES + elements * ENGINE_ELEMENT_BYTES);
}

/** What the objects of a saved state of `stateJsonLength` characters of JSON add: several times their JSON. */
function stateBytes(stateJsonLength: number): number {
  return stateJsonLength * 4;
}

/** The approximate size of an engine whose saved state is `stateJsonLength` characters of JSON. */
export function engineBytes(stateJsonLength: number, elements: number): number {
  return engineBaseBytes(elements) + stateBytes(stateJsonLength);
}

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

/** A least-recently-used map of live engines, bounded by entries and approximate bytes. */
export class EngineCache<T> {
  /** Insertion order is recency: the first key is the least recently used. */
  private readonly entries = new Map<string, Entry<T>>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly budget: CacheBudget,
    /** Called for an entry that leaves the cache without being taken (to stop its engine). */
    private readonly dispose: (value: T) => void = () => undefined,
  ) {}

  /**
   * Removes and returns the engine of exactly this committed row; any other entry of the instance
   * is stale and dropped. The caller owns the engine now: it puts it back after its step, or not.
   */
  take(key: CacheKey): T | null {
    const entry = this.entries.get(key.instanceId);
    if (!entry) {
      this.misses++;
      return null;
    }
    this.remove(key.instanceId, entry);
    const same = entry.committed && entry.key.revision === key.revision && entry.key.definitionId === key.definitionId;
    if (!same) {
      this.dispose(entry.value);
      this.misses++;
      return null;
    }
    this.hits++;
    return entry.value;
  }

  /** Whether a committed engine of exactly this row is held (without taking it). */
  has(key: CacheKey): boolean {
    const entry = this.entries.get(key.instanceId);
    return (
      !!entry && entry.committed && entry.key.revision === key.revision && entry.key.definitionId === key.definitionId
    );
  }

  /**
   * Keeps the engine a step left behind, tentative until `settle` says its transaction committed;
   * answers whether it was kept (not when the budget has no room for an engine of its size).
   */
  put(key: CacheKey, value: T, bytes: number): boolean {
    if (!this.admits(bytes)) {
      // Whatever was held for the instance is stale after this step.
      this.evict(key.instanceId);
      this.dispose(value);
      return false;
    }
    const old = this.entries.get(key.instanceId);
    if (old) {
      this.remove(key.instanceId, old);
      this.dispose(old.value);
    }
    this.entries.set(key.instanceId, { key, value, bytes, baseBytes: bytes, committed: false });
    this.bytes += bytes;
    this.shrink();
    return this.entries.has(key.instanceId);
  }

  /** Whether an engine of `bytes` (before its state) may be kept at all. */
  private admits(bytes: number): boolean {
    const largest = Math.min(this.budget.bytes, this.budget.maxEngineBytes ?? DEFAULT_MAX_ENGINE_BYTES);
    return this.budget.entries > 0 && bytes <= largest;
  }

  /**
   * The step that left the engine at `revision` committed (it may be used from now on) or not (it
   * is dropped). `stateJsonLength`, when known, refines the entry's size.
   */
  settle(instanceId: string, revision: number, committed: boolean, stateJsonLength?: number): void {
    const entry = this.entries.get(instanceId);
    if (!entry || entry.key.revision !== revision) return;
    if (!committed) {
      this.remove(instanceId, entry);
      this.dispose(entry.value);
      return;
    }
    entry.committed = true;
    if (stateJsonLength !== undefined) {
      const bytes = entry.baseBytes + stateBytes(stateJsonLength);
      this.bytes += bytes - entry.bytes;
      entry.bytes = bytes;
      this.shrink();
    }
  }

  /** Drops whatever is held for the instance. */
  evict(instanceId: string): void {
    const entry = this.entries.get(instanceId);
    if (!entry) return;
    this.remove(instanceId, entry);
    this.dispose(entry.value);
  }

  clear(): void {
    for (const entry of this.entries.values()) this.dispose(entry.value);
    this.entries.clear();
    this.bytes = 0;
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size, bytes: this.bytes };
  }

  private remove(instanceId: string, entry: Entry<T>): void {
    this.entries.delete(instanceId);
    this.bytes -= entry.bytes;
  }

  private shrink(): void {
    while (this.entries.size > this.budget.entries || this.bytes > this.budget.bytes) {
      const first = this.entries.entries().next().value;
      if (!first) return;
      this.remove(first[0], first[1]);
      this.dispose(first[1].value);
    }
  }
}
