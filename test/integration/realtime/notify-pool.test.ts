import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { NotifyPool } from '../../../server/realtime/notify-pool.js';

const NOTIFY = 'SELECT pg_notify($1, $2)';

/**
 * The Socket.IO adapter's notifications, coalesced (server/realtime/notify-pool.ts): those asked
 * for in one turn go in one statement, and a listener still gets every one, in order.
 */
describe('the adapter’s notifications in one statement per turn (PostgreSQL)', () => {
  let database: TestDatabase;
  let pool: NotifyPool;
  let listener: pg.Client;
  const heard: { channel: string; payload: string | undefined }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    pool = new NotifyPool({ connectionString: database.url, max: 2 });
    listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    listener.on('notification', (n) => heard.push({ channel: n.channel, payload: n.payload }));
    await listener.query('LISTEN "socket.io#/"');
    await listener.query('LISTEN "socket.io#/hall"');
  });

  afterAll(async () => {
    await listener?.end();
    await pool?.end();
    await database?.drop();
  });

  const until = async (count: number) => {
    for (let i = 0; i < 200 && heard.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('sends one turn’s notifications together; each arrives, in order, repeats included', async () => {
    heard.length = 0;
    const before = pool.notifyStatements;
    const sent = [
      ['socket.io#/', 'a'],
      ['socket.io#/hall', 'b'],
      ['socket.io#/', 'c'],
      // PostgreSQL folds a repeat within one transaction: it must go in a statement of its own.
      ['socket.io#/', 'a'],
      ['socket.io#/', 'd'],
    ];
    await Promise.all(sent.map(([channel, payload]) => pool.query(NOTIFY, [channel, payload])));
    expect(pool.notifyStatements - before).toBe(2);
    await until(sent.length);
    expect(heard.map((n) => [n.channel, n.payload])).toEqual(sent);
  });

  it('answers every caller of a failed statement with its error, and other queries as usual', async () => {
    heard.length = 0;
    const results = await Promise.allSettled([
      pool.query(NOTIFY, ['socket.io#/', 'x']),
      pool.query(NOTIFY, ['', 'no channel']),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const plain = (await pool.query('select $1::int as n', [7])) as unknown as pg.QueryResult;
    expect(plain.rows).toEqual([{ n: 7 }]);
    await pool.query(NOTIFY, ['socket.io#/', 'after']);
    await until(1);
    expect(heard.map((n) => n.payload)).toEqual(['after']);
  });

  it('resolves its end once its connections are closed: the database can go at once', async () => {
    // pg.Pool's own end resolves while its connections are still closing; ending their backends
    // then (as DROP DATABASE … WITH (FORCE) does) made the pool emit an error after its end.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const errors: Error[] = [];
    try {
      for (let round = 0; round < 20; round++) {
        const closing = new NotifyPool({ connectionString: database.url, max: 2 });
        closing.on('error', (err) => errors.push(err));
        const clients = await Promise.all([closing.connect(), closing.connect()]);
        const pids = await Promise.all(
          clients.map(async (client) => (await client.query('select pg_backend_pid() as pid')).rows[0].pid as number),
        );
        for (const client of clients) client.release();
        await closing.end();
        await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [pids]);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await admin.end();
    }
    expect(errors.map((err) => err.message)).toEqual([]);
  });

  it('sends what is queued when the pool ends', async () => {
    const closing = new NotifyPool({ connectionString: database.url, max: 1 });
    heard.length = 0;
    const queued = closing.query(NOTIFY, ['socket.io#/', 'last words']);
    await closing.end();
    await queued;
    await until(1);
    expect(heard.map((n) => n.payload)).toEqual(['last words']);
  });
});
