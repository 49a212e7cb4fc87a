import type { Db } from '../db/index.js';
import { Prepared } from '../db/prepared.js';
import type { Actor } from '../lib/actor.js';
import type { InstanceRow } from '../workflow/instances.repository.js';
import type { PublishedEvent } from '../workflow/outbox.js';
import type { Transactions } from '../workflow/transactions.js';
import type { BatchRow } from './batch.contract.js';
import type { BatchTypeRegistry } from './batch-types.js';

/** A pending item with what the runner needs of its batch (read in the same query). */
export interface PendingItem {
  batch_id: string;
  seq: number;
  instance_id: string;
  type: string;
  reason: string;
  params: BatchRow['params'];
  total: number;
}

/** A pending item as the lane reads it: with its batch and its instance's row (no lock). */
export interface LaneItem extends PendingItem {
  instance: (InstanceRow & { xmin: string }) | null;
}

// Each node's lane polls with it: a fixed text, planned once per connection.
const LANE_READ = new Prepared<LaneItem>(
  'batch_lane_read',
  `WITH items AS (
     SELECT b.id AS batch_id, bi.seq, bi.instance_id, b.type, b.reason, b.params, b.total, b.created_at
       FROM batches b
      CROSS JOIN LATERAL (
            SELECT p.seq, p.instance_id FROM batch_items p
             WHERE p.batch_id = b.id AND p.status = 'pending'
               AND (p.batch_id::text || ':' || p.seq) <> ALL(?::text[])
             ORDER BY p.seq
             LIMIT ?) bi
      WHERE b.status = 'running' AND b.type = ANY(?)
      ORDER BY b.created_at, b.id, bi.seq
      LIMIT ?)
   SELECT items.batch_id, items.seq, items.instance_id, items.type, items.reason, items.params, items.total,
          to_jsonb(i) || jsonb_build_object('xmin', i.xmin::text) AS instance
     FROM items LEFT JOIN process_instances i ON i.id = items.instance_id
    ORDER BY items.created_at, items.batch_id, items.seq`,
);

/**
 * The batch runner's lane of one round trip per instance, for batch types with `guarded`
 * (server/batches/batch-types.ts). A node reads a round of pending items with their instances'
 * rows in one query (no lock: nothing waits on a reader), and each item then commits as one
 * guarded statement — the instance's writes, the item's result and the outbox — that writes
 * nothing if the instance row or the item changed since the read. Such an item, and one its type
 * leaves to the locked path, is run by `run` as every other item is (instance locked).
 *
 * Exactly once still holds without a claim: the statement waits for the item's row lock and
 * needs the item pending, and needs the instance row unchanged; whoever did the item first
 * changed one of them. A node killed mid-round leaves its unwritten items pending.
 */
export class GuardedLane {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly types: BatchTypeRegistry,
    private readonly nodeId: string,
  ) {}

  /** The registered types with the lane. */
  typeNames(): string[] {
    return this.types.guarded();
  }

  /** The next pending items of running batches of these types (oldest batch first), none of `skip` (`batch:seq`). */
  async read(typeNames: string[], limit: number, skip: string[]): Promise<LaneItem[]> {
    // The items first, each batch's from its pending index in order and cut to the round, and
    // only then their instances: a join that built every pending instance's JSON before the LIMIT
    // made each read as long as the batch, and a 10 000-instance batch quadratic.
    return LANE_READ.rows(this.db, [skip, limit, typeNames, limit]);
  }

  /** Runs one item as its guarded statement; false when it is left to the locked path. */
  async run(item: LaneItem): Promise<boolean> {
    const type = this.types.get(item.type);
    if (!type?.guarded || !item.instance) return false;
    const guarded = await type.guarded(this.db, item.instance, {
      batchId: item.batch_id,
      reason: item.reason,
      params: type.params.parse(withoutActor(item.params)),
      actor: item.params.actor as Actor,
    });
    if (!guarded) return false;
    const { statement, events } = guarded;
    const key = { batch_id: item.batch_id, seq: item.seq, status: 'pending' };
    statement.require(this.db('batch_items').where(key).forUpdate().select('seq'));
    statement.change(
      this.db('batch_items')
        .where(key)
        .update({ status: 'succeeded', error_code: null, error: null, node_id: this.nodeId, done_at: new Date() }),
    );
    for (const e of events)
      statement.insert(
        'outbox',
        {
          topic: e.topic,
          department_id: e.departmentId,
          definition_key: e.definitionKey,
          instance_id: e.instanceId,
          payload: JSON.stringify(e.payload),
        },
        ['id', 'created_at'],
      );
    const rows = (await statement.run<{ id: number; created_at: Date }>(this.db)).sort(
      (a, b) => Number(a.id) - Number(b.id),
    );
    // Nothing returned: the guard matched nothing and nothing was written.
    if (events.length ? rows.length !== events.length : rows.length === 0) return false;
    this.transactions.published(
      events.map((e, i): PublishedEvent => ({
        ...e,
        id: Number(rows[i]?.id),
        at: new Date(rows[i]?.created_at ?? Date.now()).toISOString(),
      })),
    );
    return true;
  }
}

/** The stored params without the creator (the runner hands the actor over on its own). */
export function withoutActor(params: BatchRow['params']): Record<string, unknown> {
  const { actor: _actor, ...rest } = params;
  return rest;
}
