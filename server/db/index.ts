import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
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
  poolMax?: number;
}

/**
 * knex over pg when DATABASE_URL is set, otherwise over embedded PGlite in DATA_DIR. The same
 * migrations and SQL run on both (ARCHITECTURE.md Storage).
 */
export function createDatabase(options: DatabaseOptions): Db {
  if (options.databaseUrl) {
    return knexFactory({
      client: 'pg',
      connection: options.databaseUrl,
      pool: { min: 0, max: options.poolMax ?? 10 },
    });
  }
  let connection: Record<string, string> = {};
  if (!options.memory) {
    const dir = path.resolve(options.dataDir ?? './data', 'pglite');
    mkdirSync(dir, { recursive: true });
    connection = { filename: dir };
  }
  const config: Knex.Config = { client: ClientPgLite, dialect: 'postgres', connection };
  return knexFactory(config);
}

export function isEmbedded(db: Db): boolean {
  return (db.client as { config: Knex.Config }).config.client !== 'pg';
}

export async function migrate(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}
