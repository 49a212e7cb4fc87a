import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_ENGINE_BYTES,
  EngineCache,
  engineBaseBytes,
  engineBytes,
} from '../../../server/engine/engine-cache.js';

const key = (instanceId: string, revision: number, definitionId = 'd1') => ({ instanceId, revision, definitionId });

describe('EngineCache', () => {
  it('answers an engine only for the committed row it was left at', () => {
    const cache = new EngineCache<string>({ entries: 10, bytes: 1e9 });
    // given: an engine left at revision 2 by a step whose transaction has not ended
    cache.put(key('a', 2), 'engine-a2', 10);
    // then: it is not used before its commit
    expect(cache.take(key('a', 2))).toBeNull();
    cache.put(key('a', 2), 'engine-a2', 10);
    cache.settle('a', 2, true);
    // and: not for another revision or another definition version (and such a miss drops it)
    expect(cache.has(key('a', 3))).toBe(false);
    expect(cache.has(key('a', 2, 'd2'))).toBe(false);
    expect(cache.take(key('a', 2))).toBe('engine-a2');
    // and: taken, it is gone until the next step puts it back
    expect(cache.take(key('a', 2))).toBeNull();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, entries: 0 });
  });

  it('drops the engine of a step whose transaction rolled back', () => {
    const disposed: string[] = [];
    const cache = new EngineCache<string>({ entries: 10, bytes: 1e9 }, (v) => disposed.push(v));
    cache.put(key('a', 5), 'ahead', 10);
    cache.settle('a', 5, false);
    // a later commit of the same revision (another node's) does not revive it
    cache.settle('a', 5, true);
    expect(cache.take(key('a', 5))).toBeNull();
    expect(disposed).toEqual(['ahead']);
  });

  it('keeps at most its entries and bytes, least recently used out first', () => {
    const disposed: string[] = [];
    const cache = new EngineCache<string>({ entries: 2, bytes: engineBytes(100, 10) * 3 }, (v) => disposed.push(v));
    for (const id of ['a', 'b', 'c']) {
      cache.put(key(id, 1), id, engineBytes(100, 10));
      cache.settle(id, 1, true);
    }
    expect(disposed).toEqual(['a']);
    expect(cache.stats().entries).toBe(2);
    // a fourth pushes out the least recently used; a larger state is counted at its size
    cache.settle('c', 1, true);
    cache.put(key('d', 1), 'd', engineBytes(100, 10));
    cache.settle('d', 1, true, 300);
    expect(disposed).toEqual(['a', 'b']);
    expect(cache.stats().bytes).toBeLessThanOrEqual(engineBytes(100, 10) * 3);
  });

  it('keeps no engine larger than its largest size, and says so', () => {
    const disposed: string[] = [];
    const cache = new EngineCache<string>({ entries: 10, bytes: 1e9, maxEngineBytes: 1_000 }, (v) => disposed.push(v));
    expect(cache.put(key('small', 1), 'small', 1_000)).toBe(true);
    cache.settle('small', 1, true);
    // a larger engine is dropped at once, and what was held for its instance with it
    expect(cache.put(key('small', 2), 'large', 1_001)).toBe(false);
    expect(disposed).toEqual(['small', 'large']);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
    // by default an engine over DEFAULT_MAX_ENGINE_BYTES (new-connection's 131 elements) is not kept
    const byDefault = new EngineCache<string>({ entries: 10, bytes: 1e9 });
    expect(byDefault.put(key('a', 1), 'a', engineBaseBytes(24))).toBe(true);
    expect(byDefault.put(key('b', 1), 'b', engineBaseBytes(131))).toBe(false);
    expect(engineBaseBytes(131)).toBeGreaterThan(DEFAULT_MAX_ENGINE_BYTES);
  });

  it('keeps nothing when its budget is zero entries', () => {
    const cache = new EngineCache<string>({ entries: 0, bytes: 1e9 });
    cache.put(key('a', 1), 'a', 10);
    cache.settle('a', 1, true);
    expect(cache.take(key('a', 1))).toBeNull();
  });
});
