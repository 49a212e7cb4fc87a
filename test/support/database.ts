import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { createDatabase, type Db } from '../../server/db/index.js';

export type Backend = 'postgres' | 'pglite';

/** Integration tests run on both: a real PostgreSQL server and the embedded PGlite. */
export const BACKENDS: Backend[] = ['postgres', 'pglite'];

export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Db;
  url?: string;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file (never shared, never order-dependent): empty, or a copy
 * of `template` prepared once per run (see platform.ts): on PostgreSQL a template database's name,
 * on PGlite a snapshot of a database folder.
 */
export async function createTestDatabase(backend: Backend, template?: string | Uint8Array): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const db = createDatabase({ memory: true, ...(template instanceof Uint8Array ? { loadDataDir: template } : {}) });
    return { db, drop: () => db.destroy() };
  }
  const name = `pmtest_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: ADMIN_DATABASE_URL, pool: { min: 0, max: 1 } });
  await admin.raw(
    typeof template === 'string' ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`,
  );
  const db = createDatabase({ databaseUrl: databaseUrl(name), poolMax: 10 });
  return {
    db,
    url: databaseUrl(name),
    async drop() {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

/** The URL of a database on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
