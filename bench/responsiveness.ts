/**
 * bench/responsiveness — how long heavy requests keep a node from answering `/healthz`. A server
 * process (production mode, demo data) on PGlite, or on PostgreSQL with `--pg`, is probed every
 * 10 ms from this process while each scenario runs its heavy request a few times: the deploy of a
 * process at the element limit, a start that runs a ~1 000-task chain, a multi-instance at its
 * maximum (1 000 user tasks, then 1 000 activities), and the runaways the step limits cut short.
 *
 *   npm run bench -- responsiveness [--pg] [--rounds 3] [--json]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs, withBenchDatabase } from './support.js';
import { freePort, ServerProcess } from '../test/support/server-process.js';
import { ApiClient } from '../test/support/client.js';
import { taskChain } from '../test/integration/hardening/chain.js';
import { report, round, summary } from './stats.js';

const args = benchArgs();
const ROUNDS = Number(args.get('rounds') ?? 3);
const ON_POSTGRES = process.argv.includes('--pg');
const JSON_OUT = process.argv.includes('--json');
const PROBE_EVERY_MS = 10;

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/bpmn/${name}`, import.meta.url), 'utf8');

/** A parallel multi-instance user task: one start creates `copies` waiting tasks. */
const manyTasks = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs" targetNamespace="http://example.com/test">
  <process id="manyTasks" name="Many tasks" isExecutable="true">
    <startEvent id="start" name="Start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <userTask id="check" name="Check" camunda:candidateGroups="acceptance_clerk" camunda:formKey="arrears-settled-confirm">
      <multiInstanceLoopCharacteristics><loopCardinality>\${copies}</loopCardinality></multiInstanceLoopCharacteristics>
    </userTask>
    <sequenceFlow id="f2" sourceRef="check" targetRef="end" />
    <endEvent id="end" name="End" />
  </process>
</definitions>`;

interface Probe {
  latencies: number[];
  failures: number;
}

/** Probes /healthz until `work` is done; every answer's time counts, none may fail. */
async function whileProbing(url: string, work: () => Promise<void>): Promise<Probe & { workMs: number }> {
  const probe: Probe = { latencies: [], failures: 0 };
  let done = false;
  const probing = (async () => {
    while (!done) {
      const before = performance.now();
      try {
        const res = await fetch(`${url}/healthz`);
        await res.arrayBuffer();
        if (!res.ok) probe.failures++;
      } catch (err) {
        probe.failures++;
        process.stderr.write(
          `/healthz failed after ${Math.round(performance.now() - before)} ms: ${String(err)} ${String((err as Error).cause ?? '')}\n`,
        );
      }
      probe.latencies.push(performance.now() - before);
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
  })();
  const started = performance.now();
  try {
    await work();
  } finally {
    done = true;
    await probing;
  }
  return { ...probe, workMs: performance.now() - started };
}

async function expectStatus(res: Promise<{ status: number; body: unknown }>, status: number, what: string) {
  const r = await res;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  return r;
}

async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-responsiveness-'));
  const servers: ServerProcess[] = [];
  const results: Record<
    string,
    ReturnType<typeof summary> & { failures: number; workMs: number; outcome: string | undefined }
  > = {};
  const body = async (url: string | null) => {
    const server = new ServerProcess(await freePort(), {
      ...(url ? { DATABASE_URL: url } : { DATA_DIR: dataDir }),
      DEMO_DATA: 'true',
      // Production refuses the embedded database; development is the same server with demo logins.
      NODE_ENV: url ? 'production' : 'development',
      COOKIE_SECURE: 'false',
      LOG_LEVEL: 'error',
      JOB_POLL_MS: '1000',
    });
    servers.push(server);
    await server.start();
    const designer = await new ApiClient(server.url).login('designer');
    const clerk = await new ApiClient(server.url).login('xh.clerk');
    for (const xml of [
      fixture('loop.endless.bpmn'),
      fixture('multi-instance.cardinality-from-variable.bpmn'),
      fixture('timer-cycle.zero-interval.bpmn'),
      manyTasks,
      taskChain('longChain', 990),
    ]) {
      await expectStatus(designer.post('/api/v1/deployments', { xml }), 201, 'deploy');
    }
    const start = (key: string, variables: Record<string, unknown>) =>
      expectStatus(
        clerk.post('/api/v1/process-instances', {
          definitionKey: key,
          departmentId: 'ZJ-HZ-XH',
          businessKey: `BENCH-${key}-${Math.random()}`,
          variables,
        }),
        201,
        `start ${key}`,
      );
    // Let the start-up work (first rollups and scans, the engine workers' first load) settle.
    await new Promise((r) => setTimeout(r, 5_000));
    let deployed = 0;
    const scenarios: Record<string, () => Promise<{ body: unknown } | void>> = {
      idle: () => new Promise((r) => setTimeout(r, 500)),
      'deploy 1 982 elements': () =>
        expectStatus(
          designer.post('/api/v1/deployments', { xml: taskChain(`bigChain${++deployed}`, 990) }),
          201,
          'deploy',
        ),
      'start 990-task chain': () => start('longChain', {}),
      'start 1 000 user tasks': () => start('manyTasks', { copies: 1_000 }),
      'start 1 000 activities': () => start('manyCopies', { copies: 1_000 }),
      'runaway: endless loop': () => start('endlessLoop', { forever: true }),
      'runaway: 1 000 000 copies': () => start('manyCopies', { copies: 1_000_000 }),
      'runaway: R/PT0S cycle': () => start('zeroCycle', { cycle: 'R/PT0S' }),
    };
    for (const [name, work] of Object.entries(scenarios)) {
      const latencies: number[] = [];
      let failures = 0;
      let workMs = 0;
      let outcome: string | undefined;
      for (let i = 0; i < ROUNDS; i++) {
        const probe = await whileProbing(server.url, async () => {
          const res = await work();
          const body = res?.body as { status?: string; version?: number; definition?: { version: number } } | undefined;
          outcome = body?.status ?? (body?.definition ? 'deployed' : undefined);
        });
        latencies.push(...probe.latencies);
        failures += probe.failures;
        workMs = Math.max(workMs, probe.workMs);
      }
      results[name] = { ...summary(latencies), failures, workMs: round(workMs), outcome };
      report(`/healthz while: ${name}`, { ...results[name] });
    }
  };
  try {
    if (ON_POSTGRES) await withBenchDatabase('bench_responsiveness', (url) => body(url));
    else await body(null);
  } finally {
    for (const server of servers) await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const worst = Math.max(...Object.values(results).map((r) => r.max));
  report('worst /healthz answer', { maxMs: worst, backend: ON_POSTGRES ? 'postgresql' : 'pglite' });
  if (JSON_OUT) {
    process.stdout.write(
      `${JSON.stringify({ bench: 'responsiveness', backend: ON_POSTGRES ? 'postgresql' : 'pglite', worstHealthzMs: worst, scenarios: results })}\n`,
    );
  }
}

export { run };
