import pg from 'pg';

/** What knex sends to open a transaction, and to end one. */
const BEGIN = 'BEGIN;';
const ENDS = new Set(['COMMIT;', 'ROLLBACK', 'ROLLBACK;']);

type Callback = (err: Error | null, result?: unknown) => void;

/** The parts of pg's Query (its types declare almost none) that AfterBegin uses. */
interface PgQuery {
  name?: string;
  text: string;
  portal: string;
  requiresPreparation(): boolean;
  submit(connection: PgConnection): Error | null;
  handleCommandComplete(msg: unknown, connection: PgConnection): void;
  handleError(err: Error, connection: PgConnection): void;
}

/**
 * A query option (`raw.options({ [COMMITS]: true })`): the transaction ends with this statement.
 * Its COMMIT goes to the server right behind it, in the same write, and knex's own COMMIT that
 * follows is answered here. Only for a transaction's last statement, outside any savepoint.
 */
export const COMMITS = 'commitsTransaction';
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

/**
 * A transaction's last statement with its COMMIT behind it, in one round trip: the statement's
 * execute, then COMMIT's parse, bind and execute, then one Sync (or `;COMMIT` appended in the
 * simple protocol). An error in the statement skips COMMIT and leaves the transaction to knex's
 * ROLLBACK; an error in COMMIT (a deferred constraint) fails the statement, and nothing committed.
 */
class BeforeCommit extends Query {
  private completions = 0;

  constructor(
    config: unknown,
    values: unknown,
    callback: Callback,
    private readonly onCommitted: () => void,
  ) {
    super(config, values, callback);
  }

  override submit(connection: PgConnection): Error | null {
    // A newline first: the statement may end in a line comment.
    if (!this.requiresPreparation()) this.text = `${this.text}\n;COMMIT`;
    return super.submit(connection);
  }

  /** pg's last step of the extended protocol (the statement's execute and Sync), with COMMIT between. */
  _getRows(connection: PgConnection, rows: undefined): void {
    connection.execute({ portal: this.portal, rows });
    connection.parse({ text: 'COMMIT', name: '', types: [] });
    connection.bind({});
    connection.execute({});
    connection.sync();
  }

  override handleCommandComplete(msg: unknown, connection: PgConnection): void {
    // The statement's comes first; the second is COMMIT's, and not part of the statement's result.
    if (this.completions++ === 0) return super.handleCommandComplete(msg, connection);
    this.onCommitted();
  }
}

/** The parts of pg's (untyped) Connection that AfterBegin uses. */
interface PgConnection {
  stream: { cork?(): void; uncork?(): void; destroy(): void };
  parsedStatements: Record<string, string | undefined>;
  parse(query: { text: string; name: string; types: unknown[] }): void;
  bind(config: object): void;
  execute(config: object): void;
  sync(): void;
}

const BEGUN = { command: 'BEGIN', rowCount: null, oid: null, rows: [], fields: [] };

/** Answers a query here, as pg would have: through its callback, or as a promise without one. */
function answer(done: Callback | undefined, err: Error | null, result?: unknown): Promise<unknown> | undefined {
  if (done) {
    process.nextTick(done, err, result);
    return undefined;
  }
  return err ? Promise.reject(err) : Promise.resolve(result);
}

/**
 * Saves round trips per transaction on a node-postgres connection.
 *
 * BEGIN: knex sends BEGIN and waits for its answer before the transaction's first statement. Here
 * BEGIN is answered at once and sent in front of that first statement, in the same write; the
 * server runs BEGIN, then the statement, in order, so the statement runs inside the transaction. A
 * BEGIN that fails fails the statement with it. A transaction that ends before any statement sends
 * nothing at all.
 *
 * COMMIT: a statement flagged `COMMITS` takes the transaction's COMMIT with it (BeforeCommit), and
 * knex's COMMIT after it is answered here. Flagged as the transaction's first statement, it runs
 * alone, outside any transaction: one statement is atomic by itself. Inside a savepoint the flag is
 * ignored (COMMIT would end the outer transaction too). A statement sent after the one that
 * committed fails: it would run outside the transaction it was meant for.
 *
 * Only for knex's callback calls of plain queries; anything else (a cursor, a stream, a promise
 * call) after a deferred BEGIN gets a real BEGIN first, and the connection is closed should that
 * BEGIN fail, so no statement can run outside the transaction it was meant for.
 */
export function deferBegin(client: pg.Client): void {
  const send = client.query.bind(client) as (...args: unknown[]) => unknown;
  let pending = false;
  /** Inside a transaction that knex opened through here (and how many savepoints deep). */
  let open = false;
  let savepoints = 0;
  /** The transaction ended with a flagged statement: knex's COMMIT or ROLLBACK is answered here. */
  let ended = false;
  const connection = (client as unknown as { connection: PgConnection }).connection;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (
    config: unknown,
    values?: unknown,
    callback?: unknown,
  ) => {
    const plain = config !== null && typeof config === 'object' && !('submit' in config);
    const text = typeof config === 'string' ? config : plain ? (config as { text?: unknown }).text : undefined;
    const done = (typeof values === 'function' ? values : callback) as Callback | undefined;
    const ends = typeof text === 'string' && ENDS.has(text);
    // A new transaction: whatever the last one left (it always ends with COMMIT or ROLLBACK) is over.
    if (ended && text === BEGIN) ended = false;
    if (ended) {
      if (ends) {
        ended = false;
        open = false;
        return answer(done, null, { ...BEGUN, command: text.replace(';', '') });
      }
      return answer(done, new Error('a statement after the one that committed its transaction'));
    }
    if (typeof text === 'string') {
      if (text === BEGIN) open = true;
      else if (ends) open = false;
      else if (/^SAVEPOINT /i.test(text)) savepoints++;
      else if (/^(RELEASE|ROLLBACK TO) SAVEPOINT /i.test(text)) savepoints = Math.max(0, savepoints - 1);
    }
    const commits =
      plain &&
      done !== undefined &&
      open &&
      savepoints === 0 &&
      (config as Record<string, unknown>)[COMMITS] === true &&
      !(config as { rows?: unknown }).rows;
    if (!pending) {
      if (text === BEGIN && plain && done) {
        pending = true;
        savepoints = 0;
        process.nextTick(done, null, BEGUN);
        return undefined;
      }
      if (commits) {
        return send(
          new BeforeCommit(config, typeof values === 'function' ? undefined : values, done, () => (ended = true)),
        );
      }
      return send(config, values, callback);
    }
    pending = false;
    if (ends && done) {
      // Nothing ran: there is no transaction on the server to end.
      open = false;
      return answer(done, null, { ...BEGUN, command: text.replace(';', '') });
    }
    if (commits) {
      // The transaction's only statement: run alone, it commits (or fails) by itself.
      ended = true;
      return send(config, values, callback);
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
