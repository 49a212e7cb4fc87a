import { readdirSync, readFileSync } from 'node:fs';
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

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

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
 * stops every one that started, even when a later one fails. `BENCH_NODE_FLAGS` adds Node/V8 flags
 * to every node, `BENCH_NODE<i>_FLAGS` to node i only, and `BENCH_NODE<i>_ENV` (`NAME=value …`) sets
 * node i's environment, to compare two settings in one run.
 */
export async function startBenchServers(
  url: string,
  nodes: number,
  into: ServerProcess[] = [],
): Promise<ServerProcess[]> {
  for (let i = 0; i < nodes; i++) {
    const server = new ServerProcess(
      await freePort(),
      {
        DATABASE_URL: url,
        DEMO_DATA: 'true',
        NODE_ENV: 'production',
        COOKIE_SECURE: 'false',
        LOG_LEVEL: 'warn',
        JOB_POLL_MS: '1000',
        NODE_ID: `bench-${i}`,
        ...nodeEnv(i),
      },
      nodeFlags(i),
    );
    await server.start();
    into.push(server);
  }
  return into;
}

/** Node/V8 flags of node i: `BENCH_NODE_FLAGS` (every node), then `BENCH_NODE<i>_FLAGS` (node i only). */
export function nodeFlags(i: number): string[] {
  return `${process.env.BENCH_NODE_FLAGS ?? ''} ${process.env[`BENCH_NODE${i}_FLAGS`] ?? ''}`
    .split(' ')
    .filter(Boolean);
}

/** `BENCH_NODE<i>_ENV` (`NAME=value …`): settings for node i only, to compare two in one run. */
export function nodeEnv(i: number): Record<string, string> {
  return Object.fromEntries(
    (process.env[`BENCH_NODE${i}_ENV`] ?? '')
      .split(' ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

/**
 * Waits until every process in `pids`, and PostgreSQL (all its processes together), has used less
 * than `belowPct` of one core over `windowMs`, for at most `maxMs`; answers how long it waited and
 * each one's CPU in the last window (PostgreSQL's last). A node that has just become ready still
 * does its start-up work for a while (the jobs due since the demo data was made, the marketing
 * scans over the demo customers, the first deadline scan and roll-up): about 15 s of CPU on 2 000
 * demo customers, some of it a single statement that keeps PostgreSQL busy while the node waits.
 * A bench that measures from the moment of readiness measures that work beside its own.
 */
export async function waitUntilQuiet(
  pids: number[],
  { belowPct = 10, windowMs = 2000, maxMs = 120_000 } = {},
): Promise<{ waitedMs: number; cpuPct: number[] }> {
  const cpu = () => [
    ...pids.map((pid) => cpuSecondsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))),
    postgresCpuSeconds(),
  ];
  const started = performance.now();
  for (;;) {
    const before = cpu();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const seconds = (performance.now() - t0) / 1000;
    const after = cpu();
    const cpuPct = after.map((s, i) => Math.round((100 * (s - before[i]!)) / seconds));
    const waitedMs = Math.round(performance.now() - started);
    if (cpuPct.every((p) => p < belowPct) || waitedMs >= maxMs) return { waitedMs, cpuPct };
  }
}

/** CPU seconds used so far by each thread of `pid`, keyed by thread id (the main thread's is `pid`). */
export function threadCpuSeconds(pid: number): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      seconds.set(Number(tid), cpuSecondsFromStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return seconds;
}

/** CPU seconds used so far by every PostgreSQL server process on this machine (all are `postgres`). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      total += cpuSecondsFromStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}

export interface CpuSplit {
  /** Per node: its main thread and its busiest other threads (the engine workers first), in s. */
  nodes: { main: number; others: number[] }[];
  postgres: number;
  driver: number;
}

/**
 * Measures where the CPU of a phase goes: `start()` now, `stop()` at its end. PostgreSQL's share is
 * every `postgres` process on the machine (its backends end with their connections, so a backend
 * that closed during the phase is missed: the benches keep their pools open).
 */
export function cpuSplit(pids: number[]): { stop(): CpuSplit } {
  const threads = pids.map(threadCpuSeconds);
  const postgres = postgresCpuSeconds();
  const driver = process.cpuUsage();
  return {
    stop() {
      const nodes = pids.map((pid, i) => {
        const after = threadCpuSeconds(pid);
        const used = [...after].map(([tid, s]) => [tid, s - (threads[i]!.get(tid) ?? 0)] as const);
        const main = used.find(([tid]) => tid === pid)?.[1] ?? 0;
        const others = used
          .filter(([tid]) => tid !== pid)
          .map(([, s]) => s)
          .sort((a, b) => b - a);
        return { main, others };
      });
      const d = process.cpuUsage(driver);
      return { nodes, postgres: postgresCpuSeconds() - postgres, driver: (d.user + d.system) / 1e6 };
    },
  };
}
