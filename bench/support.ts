import { readFileSync } from 'node:fs';
import knexFactory from 'knex';
import { cpuSecondsFromStat } from './load-plan.js';
import { loadConfig } from '../server/config/index.js';
import { createDatabase, NO_DB_TIMEOUTS, type Db } from '../server/db/index.js';
import { createLogger } from '../server/lib/logger.js';
import { startPlatform, type Platform } from '../server/platform.js';
import { freePort, ServerProcess } from '../test/support/server-process.js';

/** `--name value` pairs from the command line. */
export function benchArgs(): Map<string, string> {
  const argv = process.argv.slice(2);
  return new Map(argv.flatMap((a, i) => (a.startsWith('--') ? [[a.slice(2), argv[i + 1] ?? '']] : [])));
}

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A PostgreSQL database of the benchmark's own for `work`, dropped afterwards (kept with
 * BENCH_KEEP_DATABASE=1, for EXPLAIN).
 */
export async function withBenchDatabase<T>(prefix: string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `${prefix}_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: ADMIN_URL, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    if (process.env.BENCH_KEEP_DATABASE) process.stdout.write(`kept database ${name}\n`);
    else await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  }
}

/**
 * The platform (no job executor, no logs, demo organisation) on a fresh benchmark database;
 * everything is closed and dropped after `work`.
 */
export async function withBenchPlatform<T>(
  prefix: string,
  work: (db: Db, platform: Platform) => Promise<T>,
): Promise<T> {
  return withBenchDatabase(prefix, async (url) => {
    const db = createDatabase({ databaseUrl: url, timeouts: NO_DB_TIMEOUTS });
    try {
      const config = loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        DEMO_DATA: 'true',
        LOG_LEVEL: 'silent',
        DATABASE_URL: url,
      });
      const platform = await startPlatform({ config, db, logger: createLogger('silent'), jobs: false });
      try {
        return await work(db, platform);
      } finally {
        await platform.close();
      }
    } finally {
      await db.destroy().catch(() => undefined);
    }
  });
}

/**
 * Starts `nodes` production-mode server processes with demo data on `url`, one after the other (the
 * first migrates and seeds), each pushed onto `into` as soon as it runs so the caller's cleanup
 * stops every one that started, even when a later one fails.
 */
export async function startBenchServers(
  url: string,
  nodes: number,
  into: ServerProcess[] = [],
): Promise<ServerProcess[]> {
  for (let i = 0; i < nodes; i++) {
    const server = new ServerProcess(await freePort(), {
      DATABASE_URL: url,
      DEMO_DATA: 'true',
      NODE_ENV: 'production',
      COOKIE_SECURE: 'false',
      LOG_LEVEL: 'warn',
      JOB_POLL_MS: '1000',
      NODE_ID: `bench-${i}`,
    });
    await server.start();
    into.push(server);
  }
  return into;
}

/**
 * Waits until every process in `pids` has used less than `belowPct` of one core over `windowMs`,
 * for at most `maxMs`; answers how long it waited and each process's CPU in the last window.
 * A node that has just become ready still does its start-up work for a while (the jobs due since
 * the demo data was made, the marketing scans over the demo customers, the first deadline scan
 * and roll-up): about 15 s of CPU on 2 000 demo customers. A bench that measures from the moment
 * of readiness measures that work beside its own.
 */
export async function waitUntilQuiet(
  pids: number[],
  { belowPct = 10, windowMs = 2000, maxMs = 120_000 } = {},
): Promise<{ waitedMs: number; cpuPct: number[] }> {
  const cpu = (pid: number) => cpuSecondsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const started = performance.now();
  for (;;) {
    const before = pids.map(cpu);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const seconds = (performance.now() - t0) / 1000;
    const cpuPct = pids.map((pid, i) => Math.round((100 * (cpu(pid) - before[i]!)) / seconds));
    const waitedMs = Math.round(performance.now() - started);
    if (cpuPct.every((p) => p < belowPct) || waitedMs >= maxMs) return { waitedMs, cpuPct };
  }
}
