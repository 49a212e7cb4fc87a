import { isConnectionError, isEmbedded, type Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Transactions } from '../workflow/transactions.js';
import type { BatchRow } from './batch.contract.js';
import type { BatchTypeRegistry } from './batch-types.js';
import { batchEvent } from './batch-events.js';
import { GuardedLane, withoutActor, type LaneItem, type PendingItem } from './guarded-lane.js';
import { Prepared } from '../db/prepared.js';

export interface BatchRunnerOptions {
  nodeId: string;
  /** How often an idle node looks for pending items (created on another node, or left by a dead one). */
  pollMs: number;
  /**
   * Items this node runs at once, each in a transaction of its own (default 4; 1 on the embedded
   * database, which has one connection). A worker's time is mostly waiting — on the database's
   * round trips and commit, on the engine's worker thread — so a few overlap well.
   */
  workers?: number;
}

// Each node's workers poll with these: fixed texts, planned once per connection.
const takeItem = (name: string, only: string) =>
  new Prepared<PendingItem>(
    name,
    `SELECT bi.batch_id, bi.seq, bi.instance_id, b.type, b.reason, b.params, b.total
       FROM batches b JOIN batch_items bi ON bi.batch_id = b.id
      WHERE b.status = 'running' AND bi.status = 'pending' ${only}
      ORDER BY b.created_at, bi.batch_id, bi.seq
      LIMIT 1
      FOR UPDATE OF bi SKIP LOCKED`,
  );
const TAKE_NEXT_ITEM = takeItem('batch_take_next_item', '');
const TAKE_ITEM = takeItem('batch_take_item', 'AND bi.batch_id = ? AND bi.seq = ?');

const DEFAULT_WORKERS = 4;
/** Items per worker read in one query by the guarded lane. */
const LANE_ROUND_PER_WORKER = 16;

/** The failure an item ends with: the error's stable code, or INTERNAL. */
interface ItemFailure {
  code: string;
  message: string;
}

/**
 * Runs the items of running batches on every node, one instance per transaction: the item is
 * taken with `FOR UPDATE SKIP LOCKED` (workers and nodes never take the same item, nor wait on
 * each other), the operation runs and the item's result is written, all in that transaction. A
 * node killed mid-item leaves the item pending (its transaction never committed); the next poll
 * of any node, or of the node after its restart, takes it again — each instance is done exactly
 * once.
 *
 * The batch's counters are not written by the items' transactions: every item would then update
 * the same row and hold its lock until commit, and the workers would commit one after the other.
 * They are counted from the items instead — every ~1 % of a batch on each node (with the
 * `batch:progress` event) and when the batch completes. The batch completes when a node finds no
 * pending item left after its own items committed: the last item's node always looks after its
 * commit, and a node that died before looking is replaced by the next poll.
 */
