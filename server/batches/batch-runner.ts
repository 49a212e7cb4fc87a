import { isConnectionError, type Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Transactions, TransactionScope } from '../workflow/transactions.js';
import type { BatchRow } from './batch.contract.js';
import type { BatchTypeRegistry } from './batch-types.js';
import { batchEvent } from './batch-events.js';

export interface BatchRunnerOptions {
  nodeId: string;
  /** How often an idle node looks for pending items (created on another node, or left by a dead one). */
  pollMs: number;
}

interface PendingItem {
  batch_id: string;
  seq: number;
  instance_id: string;
}

/** The failure an item ends with: the error's stable code, or INTERNAL. */
interface ItemFailure {
  code: string;
  message: string;
}

/**
 * Runs the items of running batches on every node, one instance per transaction: the item is
 * taken with `FOR UPDATE SKIP LOCKED` (nodes never wait on each other), the operation runs, the
 * item and the batch's counters are written, all in that transaction. A node killed mid-item
 * leaves the item pending (its transaction never committed); the next poll of any node, or of the
 * node after its restart, takes it again — each instance is done exactly once.
 */
export class BatchRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly types: BatchTypeRegistry,
    private readonly logger: Logger,
    private readonly options: BatchRunnerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** A batch was created: start now instead of at the next poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Runs pending items until none is left (tests call it; the poll calls it too). */
  async drain(): Promise<number> {
    let done = 0;
    while (await this.runOne()) done++;
    return done;
  }

  private async poll(): Promise<void> {
    while (!this.stopped && (await this.runOne()));
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.poll()
        .catch((err: unknown) => {
          if (isConnectionError(err))
            this.logger.warn({ err: (err as Error).message }, 'batches: database unavailable');
          else this.logger.error({ err }, 'batch runner failed');
        })
        .finally(() => {
          this.running = null;
          this.schedule(this.again ? 0 : this.options.pollMs);
          this.again = false;
        });
    }, delay);
    this.timer.unref();
  }

  /** Runs one pending item of the oldest running batch; false when there is none. */
  async runOne(): Promise<boolean> {
    let failure: (ItemFailure & { item: PendingItem }) | null = null;
    const ran = await this.transactions
      .run(async (scope) => {
        const item = await this.takeItem(scope.trx);
        if (!item) return false;
        const batch = await scope.trx('batches').where({ id: item.batch_id }).first<BatchRow>();
        const type = this.types.get(batch.type);
        if (!type) {
          failure = { item, code: 'BATCH_TYPE_UNAVAILABLE', message: `no ${batch.type} batches on this node` };
          return true;
        }
        const params = type.params.parse(withoutActor(batch.params));
        try {
          await type.run(scope, item.instance_id, {
            batchId: batch.id,
            reason: batch.reason,
            params,
            actor: batch.params.actor as Actor,
          });
        } catch (err) {
          if (isConnectionError(err)) throw err;
          // The operation's writes are undone with this transaction; the failure is recorded in the next.
          failure = { item, ...describe(err) };
          throw new ItemFailed();
        }
        await this.finishItem(scope, item, 'succeeded', null);
        return true;
      })
      .catch((err: unknown) => {
        if (err instanceof ItemFailed) return true;
        throw err;
      });
    const failed = failure as (ItemFailure & { item: PendingItem }) | null;
    if (failed) {
      if (failed.code === 'INTERNAL') this.logger.error({ err: failed.message, ...failed.item }, 'batch item failed');
      await this.transactions.run(async (scope) => {
        const still = await scope
          .trx('batch_items')
          .where({ batch_id: failed.item.batch_id, seq: failed.item.seq, status: 'pending' })
          .forUpdate()
          .skipLocked()
          .first<{ seq: number } | undefined>('seq');
        if (still) await this.finishItem(scope, failed.item, 'failed', failed);
      });
    }
    return ran;
  }

  private async takeItem(trx: Db): Promise<PendingItem | undefined> {
    const result = await trx.raw<{ rows: PendingItem[] }>(
      `SELECT bi.batch_id, bi.seq, bi.instance_id
         FROM batches b JOIN batch_items bi ON bi.batch_id = b.id
        WHERE b.status = 'running' AND bi.status = 'pending'
        ORDER BY b.created_at, bi.batch_id, bi.seq
        LIMIT 1
        FOR UPDATE OF bi SKIP LOCKED`,
    );
    return result.rows[0];
  }

  /**
   * Records an item's outcome and counts it on its batch. The counters' row lock orders the
   * items' transactions, so the one that brings done up to total completes the batch.
   */
  private async finishItem(
    scope: TransactionScope,
    item: PendingItem,
    status: 'succeeded' | 'failed',
    failure: ItemFailure | null,
  ): Promise<void> {
    const now = new Date();
    await scope
      .trx('batch_items')
      .where({ batch_id: item.batch_id, seq: item.seq })
      .update({
        status,
        error_code: failure?.code ?? null,
        error: failure?.message.slice(0, 2000) ?? null,
        node_id: this.options.nodeId,
        done_at: now,
      });
    const [batch] = await scope
      .trx('batches')
      .where({ id: item.batch_id })
      .increment(status, 1)
      .returning<BatchRow[]>('*');
    if (!batch) return;
    const done = batch.succeeded + batch.failed;
    if (done >= batch.total) {
      const [completed] = await scope
        .trx('batches')
        .where({ id: batch.id })
        .update({ status: 'completed', ended_at: now })
        .returning<BatchRow[]>('*');
      scope.outbox.add(batchEvent('batch:completed', completed ?? batch));
      return;
    }
    // At most about a hundred progress events per batch, whatever its size.
    if (done % Math.max(1, Math.floor(batch.total / 100)) === 0) scope.outbox.add(batchEvent('batch:progress', batch));
  }
}

class ItemFailed extends Error {}

function describe(err: unknown): ItemFailure {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: (err as Error).message ?? String(err) };
}

function withoutActor(params: BatchRow['params']): Record<string, unknown> {
  const { actor: _actor, ...rest } = params;
  return rest;
}
