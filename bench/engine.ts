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
import { Engine } from 'bpmn-engine';
import { benchArgs, startBenchServers, waitUntilQuiet, withBenchDatabase } from './support.js';
import { compileDefinition, loadSourceContext } from '../server/engine/definitions.js';
import { executeStep, type LoadedDefinition } from '../server/engine/runtime.js';
import { LiveSteps } from '../server/engine/live-steps.js';
import { DEFAULT_STEP_LIMITS } from '../server/engine/step-context.js';
import type { ServerProcess } from '../test/support/server-process.js';
import { ApiClient } from '../test/support/client.js';
import { report, round, summary } from './stats.js';

const XML = readFileSync(new URL('./fixtures/two-tasks.bpmn', import.meta.url), 'utf8');
const args = benchArgs();
const SECONDS = Number(args.get('seconds') ?? 20);
const CONCURRENCY = Number(args.get('concurrency') ?? 16);
const NODES = Number(args.get('nodes') ?? 2);
const JSON_OUTPUT = process.argv.includes('--json');

async function rawInMemory(seconds: number) {
  const compiled = await compileDefinition(XML, { has: () => true });
  const sourceContext = loadSourceContext(compiled.serializedContext);
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
  const compiled = await compileDefinition(XML, { has: () => true });
  const definition: LoadedDefinition = {
    id: 'x',
    key: compiled.key,
    version: 1,
    meta: compiled.meta,
    sourceContext: loadSourceContext(compiled.serializedContext),
  };
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
  const compiled = await compileDefinition(XML, { has: () => true });
  const definition: LoadedDefinition = {
    id: 'x',
    key: compiled.key,
    version: 1,
    meta: compiled.meta,
    sourceContext: loadSourceContext(compiled.serializedContext),
  };
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
}

/** Drives the public API with `concurrency` virtual users for `seconds` (the first 2 s are warm-up). */
async function load(clients: ApiClient[], concurrency: number, seconds: number): Promise<Load> {
  const stepLatency: number[] = [];
  const requestLatency: number[] = [];
  let instances = 0;
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
      if (performance.now() > warmup) instances++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => user(i)));
  return {
    instancesPerSecond: instances / seconds,
    stepsPerSecond: (instances * 3) / seconds,
    step: summary(stepLatency),
    request: summary(requestLatency),
    errors,
  };
}

type PlatformRun = { single: Load; loaded: Load; quiet: { waitedMs: number; cpuPct: number[] } };

async function platform(seconds: number): Promise<PlatformRun> {
  return withBenchDatabase('pmbench_engine', (url) => drive(url, seconds));
}

async function drive(url: string, seconds: number): Promise<PlatformRun> {
  const servers: ServerProcess[] = [];
  try {
    await startBenchServers(url, NODES, servers);
    const designer = await new ApiClient(servers[0]!.url).login('designer');
    await designer.post('/api/v1/deployments', { xml: XML });
    const clerk = await new ApiClient(servers[0]!.url).login('xh.clerk');
    const token = (await clerk.post('/api/v1/auth/tokens', { name: 'bench' })).body.token as string;
    const clients = servers.map((s) => {
      const c = new ApiClient(s.url);
      c.bearer = token;
      return c;
    });
    // Measured once the nodes are done with their start-up work (the demo's due jobs, marketing
    // scans, the first deadline scan and roll-up), which would otherwise take half the machine.
    const quiet = await waitUntilQuiet(servers.map((s) => s.pid!));
    const loaded = await load(clients, CONCURRENCY, seconds);
    const single = await load(clients, 1, Math.min(8, seconds));
    return { single, loaded, quiet };
  } finally {
    for (const s of servers) await s.stop().catch(() => s.kill());
  }
}

export async function run(): Promise<void> {
  const raw = await rawInMemory(Math.min(10, SECONDS));
  const recover = await rawRecoverEveryStep(Math.min(10, SECONDS));
  const liveEngine = await rawLiveEngine(Math.min(10, SECONDS));
  const { single, loaded, quiet } = await platform(SECONDS);
  report('engine: raw bpmn-engine vs the platform (start → task → gateway → task → end)', {
    'nodes quiet after start-up work, s (CPU % of a core then)': `${round(quiet.waitedMs / 1000, 1)} (${quiet.cpuPct.join(' / ')})`,
    'raw in memory, 1 core (inst/s)': round(raw, 1),
    'raw, recover at every step (inst/s)': round(recover, 1),
    'platform step without the database, engine kept (inst/s)': round(liveEngine, 1),
    [`platform, ${NODES} nodes, ${CONCURRENCY} users (inst/s)`]: round(loaded.instancesPerSecond, 1),
    'platform engine steps/s': round(loaded.stepsPerSecond, 1),
    'step latency under load, ms (start/complete)': loaded.step,
    'all requests under load, ms (incl. claim)': loaded.request,
    'platform, 1 user (inst/s)': round(single.instancesPerSecond, 1),
    'step latency, 1 user, ms': single.step,
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
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