export class BatchRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private readonly workers: number;
  private readonly lane: GuardedLane | null;
  /** Items done on this node per batch since its last progress event. */
  private readonly sinceProgress = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly types: BatchTypeRegistry,
    private readonly logger: Logger,
    private readonly options: BatchRunnerOptions,
  ) {
    this.workers = isEmbedded(db) ? 1 : Math.max(1, options.workers ?? DEFAULT_WORKERS);
    // The embedded database has one connection: items run one locked transaction after another.
    this.lane = isEmbedded(db) ? null : new GuardedLane(db, transactions, types, options.nodeId);
  }

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

  /** Runs pending items until none is left and completes the batches that are done (tests call it; the poll does the same). */
  async drain(): Promise<number> {
    const done = await this.runWorkers(() => true);
    await this.completeFinished();
    return done;
  }

  private async poll(): Promise<void> {
    await this.runWorkers(() => !this.stopped);
    await this.completeFinished();
  }

  /** The node's workers, each taking items until none is left (or `go` says stop); the items done. */
  private async runWorkers(go: () => boolean): Promise<number> {
    const laned = this.lane ? await this.runLane(this.lane, go) : 0;
    const worker = async () => {
      let done = 0;
      for (let outcome = go() ? await this.runOne() : 'none'; outcome !== 'none';) {
        if (outcome === 'done') done++;
        outcome = go() ? await this.runOne() : 'none';
      }
      return done;
    };
    const counts = await Promise.all(Array.from({ length: this.workers }, worker));
    return laned + counts.reduce((a, b) => a + b, 0);
  }

  /**
   * Items of types with a guarded lane (guarded-lane.ts): a round of them read at once, the next
   * round read while this one runs, each item run by one of the workers — as one guarded
   * statement, or locked when the lane leaves it. The items done.
   */
  private async runLane(lane: GuardedLane, go: () => boolean): Promise<number> {
    const names = lane.typeNames();
    if (names.length === 0) return 0;
    const size = this.workers * LANE_ROUND_PER_WORKER;
    let done = 0;
    let round = await lane.read(names, size, []);
    while (round.length && go()) {
      const keys = round.map((item) => `${item.batch_id}:${item.seq}`);
      const next = lane.read(names, size, keys);
      // Read ahead; a failed read ends the lane (the locked workers carry on) rather than the round.
      next.catch(() => undefined);
      const queue = [...round];
      const worker = async () => {
        for (let item = queue.shift(); item && go(); item = queue.shift())
          if (await this.runLaneItem(lane, item)) done++;
      };
      await Promise.all(Array.from({ length: this.workers }, worker));
      round = await next;
    }
    return done;
  }

  /** One item in the lane, or locked when the lane leaves it (or its statement failed); whether this node did it. */
  private async runLaneItem(lane: GuardedLane, item: LaneItem): Promise<boolean> {
    let ran = false;
    try {
      ran = await lane.run(item);
    } catch (err) {
      if (isConnectionError(err)) throw err;
      // A deadlock or the like undid the statement: the locked path decides.
      this.logger.warn({ err, batchId: item.batch_id, seq: item.seq }, 'guarded batch item fell back');
    }
    if (!ran) return (await this.runOne(item)) === 'done';
    await this.progressed(item);
    return true;
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

  /**
   * Runs one pending item of the oldest running batch (or that item): `done` when this call wrote
   * its outcome, `none` when there was none to take, `lost` when its operation failed and another
   * worker took the item again (pending once the failed transaction rolled back) and writes the
   * outcome — counting it here too would count the item twice.
   */
  async runOne(only?: { batch_id: string; seq: number }): Promise<'done' | 'none' | 'lost'> {
    let failure: (ItemFailure & { item: PendingItem }) | null = null;
    let taken: PendingItem | undefined;
    await this.transactions
      .run(async (scope) => {
        const item = await this.takeItem(scope.trx, only);
        if (!item) return;
        taken = item;
        const type = this.types.get(item.type);
        if (!type) {
          failure = { item, code: 'BATCH_TYPE_UNAVAILABLE', message: `no ${item.type} batches on this node` };
          return;
        }
        const params = type.params.parse(withoutActor(item.params));
        try {
          await type.run(scope, item.instance_id, {
            batchId: item.batch_id,
            reason: item.reason,
            params,
            actor: item.params.actor as Actor,
          });
        } catch (err) {
          if (isConnectionError(err)) throw err;
          // The operation's writes are undone with this transaction; the failure is recorded in the next.
          failure = { item, ...describe(err) };
          throw new ItemFailed();
        }
        // Rides with the operation's last writes and the outbox, in one round trip.
        scope.batch.add(this.finishItem(scope.trx, item, 'succeeded', null));
      })
      .catch((err: unknown) => {
        if (!(err instanceof ItemFailed)) throw err;
      });
    const failed = failure as (ItemFailure & { item: PendingItem }) | null;
    let recorded = true;
    if (failed) {
      if (failed.code === 'INTERNAL') this.logger.error({ err: failed.message, ...failed.item }, 'batch item failed');
      recorded = await this.transactions.run(async (scope) => {
        const still = await scope
          .trx('batch_items')
          .where({ batch_id: failed.item.batch_id, seq: failed.item.seq, status: 'pending' })
          .forUpdate()
          .skipLocked()
          .first<{ seq: number } | undefined>('seq');
        if (still) await this.finishItem(scope.trx, failed.item, 'failed', failed);
        return Boolean(still);
      });
    }
    if (!taken) return 'none';
    if (!recorded) return 'lost';
    await this.progressed(taken);
    return 'done';
  }

  private async takeItem(trx: Db, only?: { batch_id: string; seq: number }): Promise<PendingItem | undefined> {
    return only ? TAKE_ITEM.first(trx, [only.batch_id, only.seq]) : TAKE_NEXT_ITEM.first(trx, []);
  }

  /** The write that records an item's outcome. */
  private finishItem(trx: Db, item: PendingItem, status: 'succeeded' | 'failed', failure: ItemFailure | null) {
    return trx('batch_items')
      .where({ batch_id: item.batch_id, seq: item.seq })
      .update({
        status,
        error_code: failure?.code ?? null,
        error: failure?.message.slice(0, 2000) ?? null,
        node_id: this.options.nodeId,
        done_at: new Date(),
      });
  }

  /** After an item committed: every ~1 % of its batch (done on this node), the counters and a `batch:progress`. */
  private async progressed(item: PendingItem): Promise<void> {
    const done = (this.sinceProgress.get(item.batch_id) ?? 0) + 1;
    if (done < Math.max(1, Math.floor(item.total / 100))) {
      this.sinceProgress.set(item.batch_id, done);
      return;
    }
    this.sinceProgress.delete(item.batch_id);
    await this.transactions.run(async (scope) => {
      const rows = await this.countItems(scope.trx, 'AND b.id = ?', [item.batch_id], false);
      for (const row of rows) scope.outbox.add(batchEvent('batch:progress', row));
    });
  }

  /** Completes the running batches that have no pending item left, with their final counts. */
  private async completeFinished(): Promise<void> {
    await this.transactions.run(async (scope) => {
      const rows = await this.countItems(
        scope.trx,
        `AND NOT EXISTS (SELECT 1 FROM batch_items p WHERE p.batch_id = b.id AND p.status = 'pending')`,
        [],
        true,
      );
      for (const row of rows) {
        this.sinceProgress.delete(row.id);
        scope.outbox.add(batchEvent('batch:completed', row));
      }
    });
  }

  /** Sets running batches' counters from their items (and completes them): the rows written. */
  private async countItems(trx: Db, where: string, bindings: string[], complete: boolean): Promise<BatchRow[]> {
    const result = await trx.raw<{ rows: BatchRow[] }>(
      `UPDATE batches b
          SET succeeded = (SELECT count(*) FROM batch_items i WHERE i.batch_id = b.id AND i.status = 'succeeded'),
              failed = (SELECT count(*) FROM batch_items i WHERE i.batch_id = b.id AND i.status = 'failed')
              ${complete ? `, status = 'completed', ended_at = now()` : ''}
        WHERE b.status = 'running' ${where}
        RETURNING b.*`,
      bindings,
    );
    return result.rows;
  }
}

class ItemFailed extends Error {}

function describe(err: unknown): ItemFailure {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: (err as Error).message ?? String(err) };
}
