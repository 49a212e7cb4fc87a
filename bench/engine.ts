/**
 * bench/engine — issue 2: the raw in-memory bpmn-engine rate against the platform's end-to-end
 * rate (HTTP API, PostgreSQL, history on) for start → user task → exclusive gateway → user task
 * → end, in one run. The platform runs as two server processes (one per core) on one
 * PostgreSQL; a load generator drives both through the public API with bearer tokens.
 *
 *   npm run bench -- engine [--seconds 20] [--concurrency 16] [--nodes 2] [--json]
 *
 * `--json` ends the output with one line of the figures (`stepP50`/`stepP99`: one user's step
 * latency in ms; `ratioRecover`: the platform's rate over the raw recover-every-step rate).
 */
import { readFileSync } from 'node:fs';
import knexFactory from 'knex';
import { Engine } from 'bpmn-engine';
import {
  ADMIN_URL,
  benchArgs,
  cpuSplit,
  startBenchServers,
  waitUntilQuiet,
  withBenchDatabase,
  type CpuSplit,
} from './support.js';
import { executeStep } from '../server/engine/runtime.js';
import { LiveSteps } from '../server/engine/live-steps.js';
import { DEFAULT_STEP_LIMITS } from '../server/engine/step-context.js';
import type { ServerProcess } from '../test/support/server-process.js';
import { BenchClient } from './http-client.js';
import { loadedDefinition } from '../test/support/engine-definition.js';
import { report, round, summary } from './stats.js';

const XML = readFileSync(new URL('./fixtures/two-tasks.bpmn', import.meta.url), 'utf8');
const args = benchArgs();
const SECONDS = Number(args.get('seconds') ?? 20);
const CONCURRENCY = Number(args.get('concurrency') ?? 16);
const NODES = Number(args.get('nodes') ?? 2);
const JSON_OUTPUT = process.argv.includes('--json');
/**
 * BENCH_PG_STATEMENTS=1: where PostgreSQL's time went in the loaded window, from
 * pg_stat_statements (the server must preload it; the extension is created in `postgres`).
 */
const STATEMENTS = process.env.BENCH_PG_STATEMENTS
  ? knexFactory({
      client: 'pg',
      connection: ADMIN_URL,
      pool: { min: 0, max: 1 },
    })
  : null;

async function topStatements(instances: number): Promise<void> {
  if (!STATEMENTS) return;
  const { rows } = await STATEMENTS.raw(
    `select calls, round(total_exec_time::numeric, 1) as exec_ms, round(total_plan_time::numeric, 1) as plan_ms,
            rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) as query
       from pg_stat_statements where query not like '%pg_stat_statements%'
      order by total_exec_time + total_plan_time desc limit 16`,
  );
  process.stdout.write(`\n## PostgreSQL statements in the loaded window (${instances} instances)\n`);
  for (const r of rows)
    process.stdout.write(
      `  ${String(r.calls).padStart(6)} calls ${String(r.exec_ms).padStart(8)} ms exec ${String(r.plan_ms).padStart(7)} ms plan  ${r.query}\n`,
    );
  await STATEMENTS.destroy();
}

async function rawInMemory(seconds: number) {
  const { sourceContext } = await loadedDefinition(XML);
  const quiet = () => ({ debug() {}, warn() {}, error() {} });
  let instances = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const engine = new Engine({ name: 'raw', sourceContext, Logger: quiet, variables: { approved: true } } as never);
    const waits = new Map<string, { signal(m?: unknown): void }>();
    await engine.execute({
      listener: {
        emit: (name: string, api: { id: string; signal(m?: unknown): void }) =>
          name === 'activity.wait' && waits.set(api.id, api),
      },
    } as never);
    waits.get('first')?.signal({});
    waits.get('second')?.signal({});
    if (engine.state !== 'idle') throw new Error(`raw engine did not finish: ${engine.state}`);
    instances++;
  }
  return instances / ((performance.now() - started) / 1000);
}

