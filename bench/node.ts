/**
 * bench/node — one production node alone: what each kind of request costs one user (no queueing),
 * and how the node's memory grows as instances start (the engine cache's budget against the RSS it
 * really takes).
 *
 *   npm run bench -- node [--requests 100] [--starts 1600] [--json]
 *
 * One server process (`server/main.ts`, NODE_ENV=production, demo data) on a fresh PostgreSQL
 * database. Latency: `--requests` sequential requests of each kind as one bearer-token user
 * (readiness, who-am-I, a task read, claim, completion, start), medians and p95 in ms. Memory:
 * VmRSS from /proc at readiness; before the starts (after the latency series and 200 parallel
 * sign-ins, each from its own address, argon2id); after every 200 of `--starts` instance starts
 * by 8 parallel users. ENGINE_CACHE_ENTRIES /
 * ENGINE_CACHE_MB from the environment reach the node, to compare budgets.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { benchArgs, withBenchDatabase } from './support.js';
import { freePort } from '../test/support/server-process.js';
import { ApiClient } from '../test/support/client.js';
import { report, round, summary } from './stats.js';

const XML = readFileSync(new URL('./fixtures/two-tasks.bpmn', import.meta.url), 'utf8');
const args = benchArgs();
const REQUESTS = Number(args.get('requests') ?? 100);
const STARTS = Number(args.get('starts') ?? 1600);
const JSON_OUTPUT = process.argv.includes('--json');
const SIGN_IN_USERS = ['xh.clerk', 'xh.clerk2', 'yh.clerk', 'jn.clerk', 'xh.auditor', 'xh.manager'];

async function startNode(url: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'server/main.ts'], {
    cwd: new URL('../', import.meta.url),
    env: {
      ...process.env,
      DATABASE_URL: url,
      DEMO_DATA: 'true',
      NODE_ENV: 'production',
      COOKIE_SECURE: 'false',
      LOG_LEVEL: 'warn',
      JOB_POLL_MS: '1000',
      HOST: '127.0.0.1',
      PORT: String(port),
      // each sign-in below comes from its own address, as 200 people would
      TRUST_PROXY: 'true',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the node exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('the node did not become ready within 300 s');
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const status = () => readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return {
    base,
    rssMb: () => round(Number(/VmRSS:\s+(\d+)/.exec(status())?.[1] ?? 0) / 1024, 0),
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function timedSeries(count: number, call: () => Promise<{ status: number }>) {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const res = await call();
    ms.push(performance.now() - t0);
    if (res.status >= 300) throw new Error(`request failed with ${res.status}`);
  }
  const s = summary(ms);
  return { p50: s.p50, p95: s.p95 };
}

async function measure(url: string) {
  const node = await startNode(url);
  try {
    const rss: Record<string, number> = { ready: node.rssMb() };
    const designer = await new ApiClient(node.base).login('designer');
    await designer.post('/api/v1/deployments', { xml: XML });
    const clerk = await new ApiClient(node.base).login('xh.clerk');
    const token = (await clerk.post('/api/v1/auth/tokens', { name: 'bench' })).body.token as string;
    const api = new ApiClient(node.base);
    api.bearer = token;
    const start = () =>
      api.post('/api/v1/process-instances', { definitionKey: 'bench', variables: { approved: true } });

    // latency of each kind, one user, nothing else running on the node
    const first = await start();
    const taskId = first.body.tasks[0].id as string;
    const tasks: string[] = [];
    for (let i = 0; i < REQUESTS; i++) tasks.push((await start()).body.tasks[0].id as string);
    const claimed = [...tasks];
    const latency = {
      readyz: await timedSeries(REQUESTS, () => fetch(`${node.base}/readyz`).then((r) => ({ status: r.status }))),
      me: await timedSeries(REQUESTS, () => api.get('/api/v1/auth/me')),
      taskRead: await timedSeries(REQUESTS, () => api.get(`/api/v1/tasks/${taskId}`)),
      claim: await timedSeries(REQUESTS, () => api.post(`/api/v1/tasks/${claimed.shift()}/claim`)),
      complete: await timedSeries(REQUESTS, () =>
        api.post(`/api/v1/tasks/${tasks.shift()}/complete`, { variables: { approved: true } }),
      ),
      start: await timedSeries(REQUESTS, start),
    };

    // memory: sign-ins, then instances started in rounds of 200
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          fetch(`${node.base}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.${round}.${i}` },
            body: JSON.stringify({ username: SIGN_IN_USERS[i % SIGN_IN_USERS.length], password: 'demo1234' }),
          }).then((r) => r.arrayBuffer()),
        ),
      );
    }
    rss.beforeStarts = node.rssMb();
    for (let done = 0; done < STARTS; done += 200) {
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < 25; i++) if ((await start()).status !== 201) throw new Error('a start failed');
        }),
      );
      rss[`after${done + 200}Starts`] = node.rssMb();
    }
    return { latency, rss };
  } finally {
    await node.stop();
  }
}

export async function run(): Promise<void> {
  const { latency, rss } = await withBenchDatabase('pmbench_node', measure);
  const growth = Object.entries(rss).filter(([k]) => k.endsWith('Starts'));
  const half = growth[Math.floor(growth.length / 2) - 1]?.[1] ?? rss.beforeStarts!;
  const last = growth[growth.length - 1]?.[1] ?? rss.beforeStarts!;
  report('node: one production node alone, one user per request kind; RSS as instances start', {
    'ms p50/p95, one user': JSON.stringify(latency),
    'RSS MB': JSON.stringify(rss),
    'RSS growth over the second half of the starts %': round((100 * (last - half)) / half, 1),
    'engine cache budget (env)': `${process.env.ENGINE_CACHE_ENTRIES ?? 'default'} entries, ${process.env.ENGINE_CACHE_MB ?? 'default'} MB`,
  });
  if (JSON_OUTPUT) {
    const line = {
      latency,
      rssMb: rss,
      rssGrowthSecondHalfPct: round((100 * (last - half)) / half, 1),
      starts: STARTS,
      requests: REQUESTS,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
