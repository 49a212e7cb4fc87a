import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from '../../../server/db/index.js';
import { ApiClient } from '../../support/client.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { startTestPlatform } from '../../support/platform.js';
import { freePort, ServerProcess } from '../../support/server-process.js';
import { twoStepProcess } from '../../support/workflow.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TABLES = ['process_instances', 'tasks', 'bills', 'payments'] as const;

const TWO_STEP = twoStepProcess('kept');

type Fingerprint = Record<(typeof TABLES)[number], { count: number; md5: string | null }>;

/** Row count and an md5 over every row in id order, per table: equal fingerprints, equal data. */
async function fingerprint(db: Db): Promise<Fingerprint> {
  const result = {} as Fingerprint;
  for (const table of TABLES) {
    const { rows } = (await db.raw(
      `SELECT count(*)::int AS count, md5(string_agg(t::text, E'\\n' ORDER BY t.id)) AS md5 FROM ${table} t`,
    )) as { rows: { count: number; md5: string | null }[] };
    result[table] = rows[0]!;
  }
  return result;
}

/** Some work in flight: instances at both steps, so the runtime tables are not empty. */
async function someInstances(url: string): Promise<void> {
  const designer = await new ApiClient(url).login('designer');
  expect((await designer.post('/api/v1/deployments', { xml: TWO_STEP })).status).toBe(201);
  const clerk = await new ApiClient(url).login('xh.clerk');
  for (let i = 0; i < 4; i++) {
    const started = await clerk.post('/api/v1/process-instances', { definitionKey: 'kept', departmentId: 'ZJ-HZ-XH' });
    expect(started.status).toBe(201);
    if (i % 2) continue;
    const task = started.body.tasks[0];
    expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    expect((await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} })).status).toBe(200);
  }
}

function expectNotEmpty(print: Fingerprint): void {
  for (const table of TABLES) expect(print[table].count, table).toBeGreaterThan(0);
}

function npmRun(script: 'backup' | 'restore', file: string, dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  return spawnSync('npm', ['run', '--silent', script, '--', file], { cwd: ROOT, env, encoding: 'utf8' });
}

const hasPgDump = spawnSync('pg_dump', ['--version']).status === 0;

describe('backup and restore', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('round-trips the embedded database through npm run backup / restore, losing nothing', async () => {
    // given: an embedded database with demo data and instances, the server stopped
    const dir = mkdtempSync(path.join(tmpdir(), 'pm-backup-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const server = new ServerProcess(await freePort(), { DATA_DIR: dir, DEMO_DATA: 'true', DEMO_CUSTOMERS: '20' });
    cleanups.push(() => server.kill());
    await server.start();
    await someInstances(server.url);
    await server.stop();
    const folder = path.join(dir, 'pglite');
    const before = await withEmbedded(dir, fingerprint);
    expectNotEmpty(before);

    // when: it is backed up, then changed
    const file = path.join(dir, 'backup.tar.gz');
    const backup = npmRun('backup', file, dir);
    expect(backup.status, backup.stderr).toBe(0);
    await withEmbedded(dir, async (db) => {
      await db('payments').whereNotExists(db('payment_allocations').whereRaw('payment_id = payments.id')).delete();
      await db('tasks').where({ status: 'open' }).update({ status: 'cancelled' });
    });
    expect(await withEmbedded(dir, fingerprint)).not.toEqual(before);

    // then: a restore is refused while the data folder is open
    const open = new PGlite(folder);
    await open.waitReady;
    const refused = npmRun('restore', file, dir);
    await open.close();
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/in use: stop the server first/);

    // and: with the folder free, the restore brings back exactly what was backed up
    const restored = npmRun('restore', file, dir);
    expect(restored.status, restored.stderr).toBe(0);
    expect(await withEmbedded(dir, fingerprint)).toEqual(before);
    // and: the server starts on the restored data
    await server.start();
    expect((await new ApiClient(server.url).login('admin')).csrf).toBeTruthy();
    await server.stop();
  }, 180_000);

  it.runIf(hasPgDump)(
    'round-trips PostgreSQL through pg_dump / pg_restore into a fresh database, losing nothing',
    async () => {
      // given: a PostgreSQL database with demo data and instances
      const source = await createTestDatabase('postgres');
      cleanups.push(() => source.drop());
      const t = await startTestPlatform('postgres', { database: source, env: { DEMO_CUSTOMERS: '20' } });
      await someInstances(t.url);
      await t.close();
      const before = await fingerprint(source.db);
      expectNotEmpty(before);

      // when: it is dumped and restored into a fresh database
      const dir = mkdtempSync(path.join(tmpdir(), 'pm-pgdump-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const file = path.join(dir, 'backup.dump');
      execFileSync('pg_dump', ['--format=custom', '--file', file, source.url as string]);
      const target: TestDatabase = await createTestDatabase('postgres');
      cleanups.push(() => target.drop());
      execFileSync('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', target.url as string, file]);

      // then: every row is there
      expect(await fingerprint(target.db)).toEqual(before);
    },
    180_000,
  );
});

async function withEmbedded<T>(dataDir: string, work: (db: Db) => Promise<T>): Promise<T> {
  const db = createDatabase({ dataDir });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}
