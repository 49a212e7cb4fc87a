import { EventEmitter } from 'node:events';
import type { Db } from '../db/index.js';
import type {
  AnyTopicEvent,
  InstanceTopic,
  InstanceTopicDetails,
  RealtimePayloads,
  RealtimeTopic,
  TopicEvent,
} from '../realtime/contract.js';
import type { WriteBatch } from './write-batch.js';

/**
 * A change others may need to see: written in the transaction that made it, published after
 * commit. Typed by topic (server/realtime/contract.ts): the topic decides the payload.
 */
export type OutboxEvent = AnyTopicEvent & InProcess;

/** An outbox event once committed: its id (the catch-up cursor) and commit time. */
export type PublishedEvent = { [T in RealtimeTopic]: TopicEvent<T> & { id: number; at: string } }[RealtimeTopic] &
  InProcess;

/** What an event carries within this node only: never written to the outbox nor sent to a client. */
export interface InProcess {
  /** A new task's candidate users, as the step wrote them: the publisher need not read them back. */
  candidateUsers?: string[];
  /** The online hall's applicant of the instance, when the event was made from its variables. */
  applicantLoginId?: string | null;
}

/** The instance an instance-scoped event is about, as its row spells it. */
export interface InstanceRef {
  id: string;
  department_id: string | null;
  definition_key: string;
  business_key: string | null;
  /** The instance's variables, where the caller has its row. */
  variables?: Record<string, unknown> | null;
}

/** An outbox event about an instance: its rooms and the instance fields every such topic carries. */
export function instanceEvent<T extends InstanceTopic>(
  topic: T,
  instance: InstanceRef,
  details: InstanceTopicDetails[T],
): TopicEvent<T> & InProcess {
  // The map's entry for an instance topic is exactly these fields plus the details (contract.ts).
  const payload = { instanceId: instance.id, businessKey: instance.business_key, ...details } as RealtimePayloads[T];
  const event: TopicEvent<T> & InProcess = {
    topic,
    departmentId: instance.department_id,
    definitionKey: instance.definition_key,
    instanceId: instance.id,
    payload,
  };
  if (instance.variables) {
    const applicant = instance.variables.applicantLoginId;
    event.applicantLoginId = typeof applicant === 'string' && applicant ? applicant : null;
  }
  return event;
}

/** What the bus carries: committed events, and the signal that jobs fell due. */
export interface BusEvents {
  event: [PublishedEvent];
  /** A transaction queued jobs that are due now: the job executor polls at once. */
  'jobs:due': [];
  /** A transaction created (or made fetchable) external tasks of these topics: long polls look again. */
  'external-tasks:available': [topics: string[]];
}

/**
 * In-process fan-out after commit. The realtime layer (Socket.IO) subscribes to `event`; with
 * several nodes it relays through PostgreSQL. The job executor listens to `jobs:due`. Listeners
 * never run inside a transaction.
 */
export class EventBus extends EventEmitter<BusEvents> {
  publish(events: PublishedEvent[]): void {
    for (const event of events) this.emit('event', event);
  }

  jobsDue(): void {
    this.emit('jobs:due');
  }

  externalTasksCreated(topics: string[]): void {
    this.emit('external-tasks:available', topics);
  }
}

/** Outbox rows per INSERT: 5 bindings each, well under PostgreSQL's 65 535 per statement. */
export const OUTBOX_ROWS_PER_INSERT = 2_000;

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

  /**
   * Writes the events together with the transaction's batched writes, in one statement.
   * `commits`: nothing follows in the transaction, so its COMMIT may go with the last statement.
   */
  async flush(trx: Db, batch: WriteBatch, commits = false): Promise<void> {
    if (this.events.length === 0) {
      await batch.flush(trx, undefined, commits);
      return;
    }
    const insert = (events: OutboxEvent[]) =>
      trx('outbox')
        .insert(
          events.map((e) => ({
            topic: e.topic,
            department_id: e.departmentId,
            definition_key: e.definitionKey,
            instance_id: e.instanceId,
            payload: JSON.stringify(e.payload),
          })),
        )
        .returning(['id', 'created_at']);
    // A step writes a few events and rides with the batch; a sweep (the first deadline scan over
    // a large set) may write hundreds of thousands, more bindings than one statement may carry.
    type Written = { id: number; created_at: Date };
    const rows: Written[] = await batch.flush<Written>(
      trx,
      insert(this.events.slice(0, OUTBOX_ROWS_PER_INSERT)),
      commits && this.events.length <= OUTBOX_ROWS_PER_INSERT,
    );
    for (let i = OUTBOX_ROWS_PER_INSERT; i < this.events.length; i += OUTBOX_ROWS_PER_INSERT) {
      for (const row of await insert(this.events.slice(i, i + OUTBOX_ROWS_PER_INSERT))) rows.push(row as Written);
    }
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    this.written = this.events.map((e, i): PublishedEvent => ({
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
