import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { createDatabase } from '../../../server/db/index.js';
import { RepeatedStatements } from '../../../server/db/prepared.js';

const COUNT_OPEN = `select count(*)::int as n from items where status = 'open' and team = ?`;
const COUNT_DONE = `select count(*)::int as n from items where status = 'done' and team = ?`;
const OLDEST_OPEN = `select id from items where status = 'open' and team = ? order by created_at limit ?`;

/** What each text answers, read without the helper. */
async function expected(db: Knex, status: string, team: string): Promise<number> {
  const [row] = await db('items').where({ status, team }).count<{ n: string }[]>('* as n');
  return Number(row!.n);
}

async function seed(db: Knex): Promise<void> {
  await db.raw(
    'create table items (id int primary key, status text not null, team text not null, created_at timestamptz not null)',
  );
  await db.raw(`create index items_open_team on items (team, created_at) where status = 'open'`);
  await db.raw(
    `insert into items select i, case when i % 10 = 0 then 'open' else 'done' end, 't' || (i % 20),
            timestamptz '2026-01-01' - i * interval '1 minute' from generate_series(1, 4000) i`,
  );
  await db.raw('analyze items');
}

/**
 * Statements built per request whose texts repeat (server/db/prepared.ts) run as named statements
 * on node-postgres: a connection parses each text once, and PostgreSQL keeps a generic plan for
 * it once that costs no more than planning every call. Read off `pg_prepared_statements` on the
 * pool's only connection.
 */
describe('repeated statement texts run named, so PostgreSQL may keep their plan (PostgreSQL)', () => {
  let database: TestDatabase;
  let db: Knex;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await seed(database.db);
    db = createDatabase({ databaseUrl: database.url!, poolMax: 1 });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const prepared = async () =>
    (
      await db.raw<{ rows: { name: string; statement: string; generic_plans: number }[] }>(
        'select name, statement, generic_plans::int from pg_prepared_statements order by prepare_time',
      )
    ).rows;

  it('answers every call with its own values from one named statement, and keeps a generic plan for it', async () => {
    const statements = new RepeatedStatements('open_items', 8);
    for (let i = 0; i < 12; i++) {
      const team = `t${i % 4}`;
      const [row] = await statements.rows<{ n: number }>(db, COUNT_OPEN, [team]);
      expect(row!.n).toBe(await expected(db, 'open', team));
    }
    const oldest = await statements.rows<{ id: number }>(db, OLDEST_OPEN, ['t10', 3]);
    expect(oldest.map((r) => r.id)).toEqual([3990, 3970, 3950]);

    const names = (await prepared()).filter((s) => s.name.startsWith('open_items_'));
    expect(names).toHaveLength(2);
    expect(statements.named).toBe(2);
    // After five calls planned with their values, PostgreSQL plans this text once for all.
    expect(names[0]!.statement).toContain(`status = 'open' and team = $1`);
    expect(names[0]!.generic_plans).toBeGreaterThanOrEqual(1);
  });

  it('names no more than its limit of texts; later texts run unnamed and answer the same', async () => {
    const statements = new RepeatedStatements('capped_items', 1);
    const [open] = await statements.rows<{ n: number }>(db, COUNT_OPEN, ['t0']);
    const [done] = await statements.rows<{ n: number }>(db, COUNT_DONE, ['t1']);
    expect(open!.n).toBe(await expected(db, 'open', 't0'));
    expect(done!.n).toBe(await expected(db, 'done', 't1'));
    expect(statements.named).toBe(1);
    const names = (await prepared()).filter((s) => s.name.startsWith('capped_items_'));
    expect(names.map((s) => s.statement)).toEqual([COUNT_OPEN.replace('?', '$1')]);
  });

  it('with a threshold, names a text only from its third sighting, and a text seen less stays unnamed', async () => {
    const statements = new RepeatedStatements('seen_items', 8, 3);
    const named = async () => (await prepared()).filter((s) => s.name.startsWith('seen_items_')).length;
    for (const team of ['t0', 't1']) {
      const [row] = await statements.rows<{ n: number }>(db, COUNT_OPEN, [team]);
      expect(row!.n).toBe(await expected(db, 'open', team));
    }
    const [done] = await statements.rows<{ n: number }>(db, COUNT_DONE, ['t2']);
    expect(done!.n).toBe(await expected(db, 'done', 't2'));
    expect(await named()).toBe(0);
    const [third] = await statements.rows<{ n: number }>(db, COUNT_OPEN, ['t3']);
    expect(third!.n).toBe(await expected(db, 'open', 't3'));
    expect(statements.named).toBe(1);
    const names = (await prepared()).filter((s) => s.name.startsWith('seen_items_'));
    expect(names.map((s) => s.statement)).toEqual([COUNT_OPEN.replace('?', '$1')]);
  });
});

describe('repeated statement texts on PGlite run as plain statements', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    await seed(database.db);
  });

  afterAll(() => database?.drop());

  it('answers the same, and names nothing', async () => {
    const statements = new RepeatedStatements('pglite_items', 8);
    for (const team of ['t0', 't3', 't0']) {
      const [row] = await statements.rows<{ n: number }>(database.db, COUNT_OPEN, [team]);
      expect(row!.n).toBe(await expected(database.db, 'open', team));
    }
    expect(statements.named).toBe(0);
  });
});
