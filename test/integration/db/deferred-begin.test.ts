import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knexFactory, { type Knex } from 'knex';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { createDatabase } from '../../../server/db/index.js';
import { Prepared } from '../../../server/db/prepared.js';
import { COMMITS } from '../../../server/db/deferred-begin.js';

/**
 * A transaction's BEGIN goes to PostgreSQL in front of its first statement, in one round trip
 * (server/db/deferred-begin.ts). Round trips are counted as the server's ReadyForQuery messages
 * on the pool's only connection.
 */
describe('a transaction’s BEGIN rides with its first statement (PostgreSQL)', () => {
  let database: TestDatabase;
  let db: Knex;
  let other: Knex;
  let trips = 0;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await database.db.raw('create table deferred (id int primary key, note text)');
    await database.db.raw("insert into deferred values (1, 'one')");
    // A deferred foreign key is checked at COMMIT: a way to make COMMIT itself fail.
    await database.db.raw(
      'create table carried (id int primary key, parent int references carried (id) deferrable initially deferred)',
    );
    db = createDatabase({ databaseUrl: database.url, poolMax: 1 });
    other = knexFactory({ client: 'pg', connection: database.url, pool: { min: 0, max: 1 } });
    const conn = (await db.client.acquireConnection()) as pg.Client & {
      connection: { on(event: string, listener: () => void): void };
    };
    conn.connection.on('readyForQuery', () => trips++);
    await db.client.releaseConnection(conn);
  });

  afterAll(async () => {
    await other?.destroy();
    await db?.destroy();
    await database?.drop();
  });

  const counted = async <T>(work: () => Promise<T>): Promise<{ result: T; trips: number }> => {
    const before = trips;
    const result = await work();
    return { result, trips: trips - before };
  };

  it('sends BEGIN with the first statement, with or without bindings, and answers both right', async () => {
    const { result, trips: n } = await counted(() =>
      db.transaction(async (trx) => {
        const a = await trx.raw('select 1 as x');
        const b = await trx.raw('select ?::int as y', [2]);
        return [a.rows[0].x, b.rows[0].y];
      }),
    );
    expect(result).toEqual([1, 2]);
    // the first statement (with BEGIN), the second, COMMIT
    expect(n).toBe(3);
    const bound = await counted(() => db.transaction(async (trx) => (await trx.raw('select ?::int as y', [5])).rows));
    expect(bound.result).toEqual([{ y: 5 }]);
    expect(bound.trips).toBe(2);
  });

  it.each([
    ['with bindings', (trx: Knex.Transaction) => trx.raw('select id from deferred where id = ? for update', [1])],
    ['without bindings', (trx: Knex.Transaction) => trx.raw('select id from deferred where id = 1 for update')],
  ])('runs the first statement inside the transaction (%s): its row lock holds until commit', async (_, lock) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const transaction = db.transaction(async (trx) => {
      await lock(trx);
      locked();
      await held;
    });
    await isLocked;
    // Run outside a transaction, the statement would have let go of its lock at once.
    await expect(other.raw('select id from deferred where id = 1 for update nowait')).rejects.toMatchObject({
      code: '55P03',
    });
    release();
    await transaction;
    await expect(other.raw('select id from deferred where id = 1 for update nowait')).resolves.toBeTruthy();
  });

  it('rolls the first statement back with the transaction', async () => {
    await expect(
      db.transaction(async (trx) => {
        await trx.raw("insert into deferred values (?, 'two')", [2]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(
      db.transaction(async (trx) => {
        await trx.raw("insert into deferred values (3, 'three')");
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await other('deferred').orderBy('id')).map((r) => r.id)).toEqual([1]);
  });

  it('fails the transaction when its first statement fails, and leaves the connection clean', async () => {
    await expect(db.transaction(async (trx) => trx.raw('select 1 / ?::int', [0]))).rejects.toMatchObject({
      code: '22012',
    });
    await expect(db.transaction(async (trx) => trx.raw('select 1 / 0'))).rejects.toMatchObject({ code: '22012' });
    const conn = (await db.client.acquireConnection()) as { _txStatus: string };
    expect(conn._txStatus).toBe('I');
    await db.client.releaseConnection(conn);
    expect((await db.raw('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('keeps named statements right when one is first parsed behind BEGIN, or fails to parse there', async () => {
    const good = new Prepared<{ id: number }>('deferred_begin_good', 'select id from deferred where id = ?');
    for (let i = 0; i < 2; i++) {
      expect(await db.transaction((trx) => good.rows(trx, [1]))).toEqual([{ id: 1 }]);
    }
    expect(await good.rows(db, [1])).toEqual([{ id: 1 }]);
    const bad = new Prepared('deferred_begin_bad', 'select no_such_column from deferred where id = ?');
    await expect(db.transaction((trx) => bad.rows(trx, [1]))).rejects.toMatchObject({ code: '42703' });
    // Were the failed text taken as parsed, this would fail with "prepared statement does not exist".
    await expect(bad.rows(db, [1])).rejects.toMatchObject({ code: '42703' });
  });

  it('sends nothing for a transaction that ends before its first statement', async () => {
    expect((await counted(() => db.transaction(async () => 'nothing'))).trips).toBe(0);
    const rolledBack = await counted(() =>
      db
        .transaction(async () => {
          throw new Error('before any statement');
        })
        .catch((err: Error) => err.message),
    );
    expect(rolledBack).toEqual({ result: 'before any statement', trips: 0 });
  });

  const carried = async () => (await other('carried').orderBy('id')).map((r) => r.id as number);
  const idle = async () => {
    const conn = (await db.client.acquireConnection()) as { _txStatus: string };
    const status = conn._txStatus;
    await db.client.releaseConnection(conn);
    return status;
  };
  const last = (trx: Knex.Transaction, sql: string, bindings: Knex.RawBinding[] = []) =>
    trx.raw(sql, bindings).options({ [COMMITS]: true });

  it('sends COMMIT with a transaction’s last statement, in the simple and the extended protocol', async () => {
    const bound = await counted(() =>
      db.transaction(async (trx) => {
        await trx.raw('insert into carried values (?)', [10]);
        return (await last(trx, 'insert into carried values (?) returning id', [11])).rows;
      }),
    );
    // the first statement (with BEGIN), the last (with COMMIT); knex's COMMIT is answered here
    expect(bound).toEqual({ result: [{ id: 11 }], trips: 2 });
    const simple = await counted(() =>
      db.transaction(async (trx) => {
        await trx.raw('insert into carried values (12)');
        return (await last(trx, 'insert into carried values (13) returning id -- a comment')).rows;
      }),
    );
    expect(simple).toEqual({ result: [{ id: 13 }], trips: 2 });
    const named = new Prepared<{ id: number }>('carried_insert', 'insert into carried values (?) returning id');
    const prepared = await counted(() =>
      db.transaction(async (trx) => {
        await trx.raw('insert into carried values (14)');
        return named.rows(trx, [15], true);
      }),
    );
    expect(prepared).toEqual({ result: [{ id: 15 }], trips: 2 });
    expect(await carried()).toEqual([10, 11, 12, 13, 14, 15]);
    expect(await idle()).toBe('I');
  });

  it('runs a transaction’s only statement alone when it takes the COMMIT: one round trip', async () => {
    const only = await counted(() =>
      db.transaction(async (trx) => (await last(trx, 'insert into carried values (?) returning id', [20])).rows),
    );
    expect(only).toEqual({ result: [{ id: 20 }], trips: 1 });
    expect(await carried()).toContain(20);
    expect(await idle()).toBe('I');
  });

  it('commits nothing when the last statement fails, first or not, and leaves the connection clean', async () => {
    await expect(
      db.transaction(async (trx) => {
        await trx.raw('insert into carried values (30)');
        await last(trx, 'insert into carried values (?)', [30]);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    await expect(
      db.transaction(async (trx) => last(trx, 'insert into carried values (?), (?)', [31, 31])),
    ).rejects.toMatchObject({
      code: '23505',
    });
    expect(await carried()).not.toContain(30);
    expect(await carried()).not.toContain(31);
    expect(await idle()).toBe('I');
    expect((await db.transaction(async (trx) => last(trx, 'select 1 as ok'))).rows).toEqual([{ ok: 1 }]);
  });

  it('fails the last statement when its COMMIT fails, and nothing of the transaction stays', async () => {
    await expect(
      db.transaction(async (trx) => {
        await trx.raw('insert into carried values (40)');
        await last(trx, 'insert into carried values (?, ?)', [41, 999]);
      }),
    ).rejects.toMatchObject({ code: '23503' });
    expect(await carried()).not.toContain(40);
    expect(await carried()).not.toContain(41);
    expect(await idle()).toBe('I');
  });

  it('refuses a statement sent after the one that committed', async () => {
    await expect(
      db.transaction(async (trx) => {
        await trx.raw('insert into carried values (50)');
        await last(trx, 'insert into carried values (51)');
        await trx.raw('insert into carried values (52)');
      }),
    ).rejects.toThrow('a statement after the one that committed its transaction');
    const ids = await carried();
    expect(ids).toContain(51);
    expect(ids).not.toContain(52);
    expect(await idle()).toBe('I');
  });

  it('does not commit from inside a savepoint: the outer transaction can still roll back', async () => {
    await expect(
      db.transaction(async (trx) => {
        await trx.raw('insert into carried values (60)');
        await trx.transaction(async (inner) => last(inner, 'insert into carried values (61)'));
        throw new Error('the outer transaction changed its mind');
      }),
    ).rejects.toThrow('changed its mind');
    expect(await carried()).not.toContain(60);
    expect(await carried()).not.toContain(61);
    expect(await idle()).toBe('I');
  });

  it('starts afresh at the next BEGIN should a committed transaction never have been ended', async () => {
    const conn = (await db.client.acquireConnection()) as pg.Client;
    const call = (config: unknown) =>
      new Promise<{ rows: unknown[] }>((resolve, reject) =>
        (conn as unknown as { query(c: unknown, cb: (e: Error | null, r: { rows: unknown[] }) => void): void }).query(
          config,
          (err, result) => (err ? reject(err) : resolve(result)),
        ),
      );
    try {
      await call('BEGIN;');
      await call({ text: 'insert into carried values (70)', values: [], [COMMITS]: true });
      // no COMMIT from the caller: the next transaction begins at once
      await call('BEGIN;');
      expect((await call({ text: 'select 1 as ok', values: [] })).rows).toEqual([{ ok: 1 }]);
      await call('COMMIT;');
    } finally {
      await db.client.releaseConnection(conn);
    }
    expect(await carried()).toContain(70);
    expect(await idle()).toBe('I');
  });
});
