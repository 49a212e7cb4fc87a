import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, DEFAULT_DB_TIMEOUTS, type Db } from '../../../server/db/index.js';
import { loadConfig } from '../../../server/config/index.js';
import { ADMIN_DATABASE_URL, createTestDatabase } from '../../support/database.js';

/**
 * No command holds locks for long: every pg connection carries statement, lock and idle-in-
 * transaction timeouts, so a statement past its limit fails, its transaction rolls back and the
 * row lock it held is free again.
 */
describe('database timeouts (postgres)', () => {
  const name = `pmtest_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: ADMIN_DATABASE_URL, pool: { min: 0, max: 1 } });
  let db: Db;

  beforeAll(async () => {
    await admin.raw(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_DATABASE_URL);
    url.pathname = `/${name}`;
    db = createDatabase({
      databaseUrl: url.toString(),
      poolMax: 4,
      timeouts: { statementMs: 300, lockMs: 200, idleInTransactionMs: 500 },
    });
    await db.raw('CREATE TABLE instances (id int PRIMARY KEY, revision int NOT NULL)');
    await db('instances').insert({ id: 1, revision: 0 });
  });
  afterAll(async () => {
    await db?.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  });

  it('fails a query that waits longer than the acquire timeout for a pooled connection', async () => {
    const url = new URL(ADMIN_DATABASE_URL);
    url.pathname = `/${name}`;
    const small = createDatabase({ databaseUrl: url.toString(), poolMax: 2, acquireTimeoutMs: 300 });
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    try {
      const holders = [0, 1].map(() =>
        small.transaction(async (trx) => {
          await trx.raw('SELECT 1');
          await held;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      await expect(small.raw('SELECT 1')).rejects.toThrow(/Timeout acquiring a connection/);
      expect(Date.now() - started).toBeLessThan(3_000);
      release();
      await Promise.all(holders);
      expect((await small.raw('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      release();
      await small.destroy();
    }
  });

  it('sets the configured timeouts on every connection', async () => {
    const show = async (setting: string) => ((await db.raw(`SHOW ${setting}`)).rows as Record<string, string>[])[0];
    expect(await show('statement_timeout')).toEqual({ statement_timeout: '300ms' });
    expect(await show('lock_timeout')).toEqual({ lock_timeout: '200ms' });
    expect(await show('idle_in_transaction_session_timeout')).toEqual({ idle_in_transaction_session_timeout: '500ms' });
  });

  it('fails a statement that runs past statement_timeout and releases the lock it held', async () => {
    // given a transaction that locks the row and then runs too long
    const started = Date.now();
    const slow = db.transaction(async (trx) => {
      await trx('instances').where({ id: 1 }).forUpdate().first();
      await trx.raw('SELECT pg_sleep(5)');
    });
    // then it fails with PostgreSQL's cancellation, well before the sleep would end
    await expect(slow).rejects.toThrow(/statement timeout/);
    expect(Date.now() - started).toBeLessThan(3000);
    // and the row is free: another transaction locks and updates it at once
    await db.transaction(async (trx) => {
      await trx('instances').where({ id: 1 }).forUpdate().first();
      await trx('instances').where({ id: 1 }).update({ revision: 1 });
    });
    expect(await db('instances').where({ id: 1 }).first()).toEqual({ id: 1, revision: 1 });
  });

  it('fails a statement that waits past lock_timeout for a row another transaction holds', async () => {
    // given a transaction holding the row lock
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.transaction(async (trx) => {
      await trx('instances').where({ id: 1 }).forUpdate().first();
      locked();
      await held;
    });
    await isLocked;
    // when another command waits for the same row
    const waiter = db.transaction((trx) => trx('instances').where({ id: 1 }).forUpdate().first());
    // then it fails with lock_timeout instead of queueing behind it
    await expect(waiter).rejects.toThrow(/lock timeout/);
    release();
    await holder;
  });

  it('ends a transaction left idle past idle_in_transaction_session_timeout, releasing its lock', async () => {
    // given a transaction that locks the row and then sits idle
    const trx = await db.transaction();
    await trx('instances').where({ id: 1 }).forUpdate().first();
    await new Promise((resolve) => setTimeout(resolve, 900));
    // then the server has ended it: another transaction locks the row within lock_timeout
    await db.transaction((other) => other('instances').where({ id: 1 }).forUpdate().first());
    // (its session is gone; whatever knex makes of the late commit, nothing is held any more)
    await trx.commit().catch(() => undefined);
  });
});

describe('database timeouts (pglite and configuration)', () => {
  it('reads the pool size and the wait for a connection from the configuration', () => {
    expect(loadConfig({}).dbPool).toEqual({ max: 10, acquireTimeoutMs: 10_000 });
    expect(loadConfig({ DB_POOL_MAX: '24', DB_ACQUIRE_TIMEOUT_MS: '2500' }).dbPool).toEqual({
      max: 24,
      acquireTimeoutMs: 2500,
    });
    expect(() => loadConfig({ DB_POOL_MAX: '1' })).toThrow(/DB_POOL_MAX/);
  });

  it('reads the timeouts from the configuration, with defaults', () => {
    expect(loadConfig({}).dbTimeouts).toEqual(DEFAULT_DB_TIMEOUTS);
    expect(
      loadConfig({ DB_STATEMENT_TIMEOUT_MS: '1000', DB_LOCK_TIMEOUT_MS: '500', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '0' })
        .dbTimeouts,
    ).toEqual({ statementMs: 1000, lockMs: 500, idleInTransactionMs: 0 });
  });

  // The embedded database runs initdb in WebAssembly when it starts: seconds on a quiet machine,
  // far longer on a loaded one, so it starts in a hook (with the hooks' longer limit), not in the test.
  let embedded: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  beforeAll(async () => {
    embedded = await createTestDatabase('pglite');
    await embedded.db.raw('SELECT 1'); // the first statement is what starts it
  });
  afterAll(async () => {
    await embedded?.drop();
  });

  it('runs the embedded database, whose one in-process connection cannot wait on another for a lock', async () => {
    // PGlite runs single-user in WebAssembly: it has no signals to cancel a statement and no
    // second session to wait on, so the timeouts are not set there; transactions are serialized.
    const db = embedded!.db;
    await db.raw('CREATE TABLE instances (id int PRIMARY KEY, revision int NOT NULL)');
    await db('instances').insert({ id: 1, revision: 0 });
    const first = db.transaction(async (trx) => {
      await trx('instances').where({ id: 1 }).forUpdate().first();
      await trx('instances').where({ id: 1 }).update({ revision: 1 });
    });
    const second = db.transaction(async (trx) => {
      await trx('instances').where({ id: 1 }).forUpdate().first();
      await trx('instances').where({ id: 1 }).increment('revision', 1);
    });
    await Promise.all([first, second]);
    expect(await db('instances').where({ id: 1 }).first()).toEqual({ id: 1, revision: 2 });
  });
});
