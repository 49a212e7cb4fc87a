import type { Db } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import { Periodic } from '../lib/periodic.js';

/**
 * The outbox is the catch-up log, not an archive (history and audit keep what happened): rows
 * older than the retention are deleted, on every node — deleting twice is harmless. Clients
 * whose `since` falls before the oldest row are told to resync.
 */
export class OutboxRetention {
  private readonly chore: Periodic;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: { retentionHours: number; pruneEveryMs: number },
  ) {
    this.chore = new Periodic('outbox-prune', options.pruneEveryMs, () => this.prune(), logger);
  }

  start(): void {
    this.chore.start(this.options.pruneEveryMs);
  }

  stop(): Promise<void> {
    return this.chore.stop();
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
