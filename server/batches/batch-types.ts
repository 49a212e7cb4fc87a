import type { Knex } from 'knex';
import type { ZodType } from 'zod';
import type { Actor } from '../lib/actor.js';
import type { PermissionObject } from '../../permissions/roles.js';
import type { Db } from '../db/index.js';
import type { GuardedStatement } from '../workflow/guarded-statement.js';
import type { InstanceRow } from '../workflow/instances.repository.js';
import type { OutboxEvent } from '../workflow/outbox.js';
import type { TransactionScope } from '../workflow/transactions.js';
import type { BatchTypeName } from './batch.contract.js';

/** What a batch type's `run` is told about the batch it runs for. */
export interface BatchRunContext<P> {
  batchId: string;
  reason: string;
  params: P;
  /** The batch's creator: the operation runs with their permissions. */
  actor: Actor;
}

/**
 * One kind of batch (cancel, retry, setVariables, migrate). The runner calls `run` for one
 * instance in a transaction of its own; an `AppError` it throws fails that instance only, with
 * its code. The batch type checks the creator's permission on the instance itself, as the single
 * operation does.
 */
export interface BatchType<P = unknown> {
  type: BatchTypeName;
  /** The permission the creator needs on the instances; the selection is limited to where they hold it. */
  permission: { object: PermissionObject; action: string };
  /** Parses the body's `params` (a 400 names the field). */
  params: ZodType<P>;
  /** Which instances qualify at all (running ones for cancel, …), as SQL over `process_instances`. */
  eligible?: (q: Knex.QueryBuilder) => void;
  run(scope: TransactionScope, instanceId: string, context: BatchRunContext<P>): Promise<void>;
  /**
   * Optional lane of one round trip per instance: from the instance row read with the item (no
   * lock; `xmin` with it), the item's whole transaction as one guarded statement that writes
   * nothing if the row changed since (server/workflow/guarded-statement.ts). Null sends the item
   * to `run`, in a transaction with the instance locked — so does a guard that did not match.
   */
  guarded?(db: Db, instance: InstanceRow & { xmin: string }, context: BatchRunContext<P>): Promise<GuardedItem | null>;
}

/** An item's writes as one statement, and the outbox events the runner writes with its result. */
export interface GuardedItem {
  statement: GuardedStatement;
  events: OutboxEvent[];
}

/**
 * The batch types this node runs. Pluggable: a feature registers its type at start-up
 * (`platform.ts`); a `POST /batches` naming a type nobody registered is refused with 400
 * BATCH_TYPE_UNAVAILABLE. Every node registers the same types (they all run batches).
 */
export class BatchTypeRegistry {
  private readonly types = new Map<string, BatchType<unknown>>();

  register<P>(type: BatchType<P>): void {
    this.types.set(type.type, type);
  }

  get(type: string): BatchType<unknown> | undefined {
    return this.types.get(type);
  }

  /** The types with a guarded lane. */
  guarded(): string[] {
    return [...this.types.values()].filter((t) => !!t.guarded).map((t) => t.type);
  }
}
