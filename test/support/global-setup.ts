import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ADMIN_DATABASE_URL } from './database.js';

const PREFIX = 'pmtest_tpl_';

/** Drops a template database (a template must be unmarked first). */
async function dropTemplate(admin: pg.Client, name: string): Promise<void> {
  await admin.query(`ALTER DATABASE ${name} IS_TEMPLATE false`);
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * vitest globalSetup: names this run's PostgreSQL template database (built on first use, see
 * test/support/platform.ts) and drops it at the end, along with any left by runs that were
 * killed (their process is gone). Nothing is built here, so a run without PostgreSQL tests
 * pays nothing.
 */
export default async function setup(): Promise<() => Promise<void>> {
  // Each project of the run calls this; the first one names the template and drops it.
  if (process.env.PMTEST_PG_TEMPLATE) return async () => undefined;
  const name = `${PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  process.env.PMTEST_PG_TEMPLATE = name;
  const withAdmin = async (work: (admin: pg.Client) => Promise<void>) => {
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    try {
      await admin.connect();
      await work(admin);
    } catch {
      // No PostgreSQL here: the PostgreSQL tests will say so themselves.
    } finally {
      await admin.end().catch(() => undefined);
    }
  };
  // The PGlite snapshots of the same runs (test/support/platform.ts), named like the templates.
  for (const file of await readdir(tmpdir()).catch(() => [] as string[])) {
    const pid = Number(/^pmtest_tpl_(\d+)_.*\.pglite\.t(ar|gz)/.exec(file)?.[1]);
    if (pid && !alive(pid)) await rm(path.join(tmpdir(), file), { force: true });
  }
  await withAdmin(async (admin) => {
    const left = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${PREFIX}%`,
    ]);
    for (const { datname } of left.rows) {
      const pid = Number(/^pmtest_tpl_(\d+)_/.exec(datname)?.[1]);
      if (!alive(pid)) await dropTemplate(admin, datname);
    }
  });
  return async () => {
    await rm(path.join(tmpdir(), `${name}.pglite.tar`), { force: true });
    await withAdmin((admin) => dropTemplate(admin, name));
  };
}
