import { describe, expect, it } from 'vitest';
import { Gate } from '../../../server/hall/gate.js';
import { AppError } from '../../../server/lib/errors.js';

/** A call that runs until the test lets it finish, recording when it started. */
function held(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      started.push(name);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('hall gate: at most `limit` calls at once, the rest in arrival order', () => {
  it('runs two of four at once and starts the waiting ones in arrival order as places free up', async () => {
    // given a gate of two and four calls
    const gate = new Gate(2, 10);
    const started: string[] = [];
    const calls = ['a', 'b', 'c', 'd'].map((n) => held(started, n));
    const results = calls.map((c) => gate.run(c.work));
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect(gate.load).toEqual({ running: 2, waiting: 2 });

    // when the second finishes, then the first
    calls[1]?.finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    calls[0]?.finish();
    await settle();

    // then the waiting ones ran in order, never more than two at once, and every call answered its own result
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(gate.load).toEqual({ running: 2, waiting: 0 });
    calls[2]?.finish();
    calls[3]?.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees its place when a call fails', async () => {
    const gate = new Gate(1, 10);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
    expect(await gate.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('refuses a call beyond its queue with 503 HALL_BUSY and Retry-After, and runs nothing of it', async () => {
    // given a gate of one with room for one waiting call, both taken
    const gate = new Gate(1, 1);
    const started: string[] = [];
    const first = held(started, 'first');
    const second = held(started, 'second');
    const running = gate.run(first.work);
    const waiting = gate.run(second.work);
    await settle();

    // when a third arrives
    const third = gate.run(() => Promise.resolve('third'));

    // then it is refused at once and the others go on
    const refused = await third.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 503, code: 'HALL_BUSY', extra: { retryAfter: 5 } });
    first.finish();
    second.finish();
    expect(await Promise.all([running, waiting])).toEqual(['first', 'second']);
    expect(started).toEqual(['first', 'second']);
  });
});