async function rawRecoverEveryStep(seconds: number) {
  const definition = await loadedDefinition(XML, 'x');
  let instances = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const variables = { approved: true };
    let outcome = await executeStep(definition, null, variables, { kind: 'start' });
    for (const element of ['first', 'second']) {
      const wait = outcome.waiting.find((w) => w.elementId === element);
      outcome = await executeStep(definition, JSON.parse(JSON.stringify(outcome.state)), variables, {
        kind: 'signal',
        executionId: wait!.executionId,
      });
    }
    if (outcome.status !== 'completed') throw new Error('did not complete');
    instances++;
  }
  return instances / ((performance.now() - started) / 1000);
}

/**
 * The platform's step on one core without the database: each step of an instance continues the
 * live engine the previous one left (server/engine/live-steps.ts), as a node does for an instance
 * it stepped last; the state is still serialized after every step, as the platform saves it.
 */
async function rawLiveEngine(seconds: number) {
  const definition = await loadedDefinition(XML, 'x');
  const live = new LiveSteps();
  let instances = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const instanceId = `i${instances}`;
    const variables = { approved: true };
    const step = async (revision: number, state: unknown, command: Parameters<typeof executeStep>[3]) => {
      const key = { instanceId, revision, definitionId: 'x' };
      const outcome = await live.step(
        definition,
        key,
        state as never,
        variables,
        command,
        Date.now,
        DEFAULT_STEP_LIMITS,
      );
      const json = JSON.stringify(outcome!.state);
      live.settle(instanceId, revision + 1, true, json.length);
      return { outcome: outcome!, json };
    };
    let { outcome, json } = await step(0, null, { kind: 'start' });
    for (const [i, element] of ['first', 'second'].entries()) {
      const wait = outcome.waiting.find((w) => w.elementId === element);
      ({ outcome, json } = await step(i + 1, JSON.parse(json), { kind: 'signal', executionId: wait!.executionId }));
    }
    if (outcome.status !== 'completed') throw new Error('did not complete');
    instances++;
  }
  return instances / ((performance.now() - started) / 1000);
}

interface Load {
  instancesPerSecond: number;
  stepsPerSecond: number;
  step: ReturnType<typeof summary>;
  request: ReturnType<typeof summary>;
  errors: number;
  /** CPU of the measured window (after the warm-up), when the nodes' pids were given. */
  cpu?: CpuSplit;
  /** Instances completed in the measured window through each node. */
  perNode: number[];
}

/** Drives the public API with `concurrency` virtual users for `seconds` (the first 2 s are warm-up). */
async function load(clients: BenchClient[], concurrency: number, seconds: number, pids: number[] = []): Promise<Load> {
  const stepLatency: number[] = [];
  const requestLatency: number[] = [];
  let instances = 0;
  const perNode = clients.map(() => 0);
  let errors = 0;
  const warmup = performance.now() + 2000;
  const deadline = warmup + seconds * 1000;
  const timed = async (fn: () => Promise<{ status: number; body: any }>, step: boolean) => {
    const t0 = performance.now();
    const res = await fn();
    const ms = performance.now() - t0;
    if (t0 > warmup) {
      requestLatency.push(ms);
      if (step) stepLatency.push(ms);
    }
    if (res.status >= 300) errors++;
    return res;
  };
  const user = async (index: number) => {
    const client = clients[index % clients.length]!;
    while (performance.now() < deadline) {
      const started = await timed(
        () => client.post('/api/v1/process-instances', { definitionKey: 'bench', variables: { approved: true } }),
        true,
      );
      if (started.status !== 201) continue;
      let taskId = started.body.tasks[0].id;
      for (let step = 0; step < 2; step++) {
        await timed(() => client.post(`/api/v1/tasks/${taskId}/claim`), false);
        const done = await timed(
          () => client.post(`/api/v1/tasks/${taskId}/complete`, { variables: { approved: true } }),
          true,
        );
        if (step === 0) taskId = done.body.nextTasks[0]?.id;
      }
      if (performance.now() > warmup) {
        instances++;
        perNode[index % clients.length]!++;
      }
    }
  };
  let split: ReturnType<typeof cpuSplit> | undefined;
  const window = { start: 0n, end: 0n };
  let cpu: CpuSplit | undefined;
  const timers = pids.length
    ? [
        setTimeout(() => {
          split = cpuSplit(pids);
          window.start = process.hrtime.bigint() / 1000n;
          // A knex query runs only once it is awaited or then'd.
          if (STATEMENTS) void STATEMENTS.raw('select pg_stat_statements_reset()').then(() => undefined);
        }, warmup - performance.now()),
        setTimeout(() => {
          cpu = split?.stop();
          window.end = process.hrtime.bigint() / 1000n;
          // The monotonic clock is the machine's: a node's --cpu-prof samples can be cut to the window.
          if (process.env.BENCH_WINDOW)
            process.stdout.write(`loaded window, monotonic µs: ${window.start} ${window.end}\n`);
        }, deadline - performance.now()),
      ]
    : [];
  await Promise.all(Array.from({ length: concurrency }, (_, i) => user(i)));
  for (const t of timers) clearTimeout(t);
  cpu ??= split?.stop();
  return {
    cpu,
    perNode,
    instancesPerSecond: instances / seconds,
    stepsPerSecond: (instances * 3) / seconds,
    step: summary(stepLatency),
    request: summary(requestLatency),
    errors,
  };
}

