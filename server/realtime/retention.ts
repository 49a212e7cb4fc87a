import type { Db } from '../db/index.js';
import type { Logger } from '../lib/logger.js';

/**
 * The outbox is the catch-up log, not an archive (history and audit keep what happened): rows
 * older than the retention are deleted, on every node — deleting twice is harmless. Clients
 * whose `since` falls before the oldest row are told to resync.
 */
export class OutboxRetention {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: { retentionHours: number; pruneEveryMs: number },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.prune().catch((err: unknown) => this.logger.warn({ err }, 'outbox prune failed'));
    }, this.options.pruneEveryMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Deletes rows before the newest one older than the retention (ids grow with time: a walk down the primary key). */
  async prune(): Promise<number> {
    const cutoff = new Date(Date.now() - this.options.retentionHours * 3_600_000);
    const last = await this.db('outbox').where('created_at', '<', cutoff).max('id as id').first();
    if (last?.id == null) return 0;
    const result: unknown = await this.db('outbox').where('id', '<=', Number(last.id)).delete();
    // knex over pg answers the count; knex-pglite the driver's result.
    const deleted = typeof result === 'number' ? result : Number((result as { rowCount?: number }).rowCount ?? 0);
    if (deleted) this.logger.info({ deleted, before: cutoff.toISOString() }, 'outbox pruned');
    return deleted;
  }
}
