import pg from 'pg';
import { isEmbedded, type Db } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../workflow/outbox.js';

/** The PostgreSQL channel on which a node announces external tasks it made fetchable. */
const CHANNEL = 'external_tasks';

interface Waiter {
  topics: ReadonlySet<string>;
  woken: boolean;
  wake: () => void;
}

/**
 * The fetchAndLock requests of this node that wait for a task to appear (Camunda's long polling,
 * `asyncResponseTimeout`). A request takes a ticket before it looks for tasks, so a task created
 * while it looks still wakes it; it then waits until woken, its time is up, or the client left.
 */
export class ExternalTaskWaiters {
  private readonly waiters = new Set<Waiter>();

  /** A ticket for these topics: `wait(ms)` returns at once if they were announced since. */
  ticket(topics: string[]): { wait(ms: number, signal?: AbortSignal): Promise<void>; close(): void } {
    const waiter: Waiter = { topics: new Set(topics), woken: false, wake: () => undefined };
    waiter.wake = () => {
      waiter.woken = true;
    };
    this.waiters.add(waiter);
    return {
      wait: (ms, signal) =>
        new Promise<void>((resolve) => {
          if (waiter.woken || signal?.aborted) return resolve();
          const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            waiter.woken = true;
            resolve();
          };
          const timer = setTimeout(done, Math.max(0, ms));
          signal?.addEventListener('abort', done, { once: true });
          waiter.wake = done;
        }),
      close: () => {
        this.waiters.delete(waiter);
      },
    };
  }

  /** Tasks of these topics became fetchable: every request waiting for one looks again. */
  wake(topics: Iterable<string>): void {
    const announced = new Set(topics);
    for (const waiter of this.waiters) {
      if ([...waiter.topics].some((t) => announced.has(t))) waiter.wake();
    }
  }

  get size(): number {
    return this.waiters.size;
  }
}

/**
 * Carries "external tasks of these topics are fetchable" to the waiting requests of every node:
 * on this node from the bus after commit, on the others through PostgreSQL NOTIFY/LISTEN (the
 * embedded database has one node only). A lost notification costs a waiter no more than its
 * periodic look (ExternalTasksService's recheck).
 */
export class ExternalTaskSignals {
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private readonly url: string | null;
  private readonly onBus = (topics: string[]) => this.announce(topics);

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly waiters: ExternalTaskWaiters,
    private readonly logger: Logger,
  ) {
    this.url = isEmbedded(db) ? null : connectionString(db);
  }

  async start(): Promise<void> {
    this.bus.on('external-tasks:available', this.onBus);
    if (this.url) await this.listen();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.bus.off('external-tasks:available', this.onBus);
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private announce(topics: string[]): void {
    this.waiters.wake(topics);
    if (!this.url) return;
    // After commit, so other nodes never look before the rows are visible to them.
    this.db
      .raw('SELECT pg_notify(?, ?)', [CHANNEL, JSON.stringify(topics)])
      .catch((err: unknown) => this.logger.warn({ err }, 'external task notification not sent'));
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url ?? undefined });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        const topics = JSON.parse(message.payload) as unknown;
        if (Array.isArray(topics)) this.waiters.wake(topics.map(String));
      } catch {
        // Not ours: another writer on the channel.
      }
    });
    client.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'external task listener connection lost');
      if (this.client === client) this.client = null;
      void client.end().catch(() => undefined);
      this.reconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'external task listener could not connect');
      void client.end().catch(() => undefined);
      this.reconnect();
    }
  }

  private reconnect(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.listen();
    }, 2000);
    this.retry.unref();
  }
}

function connectionString(db: Db): string | null {
  const connection = (db.client as { config?: { connection?: unknown } }).config?.connection;
  if (typeof connection === 'string') return connection;
  const url = (connection as { connectionString?: unknown } | undefined)?.connectionString;
  return typeof url === 'string' ? url : null;
}
