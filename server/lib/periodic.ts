import type { Logger } from './logger.js';

/**
 * Runs a chore every `everyMs` on this node (not overlapping itself), logging failures. Chores
 * are idempotent across nodes, so every node may run them.
 */
export class Periodic {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly chore: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(delayMs = 0): void {
    this.stopped = false;
    this.schedule(delayMs);
  }

  /** Runs the chore now (waiting for a run in progress first). */
  async runNow(): Promise<void> {
    await this.running;
    await this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick().finally(() => this.schedule(this.everyMs));
    }, delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const run = this.chore().catch((err: unknown) => {
      this.logger.warn({ err: (err as Error).message, chore: this.name }, 'periodic chore failed');
    });
    this.running = run;
    await run;
    if (this.running === run) this.running = null;
  }
}
