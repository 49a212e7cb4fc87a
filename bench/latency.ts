/**
 * bench/latency — one user's request latency, the same platform code run two ways: in the bench's
 * own process (`startPlatform`, the way `withBenchPlatform` and the integration tests run it) and
 * as a server process of its own started from it (the way `bench/node`, `bench/engine` and
 * production run it). Both on PostgreSQL with demo data and background jobs; the user is a client
 * in a process of its own in both cases, so HTTP crosses processes either way.
 *
 *   npm run bench -- latency [--requests 120] [--json]
 *
 * Each round is who-am-I, a start, a claim and a completion of the instance just started; medians
 * over the rounds after the first 20. Why it exists: a claim answered in ~5 ms by the platform in
 * the bench's process took ~10 ms from a server process of its own on the same machine, and the
 * completion ~12 against ~25 ms; this measures that gap on any machine.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { loadConfig } from '../server/config/index.js';
import { createDatabase } from '../server/db/index.js';
import { createLogger } from '../server/lib/logger.js';
import { startPlatform } from '../server/platform.js';
import { BenchClient } from './http-client.js';
import { freePort } from '../test/support/server-process.js';
import { benchArgs, waitUntilQuiet, withBenchDatabase } from './support.js';
import { report, round } from './stats.js';

const XML = readFileSync(new URL('./fixtures/two-tasks.bpmn', import.meta.url), 'utf8');
const args = benchArgs();
const REQUESTS = Number(args.get('requests') ?? 120);
const JSON_OUTPUT = process.argv.includes('--json');
const ROOT = new URL('../', import.meta.url);

type Medians = Record<'me' | 'start' | 'claim' | 'complete', number>;

/** The client side: runs in a child process (`--client <url> <token>`) and prints its medians as JSON. */
async function client(url: string, token: string): Promise<void> {
  const api = new BenchClient(url);
  api.bearer = token;
  const ms: Record<keyof Medians, number[]> = { me: [], start: [], claim: [], complete: [] };
  const timed = async <T extends { status: number }>(kind: keyof Medians, call: () => Promise<T>) => {
    const t0 = performance.now();
    const res = await call();
    ms[kind].push(performance.now() - t0);
    if (res.status >= 300) throw new Error(`${kind} answered ${res.status}`);
    return res;
  };
  for (let i = 0; i < REQUESTS; i++) {
    await timed('me', () => api.get('/api/v1/auth/me'));
    const started = await timed('start', () =>
      api.post('/api/v1/process-instances', { definitionKey: 'bench', variables: { approved: true } }),
    );
    const taskId = started.body.tasks[0].id as string;
    await timed('claim', () => api.post(`/api/v1/tasks/${taskId}/claim`));
    await timed('complete', () => api.post(`/api/v1/tasks/${taskId}/complete`, { variables: { approved: true } }));
  }
  const median = (values: number[]) => {
    const kept = values.slice(20).sort((a, b) => a - b);
    return round(kept[Math.floor(kept.length / 2)] ?? Number.NaN);
  };
  const medians = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
  process.stdout.write(`${JSON.stringify(medians)}\n`);
}

/** Deploys the bench process, signs the clerk in, and runs the client in a process of its own. */
async function drive(base: string): Promise<Medians> {
  const designer = await new BenchClient(base).login('designer');
  await designer.post('/api/v1/deployments', { xml: XML });
  const clerk = await new BenchClient(base).login('xh.clerk');
  const token = (await clerk.post('/api/v1/auth/tokens', { name: 'bench' })).body.token as string;
  const script = new URL('./latency.ts', import.meta.url).pathname;
  const out = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', script, '--client', base, token, '--requests', String(REQUESTS)],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return JSON.parse(out.stdout.trim().split('\n').at(-1) ?? '{}') as Medians;
}

const ENV = { NODE_ENV: 'production', DEMO_DATA: 'true', LOG_LEVEL: 'warn', COOKIE_SECURE: 'false', HOST: '127.0.0.1' };

async function inProcess(url: string): Promise<Medians> {
  const db = createDatabase({ databaseUrl: url });
  const config = loadConfig({ ...ENV, PORT: '0', DATABASE_URL: url });
  const platform = await startPlatform({ config, db, logger: createLogger('warn') });
  try {
    // Both ways measured once the start-up work is done (see waitUntilQuiet): the bench's process is
    // the platform's here, and it does nothing else while it waits.
    await waitUntilQuiet([process.pid]);
    return await drive(platform.url);
  } finally {
    await platform.close();
    await db.destroy();
  }
}

async function ownProcess(url: string): Promise<Medians> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...ENV, PORT: String(port), DATABASE_URL: url },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 300_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('the server did not become ready within 300 s');
      const ready = await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await waitUntilQuiet([child.pid!]);
    return await drive(base);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

export async function run(): Promise<void> {
  const inside = await withBenchDatabase('pmbench_latency', inProcess);
  const own = await withBenchDatabase('pmbench_latency', ownProcess);
  report('latency: one user, the platform in the bench process and as a server process of its own', {
    'in the bench process, medians ms': JSON.stringify(inside),
    'a server process of its own, medians ms': JSON.stringify(own),
    'own process / in process, completion': round(own.complete / inside.complete),
  });
  if (JSON_OUTPUT)
    process.stdout.write(`${JSON.stringify({ requests: REQUESTS, inProcess: inside, ownProcess: own })}\n`);
}

const clientAt = process.argv.indexOf('--client');
if (clientAt >= 0) {
  await client(process.argv[clientAt + 1]!, process.argv[clientAt + 2]!);
  process.exit(0);
}
