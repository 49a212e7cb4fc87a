import pg from 'pg';

/** What knex sends to open a transaction, and to end one. */
const BEGIN = 'BEGIN;';
const ENDS = new Set(['COMMIT;', 'ROLLBACK', 'ROLLBACK;']);

type Callback = (err: Error | null, result?: unknown) => void;

/** The parts of pg's Query (its types declare almost none) that AfterBegin uses. */
interface PgQuery {
  name?: string;
  text: string;
  requiresPreparation(): boolean;
  submit(connection: PgConnection): Error | null;
  handleCommandComplete(msg: unknown, connection: PgConnection): void;
  handleError(err: Error, connection: PgConnection): void;
}
const Query = pg.Query as unknown as new (config: unknown, values: unknown, callback: Callback) => PgQuery;

/** A query whose transaction has not been opened on the server yet: BEGIN goes in front of it, in the same write. */
class AfterBegin extends Query {
  private begun = false;
  private parsedBefore = false;

  override submit(connection: PgConnection): Error | null {
    this.parsedBefore = Boolean(this.name && connection.parsedStatements[this.name] !== undefined);
    connection.stream.cork?.();
    try {
      if (this.requiresPreparation()) {
        // The extended protocol: BEGIN's parse, bind and execute, then the statement's own,
        // then one Sync. An error in either skips the rest, and the statement fails with it.
        connection.parse({ text: 'BEGIN', name: '', types: [] });
        connection.bind({});
        connection.execute({});
      } else {
        // The simple protocol takes several statements in one string; an error stops the string.
        this.text = `${BEGIN}${this.text}`;
      }
      return super.submit(connection);
    } finally {
      connection.stream.uncork?.();
    }
  }

  override handleCommandComplete(msg: unknown, connection: PgConnection): void {
    // The first to complete is BEGIN's: the statement's result is what follows.
    if (!this.begun) {
      this.begun = true;
      return;
    }
    super.handleCommandComplete(msg, connection);
  }

  override handleError(err: Error, connection: PgConnection): void {
    // BEGIN's ParseComplete told the client the statement's name was parsed; if the statement's
    // own parse failed, it was not.
    if (this.name && !this.parsedBefore) delete connection.parsedStatements[this.name];
    super.handleError(err, connection);
  }
}

/** The parts of pg's (untyped) Connection that AfterBegin uses. */
interface PgConnection {
  stream: { cork?(): void; uncork?(): void; destroy(): void };
  parsedStatements: Record<string, string | undefined>;
  parse(query: { text: string; name: string; types: unknown[] }): void;
  bind(config: object): void;
  execute(config: object): void;
}

const BEGUN = { command: 'BEGIN', rowCount: null, oid: null, rows: [], fields: [] };

/**
 * Saves a round trip per transaction on a node-postgres connection: knex sends BEGIN and waits
 * for its answer before the transaction's first statement. Here BEGIN is answered at once and
 * sent in front of that first statement, in the same write; the server runs BEGIN, then the
 * statement, in order, so the statement runs inside the transaction. A BEGIN that fails fails the
 * statement with it. A transaction that ends before any statement sends nothing at all.
 *
 * Only for knex's callback calls of plain queries; anything else (a cursor, a stream, a promise
 * call) after a deferred BEGIN gets a real BEGIN first, and the connection is closed should that
 * BEGIN fail, so no statement can run outside the transaction it was meant for.
 */
export function deferBegin(client: pg.Client): void {
  const send = client.query.bind(client) as (...args: unknown[]) => unknown;
  let pending = false;
  const connection = (client as unknown as { connection: PgConnection }).connection;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (
    config: unknown,
    values?: unknown,
    callback?: unknown,
  ) => {
    const plain = config !== null && typeof config === 'object' && !('submit' in config);
    const text = typeof config === 'string' ? config : plain ? (config as { text?: unknown }).text : undefined;
    const done = (typeof values === 'function' ? values : callback) as Callback | undefined;
    if (!pending) {
      if (text === BEGIN && plain && done) {
        pending = true;
        process.nextTick(done, null, BEGUN);
        return undefined;
      }
      return send(config, values, callback);
    }
    pending = false;
    if (typeof text === 'string' && ENDS.has(text) && done) {
      // Nothing ran: there is no transaction on the server to end.
      process.nextTick(done, null, { ...BEGUN, command: text.replace(';', '') });
      return undefined;
    }
    if (plain && done && !(config as { rows?: unknown }).rows) {
      return send(new AfterBegin(config, typeof values === 'function' ? undefined : values, done));
    }
    send(BEGIN, (err: Error | null) => {
      if (err) connection.stream.destroy();
    });
    return send(config, values, callback);
  };
}
