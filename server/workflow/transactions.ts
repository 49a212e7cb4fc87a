import type { Db } from '../db/index.js';
import { OutboxBatch, type EventBus, type PublishedEvent } from './outbox.js';
import { WriteBatch } from './write-batch.js';

/** One transaction's shared work: its outbox, and whether jobs fell due that should run right after commit (announced on the bus). */
export interface TransactionScope {
  trx: Db;
  outbox: OutboxBatch;
  /** Writes whose results nobody reads in this transaction: sent together before commit. */
  batch: WriteBatch;
  dueJobs: boolean;
  /** Topics of external tasks this transaction created: waiting workers are woken after commit. */
  externalTopics: Set<string>;
  /** Tasks created in this transaction (for "what comes next" answers). */
  createdTasks: CreatedTask[];
  /** Called once the transaction has ended: `true` when it committed, `false` when it rolled back or failed. */
  settled: ((committed: boolean) => void)[];
}

export interface CreatedTask {
  id: string;
  instance_id: string;
  element_id: string;
  name: string | null;
  candidate_groups: string[];
  candidate_users: string[];
  assignee: string | null;
  department_id: string | null;
}

/**
 * Runs units of work in one database transaction each; their outbox rows are written inside the
 * transaction and published to the bus only after commit (ARCHITECTURE.md Realtime).
 */
export class Transactions {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /** Events a statement outside `run` committed by itself (GuardedStatement), to the bus. */
  published(events: PublishedEvent[]): void {
    this.bus.publish(events);
  }

  async run<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    const outbox = new OutboxBatch();
    const scope: TransactionScope = {
      trx: this.db,
      outbox,
      batch: new WriteBatch(),
      dueJobs: false,
      externalTopics: new Set(),
      createdTasks: [],
      settled: [],
    };
    // The last statement takes the COMMIT with it, unless this runs inside another transaction
    // (a savepoint's "commit" is a release, and the outer transaction goes on).
    const commits = !(this.db as { isTransaction?: boolean }).isTransaction;
    let result: T;
    try {
      result = await this.db.transaction(async (trx) => {
        scope.trx = trx;
        const value = await work(scope);
        await outbox.flush(trx, scope.batch, commits);
        return value;
      });
    } catch (err) {
      // A failed COMMIT may or may not have committed: treated as not, which only costs a cache entry.
      for (const settle of scope.settled) settle(false);
      throw err;
    }
    for (const settle of scope.settled) settle(true);
    outbox.publish(this.bus);
    if (scope.dueJobs) this.bus.jobsDue();
    if (scope.externalTopics.size) this.bus.externalTasksCreated([...scope.externalTopics]);
    return result;
  }
}
