import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../server/config/index.js';
import { createDatabase, dumpEmbedded } from '../../server/db/index.js';
import { createLogger } from '../../server/lib/logger.js';
import { startPlatform, type Platform, type PlatformOptions } from '../../server/platform.js';
import { ApiClient } from './client.js';
import { ADMIN_DATABASE_URL, createTestDatabase, databaseUrl, type Backend, type TestDatabase } from './database.js';

export interface TestPlatform {
  backend: Backend;
  platform: Platform;
  database: TestDatabase;
  url: string;
  /** A client logged in as a demo user. */
  as(username: string): Promise<ApiClient>;
  anonymous(): ApiClient;
  close(): Promise<void>;
}

export interface TestPlatformOptions extends Omit<PlatformOptions, 'config' | 'db'> {
  env?: Record<string, string>;
  /** Reuse a database (a second node on the same PostgreSQL). */
  database?: TestDatabase;
}

function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DEMO_DATA: 'true',
    LOG_LEVEL: 'silent',
    JOB_POLL_MS: '50',
    // One engine worker per test platform: dozens of platforms run at once on two cores.
    ENGINE_WORKERS: '1',
    ...env,
  });
}

/** Settings that change what a start writes to the database: with one, a platform starts on an empty one. */
const STARTUP_STATE_KEYS = ['DEMO_DATA', 'DATA_DIR', 'DATABASE_URL', 'ADMIN_USERNAME', 'ADMIN_PASSWORD'];

/** The real platform on a fresh database of its own, listening on a free loopback port. */
export async function startTestPlatform(backend: Backend, options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const fromTemplate =
    options.processes !== false && !STARTUP_STATE_KEYS.some((key) => options.env && key in options.env);
  const template = fromTemplate ? await (backend === 'postgres' ? postgresTemplate() : pgliteSnapshot()) : undefined;
  const database = options.database ?? (await createTestDatabase(backend, template));
  const config = testConfig(options.env);
  const platform = await startPlatform({
    jobRetryBaseMs: 20,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    ...options,
    config,
    db: database.db,
  });
  const clients = new Map<string, ApiClient>();
  return {
    backend,
    platform,
    database,
    url: platform.url,
    async as(username: string) {
      let client = clients.get(username);
      if (!client) {
        client = await new ApiClient(platform.url).login(username);
        clients.set(username, client);
      }
      return client;
    },
    anonymous: () => new ApiClient(platform.url),
    async close() {
      await platform.close();
      if (!options.database) await database.drop();
    },
  };
}

/** A database for the real server as a process of its own (`ServerProcess`), and its settings. */
export interface ServerDatabase {
  /** DATABASE_URL, or DATA_DIR for PGlite, and DEMO_DATA. */
  env: Record<string, string>;
  /** The PostgreSQL database (for direct reads and writes); none for PGlite, whose folder one process owns. */
  database?: TestDatabase;
  drop(): Promise<void>;
}

/**
 * A database for a server process that starts as a restart of a default start: a copy of the
 * run's template (PostgreSQL) or a folder opened from its snapshot (PGlite), so the process
 * migrates and seeds nothing (a first start of its own on PGlite took ~10 s, a restart ~4).
 */
export function serverDatabase(backend: 'postgres'): Promise<ServerDatabase & { database: TestDatabase }>;
export function serverDatabase(backend: Backend): Promise<ServerDatabase>;
export async function serverDatabase(backend: Backend): Promise<ServerDatabase> {
  if (backend === 'postgres') {
    const database = await createTestDatabase('postgres', await postgresTemplate());
    return { env: { DATABASE_URL: database.url as string, DEMO_DATA: 'true' }, database, drop: () => database.drop() };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'pm-server-'));
  const bytes = await pgliteSnapshot();
  if (bytes) {
    // Opened once here, the snapshot is written out as the folder's database.
    const db = createDatabase({ dataDir: dir, loadDataDir: bytes });
    await db.raw('SELECT 1');
    await db.destroy();
  }
  return { env: { DATA_DIR: dir, DEMO_DATA: 'true' }, drop: () => rm(dir, { recursive: true, force: true }) };
}

let template: Promise<string | undefined> | undefined;

/**
 * A PostgreSQL database a default start has prepared (migrated, seeded, the catalogue deployed),
 * which each test file's database copies instead of repeating that start's work: named per run
 * by the global setup (PMTEST_PG_TEMPLATE), built by whichever test file needs it first, under an
 * advisory lock, and marked a template once complete. A copy starts exactly as a restart does.
 */
function postgresTemplate(): Promise<string | undefined> {
  const name = process.env.PMTEST_PG_TEMPLATE;
  if (!name) return Promise.resolve(undefined);
  return (template ??= buildTemplate(name));
}

async function buildTemplate(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const ready = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate', [name]);
    if (ready.rowCount === 0) {
      // A builder that died half-way left an incomplete database: start again.
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      const db = createDatabase({ databaseUrl: databaseUrl(name), poolMax: 10 });
      const platform = await startPlatform({ config: testConfig(), db, logger: createLogger('silent') });
      await platform.close();
      await db.destroy();
      await admin.query(`ALTER DATABASE ${name} IS_TEMPLATE true`);
    }
    return name;
  } finally {
    await admin.end();
  }
}

let snapshot: Promise<Uint8Array | undefined> | undefined;

/**
 * The embedded database's counterpart of the template: a default start's database folder as a
 * tarball in the temporary folder, which each PGlite test database opens instead of running
 * initdb, the migrations, the seed and the catalogue's deployment again (~10 s of CPU a start).
 * Not gzipped: 45 MB instead of 6, but opening it takes ~0.5 s of CPU instead of ~1.2 s, and
 * every PGlite platform of the run opens it. Built by whichever test file needs it first — the
 * others wait for its lock — and deleted with the PostgreSQL template at the end of the run
 * (global-setup.ts).
 */
function pgliteSnapshot(): Promise<Uint8Array | undefined> {
  const name = process.env.PMTEST_PG_TEMPLATE;
  if (!name) return Promise.resolve(undefined);
  return (snapshot ??= loadOrBuildSnapshot(path.join(tmpdir(), `${name}.pglite.tar`)));
}

async function loadOrBuildSnapshot(file: string): Promise<Uint8Array> {
  const lock = `${file}.lock`;
  for (;;) {
    const ready = await readFile(file).catch(() => null);
    if (ready) return new Uint8Array(ready);
    try {
      await mkdir(lock);
    } catch {
      // Another file builds it; a builder that died leaves its lock, which ages out.
      const since = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (since > 5 * 60_000) await rm(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      const db = createDatabase({ memory: true });
      const platform = await startPlatform({ config: testConfig(), db, logger: createLogger('silent') });
      await platform.close();
      await db.raw('CHECKPOINT');
      const bytes = await dumpEmbedded(db, 'none');
      await db.destroy();
      // Written aside and renamed: a reader never sees half a file.
      await writeFile(`${file}.${process.pid}`, bytes);
      await rename(`${file}.${process.pid}`, file);
      return bytes;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

/** Polls until `check` returns a value (jobs run asynchronously); fails after `ms`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  ms = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
