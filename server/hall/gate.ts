import { AppError } from '../lib/errors.js';

/**
 * At most `limit` calls at once; the rest wait in arrival order, at most `queue` of them (a
 * further one is refused with 503 and Retry-After). The hall puts its sign-in (an argon2id verify:
 * ~19 MiB and tens of milliseconds of CPU each) and its SMS codes behind gates: a burst of
 * thousands of customers signing in at once then waits here, in memory, instead of in front of
 * the database pool, where every signed-in customer's home and bills queued behind it — and
 * where a wait past the pool's acquire timeout answered 503 to pages and sign-ins alike.
 * One gate per server process: the CPU and the pool it protects are the process's own.
 */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly queue: number,
  ) {}

  /** Calls running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) this.running += 1;
    else {
      if (this.waiting.length >= this.queue)
        throw new AppError(503, 'HALL_BUSY', 'too many customers are signing in at once; try again shortly', [], {
          retryAfter: 5,
        });
      // The caller that leaves hands its place over, so `running` stays at the limit.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/**
 * Per process: two password checks at a time (about the cores of a small node) and six code sends
 * (each a few statements on the pool of ten), so part of the pool stays free for the pages of the
 * customers already signed in.
 */
export const HALL_GATES = { passwords: { limit: 2, queue: 5000 }, smsCodes: { limit: 6, queue: 5000 } };
