import pg from 'pg';

/** The one statement the Socket.IO PostgreSQL adapter sends for every message it relays. */
const NOTIFY = 'SELECT pg_notify($1, $2)';

/** Notifications sent in one statement at most (each payload is under 8 000 bytes: the adapter's threshold). */
const MAX_PER_STATEMENT = 64;

interface Queued {
  channel: string;
  payload: string;
  resolve(result: pg.QueryResult): void;
  reject(err: Error): void;
}

/**
 * The adapter's pool, with its notifications coalesced: the adapter sends one `pg_notify` per
 * message (a step's three events to their rooms are three statements, three transactions). The
 * ones asked for in the same turn of the event loop go as one `SELECT pg_notify(…), pg_notify(…)`:
 * one round trip and one commit; every listener still receives each notification, in the order
 * they were asked for (PostgreSQL delivers a transaction's notifications in order, and the
 * statements go one after the other). Two identical ones would be folded into one by PostgreSQL
 * within a transaction, so a repeat starts a new statement.
 */
export class NotifyPool extends pg.Pool {
  private queued: Queued[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private sending: Promise<void> = Promise.resolve();
  /** Connections not yet closed: `end()` waits for them. */
  private readonly open = new Set<pg.Client>();
  /** Statements sent for notifications (how far they were coalesced). */
  notifyStatements = 0;

  constructor(config?: pg.PoolConfig) {
    super(config);
    this.on('connect', (client) => {
      this.open.add(client);
      client.once('end', () => this.open.delete(client));
    });
  }

  // pg.Pool's query has many overloads; the adapter uses (text, values) and expects a promise.
  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (text === NOTIFY && Array.isArray(values) && values.length === 2 && args.length === 2) {
      return new Promise<pg.QueryResult>((resolve, reject) => {
        this.queued.push({ channel: String(values[0]), payload: String(values[1]), resolve, reject });
        this.scheduled ??= setImmediate(() => this.flush());
      }) as never;
    }
    return (super.query as (...a: unknown[]) => unknown)(...args) as never;
  }

  /** Sends what is queued now (also before the pool ends). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const queued = this.queued;
    this.queued = [];
    let start = 0;
    while (start < queued.length) {
      const seen = new Set<string>();
      let end = start;
      while (end < queued.length && end - start < MAX_PER_STATEMENT) {
        const key = `${queued[end]!.channel}\n${queued[end]!.payload}`;
        if (seen.has(key)) break;
        seen.add(key);
        end++;
      }
      this.send(queued.slice(start, end));
      start = end;
    }
  }

  /** One statement after the other: two on two connections could commit in either order. */
  private send(group: Queued[]): void {
    this.notifyStatements++;
    const text = `SELECT ${group.map((_, i) => `pg_notify($${2 * i + 1}, $${2 * i + 2})`).join(', ')}`;
    const values = group.flatMap((q) => [q.channel, q.payload]);
    this.sending = this.sending
      .then(() => super.query(text, values))
      .then(
        (result) => {
          for (const q of group) q.resolve(result);
        },
        (err: Error) => {
          for (const q of group) q.reject(err);
        },
      );
  }

  /**
   * Sends what is queued, then closes every connection and resolves once they are closed.
   * pg.Pool's own end resolves when it has asked its connections to close: a database dropped
   * with FORCE right after would end a connection still closing with an error, emitted by a pool
   * its owner considers gone.
   */
  override async end(): Promise<void> {
    this.flush();
    await this.sending;
    await super.end();
    // A connection still here has not emitted 'end' yet (its 'end' listener removes it).
    await Promise.all([...this.open].map((client) => new Promise((resolve) => client.once('end', resolve))));
  }
}
