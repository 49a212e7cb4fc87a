import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../../support/database.js';
import { stepBatchStatements, WriteBatch } from '../../../server/workflow/write-batch.js';

/**
 * A step's batch comes back with the same text on every step of a process; planning it costs
 * PostgreSQL as much as running it. A text seen a third time is sent as a named prepared statement
 * (parsed once per connection, its plan kept); every flush still writes its own values.
 */
describe.each(BACKENDS)('a write batch sent again and again (%s)', (backend) => {
  let database: TestDatabase;
  const table = `batch_${backend}`;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    await database.db.schema.createTable(table, (t) => {
      t.integer('id').primary();
      t.text('v').notNullable();
    });
    await database.db.schema.createTable(`${table}_log`, (t) => {
      t.integer('id').primary();
      t.integer('of').notNullable();
    });
  });
  afterAll(async () => database?.drop());

  it('writes every flush’s own values, under a name once its text is hot (node-postgres)', async () => {
    const { db } = database;
    const names: string[][] = [];
    // The process's own set may be full already: the files before this one in the same test
    // process wrote batches of their own. A set with the same settings, for this text alone.
    const statements = stepBatchStatements();
    await db.transaction(async (trx) => {
      for (let i = 1; i <= 5; i++) {
        const batch = new WriteBatch(statements);
        batch.add(trx(table).insert({ id: i, v: `value ${i}` }));
        batch.add(trx(`${table}_log`).insert({ id: 100 + i, of: i }));
        await batch.flush(trx);
        // Prepared statements are the connection's; the transaction keeps one connection.
        if (backend === 'postgres') {
          const { rows } = await trx.raw<{ rows: { name: string; statement: string }[] }>(
            `SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'write\\_batch\\_%' AND statement LIKE ?`,
            [`%${table}%`],
          );
          names.push(rows.map((r) => r.name));
        }
      }
    });
    expect(await db(table).orderBy('id').select('id', 'v')).toEqual(
      [1, 2, 3, 4, 5].map((id) => ({ id, v: `value ${id}` })),
    );
    expect(await db(`${table}_log`).orderBy('id').pluck('of')).toEqual([1, 2, 3, 4, 5]);
    if (backend === 'postgres') {
      // twice unnamed (planned each time), then one name for the text from the third flush on
      expect(names.slice(0, 2)).toEqual([[], []]);
      expect(names[2]).toHaveLength(1);
      expect(names.slice(2)).toEqual([names[2], names[2], names[2]]);
      expect(names[2]![0]).toMatch(/^write_batch_[0-9a-f]{24}$/);
    }
  });
});