type PlatformRun = {
  single: Load;
  loaded: Load;
  quiet: { waitedMs: number; cpuPct: number[] };
  /** Steps under load that continued a live engine (hits) or recovered one (misses), all nodes. */
  cache: { hit: number; miss: number };
};

/** The engine cache's counters of every node, summed, from its Prometheus metrics. */
async function cacheCounts(admins: BenchClient[]): Promise<{ hit: number; miss: number }> {
  const total = { hit: 0, miss: 0 };
  for (const admin of admins) {
    const text = String((await admin.get('/metrics')).body);
    for (const result of ['hit', 'miss'] as const) {
      const line = new RegExp(`^bpm_engine_cache_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text);
      total[result] += Number(line?.[1] ?? 0);
    }
  }
  return total;
}

async function platform(seconds: number): Promise<PlatformRun> {
  return withBenchDatabase('pmbench_engine', (url) => drive(url, seconds));
}

async function drive(url: string, seconds: number): Promise<PlatformRun> {
  const servers: ServerProcess[] = [];
  try {
    await startBenchServers(url, NODES, servers);
    const designer = await new BenchClient(servers[0]!.url).login('designer');
    await designer.post('/api/v1/deployments', { xml: XML });
    const clerk = await new BenchClient(servers[0]!.url).login('xh.clerk');
    const token = (await clerk.post('/api/v1/auth/tokens', { name: 'bench' })).body.token as string;
    const clients = servers.map((s) => {
      const c = new BenchClient(s.url);
      c.bearer = token;
      return c;
    });
    // Measured once the nodes are done with their start-up work (the demo's due jobs, marketing
    // scans, the first deadline scan and roll-up), which would otherwise take half the machine.
    const quiet = await waitUntilQuiet(servers.map((s) => s.pid!));
    const admins = await Promise.all(servers.map((s) => new BenchClient(s.url).login('admin')));
    const before = await cacheCounts(admins);
    const loaded = await load(
      clients,
      CONCURRENCY,
      seconds,
      servers.map((s) => s.pid!),
    );
    const after = await cacheCounts(admins);
    const cache = { hit: after.hit - before.hit, miss: after.miss - before.miss };
    const single = await load(clients, 1, Math.min(8, seconds));
    return { single, loaded, quiet, cache };
  } finally {
    for (const s of servers) await s.stop().catch(() => s.kill());
  }
}

/**
 * Where the load phase's CPU went, in ms per completed instance: the nodes' main threads, their two
 * busiest other threads (the engine workers), the rest of their threads (garbage collection,
 * libuv), PostgreSQL and this driver. Beside the raw recovered rate on one core, it says which part
 * would have to shrink for the platform to match it.
 */
function cpuPerInstance(l: Load) {
  if (!l.cpu) return undefined;
  const instances = l.instancesPerSecond * SECONDS;
  const per = (s: number) => round((1000 * s) / Math.max(1, instances), 2);
  const nodes = l.cpu.nodes.map(threadsOf);
  const main = sum(nodes.map((n) => n.main));
  const workers = sum(nodes.map((n) => n.workers));
  const rest = sum(nodes.map((n) => n.rest));
  return {
    nodeMain: per(main),
    engineWorkers: per(workers),
    otherThreads: per(rest),
    postgres: per(l.cpu.postgres),
    driver: per(l.cpu.driver),
    all: per(main + workers + rest + l.cpu.postgres + l.cpu.driver),
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** A node's CPU in s: its main thread, its two busiest other threads (the engine workers), the rest. */
function threadsOf(node: CpuSplit['nodes'][number]) {
  return { main: node.main, workers: sum(node.others.slice(0, 2)), rest: sum(node.others.slice(2)) };
}

export async function run(): Promise<void> {
  const raw = await rawInMemory(Math.min(10, SECONDS));
  const recover = await rawRecoverEveryStep(Math.min(10, SECONDS));
  const liveEngine = await rawLiveEngine(Math.min(10, SECONDS));
  const { single, loaded, quiet, cache } = await platform(SECONDS);
  const cpu = cpuPerInstance(loaded);
  await topStatements(Math.round(loaded.instancesPerSecond * SECONDS));
  // Each node's own CPU per instance it served: with BENCH_NODE<i>_FLAGS two settings compare in
  // one run, on the same machine at the same moment.
  const perNodeCpu = (loaded.cpu?.nodes ?? []).map((node, i) => {
    const served = Math.max(1, loaded.perNode[i]!);
    const ms = (s: number) => round((1000 * s) / served, 2);
    const { main, workers, rest } = threadsOf(node);
    return `node ${i}: ${loaded.perNode[i]} inst, ${ms(main + workers + rest)} (main ${ms(main)}, workers ${ms(workers)}, rest ${ms(rest)})`;
  });
  report('engine: raw bpmn-engine vs the platform (start → task → gateway → task → end)', {
    'nodes and PostgreSQL quiet after start-up work, s (CPU % of a core then)': `${round(quiet.waitedMs / 1000, 1)} (${quiet.cpuPct.join(' / ')})`,
    'raw in memory, 1 core (inst/s)': round(raw, 1),
    'raw, recover at every step (inst/s)': round(recover, 1),
    'platform step without the database, engine kept (inst/s)': round(liveEngine, 1),
    [`platform, ${NODES} nodes, ${CONCURRENCY} users (inst/s)`]: round(loaded.instancesPerSecond, 1),
    'platform engine steps/s': round(loaded.stepsPerSecond, 1),
    'step latency under load, ms (start/complete)': loaded.step,
    'all requests under load, ms (incl. claim)': loaded.request,
    'platform, 1 user (inst/s)': round(single.instancesPerSecond, 1),
    'step latency, 1 user, ms': single.step,
    'CPU per instance under load, ms (node main threads, engine workers, other node threads, PostgreSQL, driver; all)':
      cpu
        ? `${cpu.nodeMain}, ${cpu.engineWorkers}, ${cpu.otherThreads}, ${cpu.postgres}, ${cpu.driver}; ${cpu.all}`
        : 'n/a',
    "each node's CPU per instance it served, ms": perNodeCpu.join('; '),
    'engine cache under load (steps that continued a live engine / recovered one)': `${cache.hit} / ${cache.miss}`,
    'platform / raw in-memory': round(loaded.instancesPerSecond / raw, 2),
    'platform / raw recover-every-step': round(loaded.instancesPerSecond / recover, 2),
    'failed requests': loaded.errors + single.errors,
  });
  if (JSON_OUTPUT) {
    const line = {
      rawInMemory: round(raw, 1),
      rawRecover: round(recover, 1),
      rawLiveEngine: round(liveEngine, 1),
      platform: round(loaded.instancesPerSecond, 1),
      ratioInMemory: round(loaded.instancesPerSecond / raw, 2),
      ratioRecover: round(loaded.instancesPerSecond / recover, 2),
      stepP50: single.step.p50,
      stepP99: single.step.p99,
      singleUser: round(single.instancesPerSecond, 1),
      loadedStepP50: loaded.step.p50,
      loadedStepP99: loaded.step.p99,
      nodes: NODES,
      quietAfterMs: quiet.waitedMs,
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      errors: loaded.errors + single.errors,
      cpuMsPerInstance: cpu,
      cacheHits: cache.hit,
      cacheMisses: cache.miss,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
