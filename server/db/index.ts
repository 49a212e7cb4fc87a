import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { PgliteThread, type DumpCompression } from './pglite-thread.js';
import pg from 'pg';
import { deferBegin } from './deferred-begin.js';
import { migrationSource } from '../../migrations/index.js';

export type Db = Knex;

// bigint (int8) and numeric come back as strings by default; counts and ids are safe as numbers,
// money stays a string so that it is never squeezed through a binary float.
pg.types.setTypeParser(20, (value: string) => Number(value));

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** Use an in-memory embedded database (tests). */
  memory?: boolean;
  /** The embedded database starts as this snapshot (`dumpEmbedded`) instead of empty. */
  loadDataDir?: Uint8Array;
  poolMax?: number;
  /** How long a query waits for a pooled connection (ms) before it fails as DATABASE_UNAVAILABLE. */
  acquireTimeoutMs?: number;
  /** Per-connection timeouts (PostgreSQL); defaults to DEFAULT_DB_TIMEOUTS. */
  timeouts?: DatabaseTimeouts;
}

/**
 * How long a statement may run, wait for a lock, or a transaction sit idle, in ms (0: no limit).
 * Set on every pg connection, so no command holds an instance's row lock for long: a statement
 * past its limit fails, its transaction rolls back and the lock is released.
 */
export interface DatabaseTimeouts {
  statementMs: number;
  lockMs: number;
  idleInTransactionMs: number;
}

export const DEFAULT_DB_TIMEOUTS: DatabaseTimeouts = {
  statementMs: 30_000,
  lockMs: 10_000,
  idleInTransactionMs: 60_000,
};

/** For tools an operator runs on purpose (migrate, demo data, benchmarks): one statement may fill a million rows. */
export const NO_DB_TIMEOUTS: DatabaseTimeouts = { statementMs: 0, lockMs: 0, idleInTransactionMs: 0 };

/**
 * knex over pg when DATABASE_URL is set, otherwise over embedded PGlite in DATA_DIR. The same
 * migrations and SQL run on both (ARCHITECTURE.md Storage).
 */
export function createDatabase(options: DatabaseOptions): Db {
  if (options.databaseUrl) {
    const timeouts = options.timeouts ?? DEFAULT_DB_TIMEOUTS;
    const settings =
      `SET statement_timeout = ${Math.floor(timeouts.statementMs)}; ` +
      `SET lock_timeout = ${Math.floor(timeouts.lockMs)}; ` +
      `SET idle_in_transaction_session_timeout = ${Math.floor(timeouts.idleInTransactionMs)}`;
    return knexFactory({
      client: 'pg',
      // An unreachable server fails a connect in seconds rather than hanging the request that
      // waits for it; keep-alive lets the OS notice a peer that vanished without closing.
      connection: { connectionString: options.databaseUrl, connectionTimeoutMillis: 5000, keepAlive: true },
      acquireConnectionTimeout: options.acquireTimeoutMs ?? 10_000,
      pool: {
        min: 0,
        max: options.poolMax ?? 10,
        // Set once per session, before the pool hands the connection out.
        afterCreate(conn: pg.Client, done: (err: Error | null, conn: pg.Client) => void) {
          conn.query(settings).then(
            () => {
              deferBegin(conn);
              done(null, conn);
            },
            (err: Error) => done(err, conn),
          );
        },
      },
    });
  }
  let dir: string | null = null;
  if (!options.memory) {
    dir = path.resolve(options.dataDir ?? './data', 'pglite');
    mkdirSync(dir, { recursive: true });
  }
  // PGlite on a thread of its own: a long query would otherwise hold the event loop throughout.
  const config: Knex.Config = {
    client: ClientPgLite,
    dialect: 'postgres',
    connection: { pglite: new PgliteThread(dir, options.loadDataDir) } as unknown as Knex.StaticConnectionConfig,
  };
  return knexFactory(config);
}

/** A snapshot of an embedded database (its folder as a tarball) that `loadDataDir` opens. */
export function dumpEmbedded(db: Db, compression?: DumpCompression): Promise<Uint8Array> {
  const connection = (db.client as { config: Knex.Config }).config.connection as { pglite?: PgliteThread };
  if (!connection.pglite) throw new Error('only an embedded database can be dumped this way');
  return connection.pglite.dump(compression);
}

export function isEmbedded(db: Db): boolean {
  return (db.client as { config: Knex.Config }).config.client !== 'pg';
}

export async function migrate(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
// SQLSTATE class 08 (connection exception) and 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now).
const CONNECTION_SQLSTATE = /^(08...|57P0[123])$/;
const CONNECTION_MESSAGE =
  /Connection terminated|connection timeout|Timeout acquiring a connection|Client has encountered a connection error|Connection ended|not queryable/i;

/**
 * The database cannot be reached (refused, reset, shut down, a connect or pool wait that timed
 * out) — as opposed to a query that failed. Callers answer 503 or back off and retry.
 */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || CONNECTION_SQLSTATE.test(code))) return true;
  if (err.name === 'KnexTimeoutError' || CONNECTION_MESSAGE.test(err.message)) return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isConnectionError(cause);
}
