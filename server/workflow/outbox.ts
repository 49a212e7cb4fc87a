import { EventEmitter } from 'node:events';
import type { Db } from '../db/index.js';
import type { WriteBatch } from './write-batch.js';

/** A change others may need to see: written in the transaction that made it, published after commit. */
export interface OutboxEvent {
  topic: string;
  departmentId: string | null;
  definitionKey: string | null;
  instanceId: string | null;
  payload: Record<string, unknown>;
}

export interface PublishedEvent extends OutboxEvent {
  id: number;
  at: string;
}

/**
 * In-process fan-out of committed events. The realtime layer (Socket.IO) subscribes here; with
 * several nodes it relays through PostgreSQL. Listeners never run inside a transaction.
 */
export class EventBus extends EventEmitter {
  publish(events: PublishedEvent[]): void {
    for (const event of events) this.emit('event', event);
  }
}

/**
 * What one transaction will publish. `flush` writes the rows inside the transaction;
 * `publish` hands them to the bus once the transaction has committed.
 */
export class OutboxBatch {
  private readonly events: OutboxEvent[] = [];
  private written: PublishedEvent[] = [];

  add(event: OutboxEvent): void {
    this.events.push(event);
  }

  /** Writes the events together with the transaction's batched writes, in one statement. */
  async flush(trx: Db, batch: WriteBatch): Promise<void> {
    if (this.events.length === 0) {
      await batch.flush(trx);
      return;
    }
    const insert = trx('outbox')
      .insert(
        this.events.map((e) => ({
          topic: e.topic,
          department_id: e.departmentId,
          definition_key: e.definitionKey,
          instance_id: e.instanceId,
          payload: JSON.stringify(e.payload),
        })),
      )
      .returning(['id', 'created_at']);
    const rows = (await batch.flush<{ id: number; created_at: Date }>(trx, insert)).sort(
      (a, b) => Number(a.id) - Number(b.id),
    );
    this.written = this.events.map((e, i) => ({
      ...e,
      id: Number(rows[i]?.id),
      at: new Date(rows[i]?.created_at ?? Date.now()).toISOString(),
    }));
    this.events.length = 0;
  }

  publish(bus: EventBus): void {
    bus.publish(this.written);
    this.written = [];
  }
}
