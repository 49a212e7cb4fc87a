/**
 * bench/load — the seed's load test: 180, 260 or 520 staff at once in four scenarios, with think
 * time, against real server processes.
 *
 *   npm run bench -- load [--users 180|260|520] [--seconds 120] [--soak] [--warmup 15] [--backend pg|pglite] [--customers 2000] [--no-vacuum] [--json]
 *
 * Scenarios (load-plan.ts PROPORTIONS: the seed names them, not their mix, so 20/40/20/20 is ours):
 * - signIn: a demo staff user signs in through the real login route (argon2id, session and CSRF
 *   cookies), lands on the worklist (list + counts), and signs out;
 * - business: a clerk of the bench's own (one user per virtual user, acceptance clerks of three
 *   counties) opens the worklist searched by their own applications' business keys, claims one,
 *   opens the task page (context, form, draft, comments, attachments, as the browser does) and
 *   completes the acceptance step A01 of a real `new-connection` instance; applications are
 *   started beforehand through the API, and a clerk with none left takes a new one (a start);
 * - billingAudit: a billing auditor opens the claimable held-bill tasks (`bill-audit`) and one
 *   task's page with its bill, history and tripped rules (read-only, so the backlog stays);
 * - statistics: a manager opens the monitor (dashboard, live-diagram figures, bottlenecks,
 *   workload, SLA alerts of a process over 30 days) and one report of the report centre.
 * Every virtual user waits 3–10 s (uniform) between two actions; a page's requests go out together
 * as the browser sends them. Users are spread evenly over the nodes and keep theirs (sticky).
 *
 * Backends: `pg` — two server processes on one fresh PostgreSQL database; `pglite` — one process
 * with its embedded database in a temporary folder. Both with the demo organisation, customers and
 * instances in flight. The first `--warmup` seconds (default 15, users starting over 10 s; `--soak`
 * 300) are warm-up; figures count the requests sent in the next `--seconds` (default 120; `--soak`
 * 1800). A soak warms up for five minutes because a node's first minutes under load are its
 * warm-up, not its steady state: V8 compiles the hot paths and grows its heap to the working size,
 * the engine workers fill their caches, the connection pools open (in one soak the node that had
 * not made the demo data began the window 100 MB under the other and ended level with it). Per
 * scenario p50/p95/p99 of every request, error rate, requests/s; per route the same as the driver
 * saw it and as the nodes timed it (their own latency histograms: where a tail is spent), and the
 * nodes' event-loop delays; per node CPU (% of one core, from
 * /proc/<pid>/stat) and RSS (/proc/<pid>/status) read every second; the driver's own CPU and
 * event-loop delay, to tell when the driver rather than the platform is the bottleneck. On a
 * PostgreSQL running without autovacuum (this machine's), the bench vacuums and analyzes its
 * database in autovacuum's place (StandInAutovacuum; `--no-vacuum` not). The soak reports each
 * node's RSS at the start and end of the measured window and its growth, and the growth from the
 * load's first second as well (warm-up included), so neither figure hides the other. `--json` ends with one line
 * `{ users, seconds, requests, errors, scenarios: { <name>: { p50, p95, p99, … } }, nodes: [{ cpu, rssMb, … }] }`.
 *
 * Aims: 520 users: p99 under 100 ms in every scenario and no errors; soak: RSS growth under 10 %.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Response } from '../test/support/client.js';
import { BenchClient } from './http-client.js';
import { LoadNode, ResourceSampler } from './load-nodes.js';
import {
  allocate,
  cpuSecondsFromStat,
  growthPct,
  PROPORTIONS,
  SCENARIOS,
  ScenarioRecord,
  thinkMs,
  type Scenario,
} from './load-plan.js';
import {
  benchArgs,
  cpuSplit,
  nodeEnv,
  nodeFlags,
  postgresCpuSeconds,
  waitUntilQuiet,
  withBenchDatabase,
} from './support.js';
import { createDatabase, NO_DB_TIMEOUTS, type Db } from '../server/db/index.js';
import { median, report, round, summary } from './stats.js';

const args = benchArgs();
const SOAK = process.argv.includes('--soak');
const USERS = Number(args.get('users') ?? 180);
const SECONDS = Number(args.get('seconds') ?? (SOAK ? 1800 : 120));
const BACKEND = (args.get('backend') ?? 'pg') as 'pg' | 'pglite';
const JSON_OUTPUT = process.argv.includes('--json');
/** Demo customers generated on the first start (PGlite generates 2 000 slowly on a loaded machine). */
const CUSTOMERS = Number(args.get('customers') ?? 2000);
const WARMUP_MS = Number(args.get('warmup') ?? (SOAK ? 300 : 15)) * 1000;
/** How often the stand-in for autovacuum runs (StandInAutovacuum): autovacuum's own naptime is 60 s. */
const VACUUM_EVERY_MS = 60_000;
const RAMP_MS = 10_000;
const COUNTIES = ['ZJ-HZ-XH', 'ZJ-HZ-YH', 'JS-NJ-JN'] as const;
const PREFIXES = ['xh', 'yh', 'jn'] as const;
const BENCH_PASSWORD = 'LoadBench2026';
/** Staff who work tasks, so their landing page is the worklist. */
const SIGN_IN_USERS = PREFIXES.flatMap((p) =>
  ['clerk', 'clerk2', 'surveyor', 'meter', 'auditor', 'collector', 'account', 'leader'].map((r) => `${p}.${r}`),
);
const STATISTICS_USERS = ['hq.supervisor', 'zj.manager', 'xh.manager', 'yh.manager', 'jn.manager'];
const REPORTS = ['new-connections', 'billing', 'billing-holds', 'workload'];
const MONITORED = ['new-connection', 'bill-audit', 'arrears-collection'];
const SCENARIO_NAMES: Record<Scenario, string> = {
  signIn: 'sign-in',
  business: 'business processing',
  billingAudit: 'billing audit',
  statistics: 'statistics',
};

if (![180, 260, 520].includes(USERS) && !args.has('any-users'))
  throw new Error(`--users is 180, 260 or 520 (the seed's figures; --any-users allows ${USERS})`);
if (BACKEND !== 'pg' && BACKEND !== 'pglite') throw new Error(`--backend is pg or pglite, not ${String(BACKEND)}`);
if (!(SECONDS > 0)) throw new Error('--seconds must be positive');
// The users' ramp (RAMP_MS) must be over before the window opens.
if (!(WARMUP_MS >= RAMP_MS)) throw new Error(`--warmup must be at least ${RAMP_MS / 1000} s (the users' ramp)`);

/** Spaces the scenarios' address blocks apart (each VU's address is offset + index + 1). */
const scenarioOffset: Record<Scenario, number> = {
  signIn: 0,
  business: 10_000,
  billingAudit: 20_000,
  statistics: 30_000,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Runs `work` over `items` with at most `width` at a time. */
async function pool<T>(items: T[], width: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i] as T, i);
      }
    }),
  );
}

async function ok<T = any>(res: Promise<Response<T>>, status: number, what: string): Promise<T> {
  const r = await res;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
  return r.body;
}

/** Cumulative counts of the nodes' `http_request_duration_seconds` buckets by method and route, summed over nodes. */
type ServerTimes = Map<string, Map<number, number>>;

/**
 * One reading of every node's /metrics: the route latency buckets, and each node's event-loop
 * delay since the reading before, ms (p50 / p99 / max; prom-client resets its histogram at every
 * reading).
 */
async function readNodes(admins: BenchClient[]): Promise<{ times: ServerTimes; eventLoopDelays: number[][] }> {
  const times: ServerTimes = new Map();
  const eventLoopDelays: number[][] = [];
  const line = /^http_request_duration_seconds_bucket\{(.*)\} (\d+)$/gm;
  for (const admin of admins) {
    const text = String((await admin.get('/metrics')).body);
    const lag = (q: string) =>
      round(1000 * Number(new RegExp(`^nodejs_eventloop_lag_${q}_seconds (\\S+)$`, 'm').exec(text)?.[1]), 1);
    eventLoopDelays.push([lag('p50'), lag('p99'), lag('max')]);
    for (const [, labels, count] of text.matchAll(line)) {
      const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels!)?.[1] ?? '';
      const key = `${label('method')} ${label('route').replace(/^\/api\/v1/, '')}`;
      const le = label('le') === '+Inf' ? Infinity : Number(label('le'));
      const buckets = times.get(key) ?? new Map<number, number>();
      buckets.set(le, (buckets.get(le) ?? 0) + Number(count));
      times.set(key, buckets);
    }
  }
  return { times, eventLoopDelays };
}

/**
 * The nodes' own time for each route between two readings (from a request's first middleware to
 * its answer), as the bucket bounds its p50 / p95 / p99 fall under, in ms: set beside what the
 * driver measured, it says whether a tail is spent in the node or before and after it (the
 * machine's run queue, the driver, the connection).
 */
function serverPercentiles(before: ServerTimes, after: ServerTimes) {
  const out: Record<string, { count: number; p50: number; p95: number; p99: number }> = {};
  for (const [route, buckets] of after) {
    const bounds = [...buckets.keys()].sort((a, b) => a - b);
    const counts = bounds.map((le) => (buckets.get(le) ?? 0) - (before.get(route)?.get(le) ?? 0));
    const total = counts[counts.length - 1] ?? 0;
    if (!total) continue;
    const bound = (q: number) => {
      const i = counts.findIndex((c) => c >= q * total);
      return bounds[i] === Infinity ? Infinity : round(bounds[i]! * 1000, 0);
    };
    out[route] = { count: total, p50: bound(0.5), p95: bound(0.95), p99: bound(0.99) };
  }
  return out;
}

/** A request's path as a route: ids as `:id`, without its query. */
const routeOf = (path: string) => path.replace(/[0-9a-f-]{36}/g, ':id').replace(/\?.*$/, '');

/** What went wrong, counted by request and status, with the first bodies kept. */
class ErrorLog {
  readonly counts = new Map<string, number>();
  readonly first: string[] = [];

  note(scenario: Scenario, method: string, path: string, status: number, body: unknown): void {
    const key = `${scenario} ${method} ${routeOf(path)} ${status}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    // The first body of each kind of failure, so a cause shows even behind a noisier one.
    if (this.counts.get(key) === 1 && this.first.length < 16)
      this.first.push(`${key} ${JSON.stringify(body).slice(0, 300)}`);
  }
}

interface Run {
  from: number;
  to: number;
  records: Record<Scenario, ScenarioRecord>;
  /** Every counted request's latency by route (method and path, ids as `:id`): which kinds make the tail. */
  routes: Map<string, number[]>;
  errors: ErrorLog;
  starts: number;
  completions: number;
}

/** One virtual user's session on its node, recording into its scenario. */
class VirtualUser {
  client: BenchClient;

  constructor(
    readonly scenario: Scenario,
    readonly index: number,
    readonly node: LoadNode,
    readonly username: string,
    readonly run: Run,
  ) {
    this.client = new BenchClient(node.url);
    // An address of its own (10/8), as staff at their own desks: login throttling counts attempts
    // per account and address, and 500 users from one address would be one client to it.
    const n = scenarioOffset[scenario] + index + 1;
    this.from = { 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
  }

  private readonly from: Record<string, string>;

  get running(): boolean {
    return performance.now() < this.run.to;
  }

  /** One request: timed and counted when it was sent inside the measured window. */
  async call<T = any>(method: string, path: string, body?: unknown, expect = 200): Promise<Response<T> | null> {
    const t0 = performance.now();
    const counted = t0 >= this.run.from && t0 < this.run.to;
    const record = this.run.records[this.scenario];
    let res: Response<T>;
    try {
      res = await this.client.request<T>(method, `/api/v1${path}`, body, this.from);
    } catch (err) {
      if (counted) record.failed();
      const cause = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      this.run.errors.note(this.scenario, method, path, 0, cause);
      return null;
    }
    const good = res.status === expect;
    if (counted) {
      const ms = performance.now() - t0;
      record.add(ms, good);
      const route = `${method} ${routeOf(path)}`;
      const seen = this.run.routes.get(route);
      if (seen) seen.push(ms);
      else this.run.routes.set(route, [ms]);
    }
    if (!good) this.run.errors.note(this.scenario, method, path, res.status, res.body);
    return good ? res : null;
  }

  /** A page: its requests at once, as the browser sends them; null when one failed. */
  async page(paths: string[]): Promise<Response[] | null> {
    const all = await Promise.all(paths.map((p) => this.call('GET', p)));
    return all.every((r) => r !== null) ? (all as Response[]) : null;
  }

  async think(): Promise<void> {
    await sleep(Math.min(thinkMs(Math.random()), this.run.to - performance.now()));
  }

  async login(username = this.username, password?: string): Promise<boolean> {
    this.client = new BenchClient(this.node.url);
    const res = await this.call('POST', '/auth/login', { username, password: password ?? 'demo1234' });
    if (!res) return false;
    this.client.csrf = (res.body as { csrfToken: string }).csrfToken;
    return true;
  }
}

const taskPage = (id: string) => [
  `/tasks/${id}/context`,
  `/tasks/${id}/form`,
  `/tasks/${id}/draft`,
  `/tasks/${id}/comments`,
  `/tasks/${id}/attachments`,
];

async function signIn(vu: VirtualUser): Promise<void> {
  while (vu.running) {
    const who = SIGN_IN_USERS[Math.floor(Math.random() * SIGN_IN_USERS.length)]!;
    if (await vu.login(who)) {
      await vu.page(['/worklist?view=mine&limit=50', '/worklist/counts']);
      await vu.think();
      if (!vu.running) return;
      await vu.call('POST', '/auth/logout', {}, 204);
    }
    await vu.think();
  }
}

/** A business user's own applications: business keys LD<user>-<n>, found by the worklist search. */
function businessKey(vu: VirtualUser, n: number): string {
  return `LD${String(vu.index).padStart(4, '0')}-${String(n).padStart(4, '0')}`;
}

function acceptance(vu: VirtualUser, n: number) {
  return {
    customerName: `压测客户 ${vu.index}-${n}`,
    phone: '13800000000',
    address: '杭州市西湖区文三路 1 号',
    acceptClass: '01',
    elecTypeCode: '201',
    capacityKva: 8,
    important: false,
    gridWorks: false,
  };
}

function business(started: Map<VirtualUser, number>) {
  return async (vu: VirtualUser): Promise<void> => {
    const search = `LD${String(vu.index).padStart(4, '0')}-`;
    while (vu.running) {
      const page = await vu.page([`/worklist?view=claimable&q=${search}&limit=50`, '/worklist/counts']);
      await vu.think();
      if (!vu.running || !page) continue;
      const item = (page[0]!.body as { items: { id: string; businessKey: string | null }[] }).items[0];
      if (!item) {
        // Nothing left to claim: the clerk takes a new application at the counter.
        const n = (started.get(vu) ?? 0) + 1;
        started.set(vu, n);
        const res = await vu.call(
          'POST',
          '/process-instances',
          { definitionKey: 'new-connection', businessKey: businessKey(vu, n) },
          201,
        );
        if (res) vu.run.starts += 1;
        await vu.think();
        continue;
      }
      if (!(await vu.call('POST', `/tasks/${item.id}/claim`, {}))) {
        await vu.think();
        continue;
      }
      await vu.page(taskPage(item.id));
      await vu.think();
      if (!vu.running) return;
      const n = Number(item.businessKey?.split('-')[1] ?? 0);
      const done = await vu.call('POST', `/tasks/${item.id}/complete`, { variables: acceptance(vu, n) });
      if (done) vu.run.completions += 1;
      await vu.think();
    }
  };
}

async function billingAudit(vu: VirtualUser): Promise<void> {
  while (vu.running) {
    const page = await vu.page(['/worklist?view=claimable&definitionKey=bill-audit&limit=50', '/worklist/counts']);
    await vu.think();
    if (!vu.running || !page) continue;
    const items = (page[0]!.body as { items: { id: string }[] }).items;
    const item = items[Math.floor(Math.random() * items.length)];
    if (item) {
      await vu.page(taskPage(item.id));
      await vu.think();
    }
  }
}

/** The monitor of one process over the last 30 days, as its page asks for it. */
function monitorPage(key: string): string[] {
  const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const q = `definitionKey=${key}&from=${encodeURIComponent(from)}`;
  return [
    '/process-definitions',
    `/monitoring/dashboard?${q}&bucket=day`,
    `/monitoring/activities?${q}`,
    `/monitoring/bottlenecks?${q}`,
    `/monitoring/workload?definitionKey=${key}`,
    `/monitoring/alerts?definitionKey=${key}&horizon=PT4H`,
  ];
}

async function statistics(vu: VirtualUser): Promise<void> {
  while (vu.running) {
    await vu.page(monitorPage(MONITORED[Math.floor(Math.random() * MONITORED.length)]!));
    await vu.think();
    if (!vu.running) return;
    await vu.call('GET', `/reports/${REPORTS[Math.floor(Math.random() * REPORTS.length)]!}`);
    await vu.think();
  }
}

/** One kind of request's cost, measured alone: CPU of its node and of PostgreSQL per request. */
interface KindCost {
  kind: string;
  requests: number;
  nodeMs: number;
  /**
   * The node's share by thread, not less its idle use: the main thread, its two busiest other
   * threads (for the kinds that step the engine, the engine workers) and the rest (V8's
   * collector helpers, libuv). Says whether a kind's cost is the request's handling, the engine,
   * or garbage collection off the threads that made the garbage.
   */
  threads: { mainMs: number; busiestTwoMs: number; restMs: number };
  postgresMs: number;
  wallP50: number;
  /** Requests a second of this kind that the run's virtual users send, from the scenarios' loops. */
  offeredPerSecond: number;
}

/**
 * `--costs [n]`: before the load, every kind of request the scenarios send is sent `n` times in a
 * row by one user on node 0, with both nodes quiet, and priced: node 0's CPU (all its threads) and
 * PostgreSQL's (every postgres process) per request, less what both used idle just before. With
 * the rate each kind is offered at (its scenario's users × its requests per loop ÷ the loop's mean
 * think time), the table says what the users ask of the machine's cores and which kinds ask most.
 * /proc counts in 10 ms ticks, so a kind is measured over all its requests, not one at a time.
 */
async function measureCosts(
  users: VirtualUser[],
  nodes: LoadNode[],
  counts: Record<Scenario, number>,
  n: number,
): Promise<KindCost[]> {
  const node = nodes[0]!;
  const on = (s: Scenario) => users.filter((u) => u.scenario === s && u.node === node);
  const thinkS = thinkMs(0.5) / 1000;
  /** Requests a second that one scenario's users offer of a kind sent `perLoop` times per loop of `thinks` think times. */
  const offered = (s: Scenario, perLoop: number, thinks: number) => (counts[s] * perLoop) / (thinks * thinkS);
  const costs: KindCost[] = [];
  const price = async (kind: string, perSecond: number, count: number, send: (i: number) => Promise<unknown>) => {
    const quiet = await waitUntilQuiet(
      nodes.map((x) => x.pid),
      { belowPct: 5, windowMs: 2000, maxMs: 30_000 },
    );
    // The idle rates of node 0 and PostgreSQL over the last quiet 2 s, taken off the kind's CPU.
    const idleNode = quiet.cpuPct[0]! / 100;
    const idlePg = quiet.cpuPct[quiet.cpuPct.length - 1]! / 100;
    const nodeAt = () => cpuSecondsFromStat(readFileSync(`/proc/${node.pid}/stat`, 'utf8'));
    const n0 = nodeAt();
    const byThread = cpuSplit([node.pid]);
    const p0 = postgresCpuSeconds();
    const t0 = performance.now();
    const walls: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      if ((await send(i)) === null)
        throw new Error(`${kind}: request ${i} failed: ${(users[0]?.run.errors.first ?? []).join('; ')}`);
      walls.push(performance.now() - t);
    }
    const seconds = (performance.now() - t0) / 1000;
    const nodeMs = (1000 * Math.max(0, nodeAt() - n0 - idleNode * seconds)) / count;
    const split = byThread.stop().nodes[0]!;
    const perRequest = (s: number) => round((1000 * s) / count, 2);
    const [first = 0, second = 0, ...rest] = split.others;
    const postgresMs = (1000 * Math.max(0, postgresCpuSeconds() - p0 - idlePg * seconds)) / count;
    costs.push({
      kind,
      requests: count,
      nodeMs: round(nodeMs, 2),
      threads: {
        mainMs: perRequest(split.main),
        busiestTwoMs: perRequest(first + second),
        restMs: perRequest(rest.reduce((a, b) => a + b, 0)),
      },
      postgresMs: round(postgresMs, 2),
      wallP50: round(median(walls), 2),
      offeredPerSecond: round(perSecond, 2),
    });
  };
  const one = <T>(list: T[], what: string): T => {
    const x = list[0];
    if (x === undefined) throw new Error(`--costs: no ${what} on ${node.name}`);
    return x;
  };

  // sign-in: login, the worklist's two requests, logout; 2 think times a loop.
  const signer = one(on('signIn'), 'sign-in user');
  const who = (i: number) => SIGN_IN_USERS[i % SIGN_IN_USERS.length]!;
  await price('POST /auth/login', offered('signIn', 1, 2), n, (i) => signer.login(who(i)).then((ok) => ok || null));
  await price('GET /worklist?view=mine', offered('signIn', 1, 2), n, () =>
    signer.call('GET', '/worklist?view=mine&limit=50'),
  );
  await price(
    'GET /worklist/counts',
    offered('signIn', 1, 2) + offered('business', 1, 3) + offered('billingAudit', 1, 2),
    n,
    () => signer.call('GET', '/worklist/counts'),
  );
  const sessions: BenchClient[] = [];
  for (let i = 0; i < n; i++) {
    if (!(await signer.login(who(i)))) throw new Error(`--costs: ${who(i)} could not sign in`);
    sessions.push(signer.client);
  }
  await price('POST /auth/logout', offered('signIn', 1, 2), n, (i) => {
    signer.client = sessions[i]!;
    return signer.call('POST', '/auth/logout', {}, 204);
  });

  // business: search + counts, claim, task page (5), complete; 3 think times a loop.
  const clerks = on('business');
  const search = (vu: VirtualUser) => `/worklist?view=claimable&q=LD${String(vu.index).padStart(4, '0')}-&limit=50`;
  await price('GET /worklist?view=claimable&q=', offered('business', 1, 3), n, (i) => {
    const vu = clerks[i % clerks.length]!;
    return vu.call('GET', search(vu));
  });
  const claimable: { vu: VirtualUser; id: string; key: string | null }[] = [];
  for (const vu of clerks) {
    if (claimable.length >= n) break;
    const res = await vu.call('GET', search(vu));
    for (const it of (res?.body as { items: { id: string; businessKey: string | null }[] } | undefined)?.items ?? [])
      claimable.push({ vu, id: it.id, key: it.businessKey });
  }
  const tasks = claimable.slice(0, n);
  if (tasks.length < 2) throw new Error('--costs: too few applications to claim');
  await price('POST /tasks/:id/claim', offered('business', 1, 3), tasks.length, (i) =>
    tasks[i]!.vu.call('POST', `/tasks/${tasks[i]!.id}/claim`, {}),
  );
  for (const [r, path] of taskPage(':id').entries())
    await price(`GET ${path} (acceptance)`, offered('business', 1, 3), tasks.length, (i) =>
      tasks[i]!.vu.call('GET', taskPage(tasks[i]!.id)[r]!),
    );
  await price('POST /tasks/:id/complete (A01)', offered('business', 1, 3), tasks.length, (i) =>
    tasks[i]!.vu.call('POST', `/tasks/${tasks[i]!.id}/complete`, {
      variables: acceptance(tasks[i]!.vu, Number(tasks[i]!.key?.split('-')[1] ?? 0)),
    }),
  );
  await price('POST /process-instances (new-connection)', 0, n, (i) => {
    const vu = clerks[i % clerks.length]!;
    return vu.call(
      'POST',
      '/process-instances',
      { definitionKey: 'new-connection', businessKey: `LC${i}-${vu.index}` },
      201,
    );
  });

  // billing audit: bill-audit list + counts, task page (5); 2 think times a loop.
  const auditor = one(on('billingAudit'), 'billing auditor');
  await price('GET /worklist?definitionKey=bill-audit', offered('billingAudit', 1, 2), n, () =>
    auditor.call('GET', '/worklist?view=claimable&definitionKey=bill-audit&limit=50'),
  );
  const audits = (
    (await auditor.call('GET', '/worklist?view=claimable&definitionKey=bill-audit&limit=50'))?.body as {
      items: { id: string }[];
    }
  ).items;
  for (const [r, path] of taskPage(':id').entries())
    await price(`GET ${path} (bill audit)`, offered('billingAudit', 1, 2), n, (i) =>
      auditor.call('GET', taskPage(audits[i % audits.length]!.id)[r]!),
    );

  // statistics: the monitor (6 requests) and one report; 2 think times a loop.
  const manager = one(on('statistics'), 'manager');
  for (const [r, path] of monitorPage('<key>').entries())
    await price(`GET ${path.replace(/&from=[^&]*/, '')}`, offered('statistics', 1, 2), n, (i) =>
      manager.call('GET', monitorPage(MONITORED[i % MONITORED.length]!)[r]!),
    );
  for (const report of REPORTS)
    await price(
      `GET /reports/${report}`,
      offered('statistics', 1 / REPORTS.length, 2),
      Math.max(3, Math.ceil(n / 4)),
      () => manager.call('GET', `/reports/${report}`),
    );
  return costs;
}

/**
 * Where the nodes' PostgreSQL connections spend the run: every 2 s, their sessions by state and
 * wait event type (pg_stat_activity), averaged. Tells a pool waiting on slow statements from
 * one waiting on locks or on the nodes themselves (idle in transaction).
 */
class ConnectionSampler {
  private readonly db: Db;
  private readonly sums = new Map<string, number>();
  private readings = 0;
  private readonly timer: NodeJS.Timeout;
  private busy = false;

  constructor(url: string) {
    this.db = createDatabase({ databaseUrl: url, timeouts: NO_DB_TIMEOUTS, poolMax: 1 });
    this.timer = setInterval(() => void this.read(), 2000);
  }

  private async read(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const rows = await this.db.raw<{ rows: { k: string; n: string }[] }>(
        `SELECT coalesce(state, '?') || coalesce('/' || wait_event_type, '') AS k, count(*) AS n
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1`,
      );
      for (const r of rows.rows) this.sums.set(r.k, (this.sums.get(r.k) ?? 0) + Number(r.n));
      this.readings += 1;
    } catch {
      // A reading missed under load is no figure.
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<Record<string, number>> {
    clearInterval(this.timer);
    await this.db.destroy().catch(() => undefined);
    return Object.fromEntries([...this.sums].map(([k, n]) => [k, round(n / Math.max(1, this.readings), 1)]));
  }
}

/**
 * Autovacuum in its place where the server runs without it (this machine's PostgreSQL has
 * `autovacuum = off`, the CI's setting). Without it the setup's thousands of rows are never
 * analyzed and every update's dead row stays: in a 12-minute run at 520 users the planner read
 * the open tasks through an index that matched them all (`tasks` never analyzed, 9 568 dead rows
 * to 9 731 live). A production server runs autovacuum; so the bench runs `VACUUM (ANALYZE)` of its
 * database after the setup, and every `everyMs` while the users run one of autovacuum's rounds
 * (the tables past its thresholds, at its throttled pace), one at a time, and reports how many
 * and how long. `--no-vacuum` leaves the server as it is.
 */
class StandInAutovacuum {
  private readonly db: Db;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  runs = 0;
  seconds = 0;

  private constructor(url: string) {
    this.db = createDatabase({ databaseUrl: url, timeouts: NO_DB_TIMEOUTS, poolMax: 1 });
  }

  /** One for the database when the server's autovacuum is off and the run wants it; else null. */
  static async where(url: string | null, wanted: boolean): Promise<StandInAutovacuum | null> {
    if (!url || !wanted) return null;
    const vacuum = new StandInAutovacuum(url);
    const setting = await vacuum.db.raw<{ rows: { autovacuum: string }[] }>('SHOW autovacuum');
    if (setting.rows[0]?.autovacuum !== 'off') {
      await vacuum.db.destroy();
      return null;
    }
    return vacuum;
  }

  /** The whole database at once and at full speed: after the setup, before anything is measured. */
  async once(): Promise<void> {
    await this.db.raw('VACUUM (ANALYZE)');
  }

  /**
   * One of autovacuum's rounds: the tables past its thresholds (the server's own settings; dead
   * rows for VACUUM, inserts since the last for VACUUM too, changes since the last ANALYZE for
   * ANALYZE), at its pace. Autovacuum sleeps `autovacuum_vacuum_cost_delay` (2 ms) each time its
   * work reaches the cost limit (200); a VACUUM run by hand does not sleep, and a whole database's
   * at full speed took a core for a second or two in the middle of the measured window, long
   * enough to empty the nodes' connection pools (every request of that second waited).
   */
  private async round(): Promise<void> {
    const started = performance.now();
    const { rows } = await this.db.raw<{ rows: { name: string; vacuum: boolean; analyze: boolean }[] }>(
      `SELECT format('%I.%I', s.schemaname, s.relname) AS name,
              s.n_dead_tup > current_setting('autovacuum_vacuum_threshold')::float8
                             + current_setting('autovacuum_vacuum_scale_factor')::float8 * greatest(c.reltuples, 0)
              OR s.n_ins_since_vacuum > current_setting('autovacuum_vacuum_insert_threshold')::float8
                             + current_setting('autovacuum_vacuum_insert_scale_factor')::float8 * greatest(c.reltuples, 0)
                AS vacuum,
              s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8
                             + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0)
                AS analyze
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid`,
    );
    const due = rows.filter((r) => r.vacuum || r.analyze);
    if (!due.length) return;
    await this.db.raw(
      `SELECT set_config('vacuum_cost_delay', (SELECT CASE WHEN setting = '-1' THEN current_setting('vacuum_cost_delay') ELSE setting || 'ms' END
                                                FROM pg_settings WHERE name = 'autovacuum_vacuum_cost_delay'), false),
              set_config('vacuum_cost_limit', (SELECT CASE WHEN setting = '-1' THEN current_setting('vacuum_cost_limit') ELSE setting END
                                                FROM pg_settings WHERE name = 'autovacuum_vacuum_cost_limit'), false)`,
    );
    for (const table of due) {
      // Names come from the catalogue, quoted by format(%I).
      await this.db.raw(table.vacuum ? `VACUUM (ANALYZE) ${table.name}` : `ANALYZE ${table.name}`);
      this.tables += 1;
    }
    this.runs += 1;
    this.seconds += (performance.now() - started) / 1000;
  }

  /** Tables vacuumed or analyzed by the rounds. */
  tables = 0;

  every(everyMs: number): void {
    this.timer = setInterval(() => {
      this.running ??= this.round()
        .catch(() => undefined)
        .finally(() => {
          this.running = null;
        });
    }, everyMs);
  }

  async stop(): Promise<{ runs: number; tables: number; seconds: number }> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.db.destroy().catch(() => undefined);
    return { runs: this.runs, tables: this.tables, seconds: round(this.seconds, 1) };
  }
}

/** The platform's nodes for the backend, started one after the other (the first migrates and seeds). */
async function withNodes<T>(work: (nodes: LoadNode[], databaseUrl: string | null) => Promise<T>): Promise<T> {
  // TRUST_PROXY: each virtual user's X-Forwarded-For is its address, as behind the production proxy.
  const common = {
    DEMO_DATA: 'true',
    DEMO_CUSTOMERS: String(CUSTOMERS),
    COOKIE_SECURE: 'false',
    TRUST_PROXY: 'true',
    LOG_LEVEL: 'warn',
    JOB_POLL_MS: '1000',
  };
  const nodes: LoadNode[] = [];
  const runOn = async (envs: Record<string, string>[], databaseUrl: string | null = null) => {
    try {
      for (const [i, env] of envs.entries()) {
        const node = await LoadNode.create(
          `node-${i}`,
          { ...common, NODE_ID: `load-${i}`, ...env, ...nodeEnv(i) },
          nodeFlags(i),
        );
        nodes.push(node);
        await node.start(600_000);
      }
      return await work(nodes, databaseUrl);
    } finally {
      for (const n of nodes) await n.stop().catch(() => undefined);
    }
  };
  if (BACKEND === 'pg')
    return withBenchDatabase('pmbench_load', (url) =>
      runOn(
        [0, 1].map(() => ({ DATABASE_URL: url, NODE_ENV: 'production' })),
        url,
      ),
    );
  const dir = mkdtempSync(join(tmpdir(), 'pmbench-load-'));
  try {
    // initdb here, without a deadline: in the node it runs under knex's 60 s wait for a first
    // connection, which a loaded machine overran (the node exited with KnexTimeoutError).
    const { PGlite } = await import('@electric-sql/pglite');
    const embedded = new PGlite(join(dir, 'pglite'));
    await embedded.waitReady;
    await embedded.close();
    return await runOn([{ DATA_DIR: dir, NODE_ENV: 'development', VALIDATE_RESPONSES: 'false' }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench's business users: acceptance clerks of the three counties, created as an administrator would. */
async function createBusinessUsers(admin: BenchClient, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `load.b${String(i).padStart(4, '0')}`);
  await pool(names, 4, async (username, i) => {
    const departmentId = COUNTIES[i % COUNTIES.length]!;
    const user = await ok(
      admin.post('/api/v1/admin/users', {
        username,
        displayName: `压测受理员 ${i}`,
        departmentId,
        password: BENCH_PASSWORD,
      }),
      201,
      `create ${username}`,
    );
    await ok(
      admin.post(`/api/v1/admin/users/${user.id}/roles`, { role: 'acceptance_clerk', departmentId }),
      201,
      `role for ${username}`,
    );
  });
  return names;
}

/** YYYY-MM of the utility's month (Asia/Shanghai) `back` months before the current one. */
function periodBefore(back: number): string {
  const now = new Date(Date.now() + 8 * 3_600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * More held bills to audit than the demo's few: each county's team leader runs monthly billing
 * again for the months before (as after a tariff correction); the run takes over the bills it
 * re-prices, and its audit dispatch starts one bill-audit instance per held bill, as in production.
 * Waits until the auditors' backlog stops growing.
 */
async function moreHeldBills(url: string): Promise<void> {
  for (const [i, prefix] of PREFIXES.entries())
    for (const back of [1, 2, 3]) {
      // Xihu's last month is the demo's own run.
      if (prefix === 'xh' && back === 1) continue;
      const leader = await new BenchClient(url).login(`${prefix}.leader`);
      const period = periodBefore(back);
      const res = await leader.post('/api/v1/process-instances', {
        definitionKey: 'monthly-billing',
        businessKey: `LOAD-${COUNTIES[i]}-${period}`,
        variables: { period, proceedWithoutMissing: true },
      });
      if (res.status !== 201) process.stderr.write(`monthly billing ${prefix} ${period}: ${res.status}\n`);
    }
  let last = -1;
  for (let waited = 0; waited < 240; waited += 15) {
    const total = (await auditorsWithWork(url)).reduce((n, a) => n + a.tasks, 0);
    if (total === last) return;
    last = total;
    await sleep(15_000);
  }
}

/** Auditors whose claimable list holds held-bill tasks. */
async function auditorsWithWork(url: string): Promise<{ username: string; tasks: number }[]> {
  const found: { username: string; tasks: number }[] = [];
  for (const p of PREFIXES) {
    const c = await new BenchClient(url).login(`${p}.auditor`);
    const page = await ok(c.get('/api/v1/worklist?view=claimable&definitionKey=bill-audit&limit=50'), 200, 'audits');
    if (page.items.length) found.push({ username: `${p}.auditor`, tasks: page.total as number });
  }
  return found;
}

export async function run(): Promise<void> {
  await withNodes(async (nodes, databaseUrl) => {
    const setupStarted = performance.now();
    const counts = allocate(USERS, PROPORTIONS);
    const admin = await new BenchClient(nodes[0]!.url).login('admin');
    const businessUsers = await createBusinessUsers(admin, counts.business);
    await moreHeldBills(nodes[0]!.url);
    const auditors = await auditorsWithWork(nodes[0]!.url);
    if (auditors.length === 0) throw new Error('no auditor has held-bill tasks: the demo data changed');

    const run: Run = {
      from: Infinity,
      to: Infinity,
      records: Object.fromEntries(SCENARIOS.map((s) => [s, new ScenarioRecord()])) as Run['records'],
      routes: new Map(),
      errors: new ErrorLog(),
      starts: 0,
      completions: 0,
    };
    const users: VirtualUser[] = [];
    let index = 0;
    for (const scenario of SCENARIOS)
      for (let i = 0; i < counts[scenario]; i++, index++) {
        const node = nodes[index % nodes.length]!;
        const username =
          scenario === 'business'
            ? businessUsers[i]!
            : scenario === 'billingAudit'
              ? auditors[i % auditors.length]!.username
              : scenario === 'statistics'
                ? STATISTICS_USERS[i % STATISTICS_USERS.length]!
                : '';
        const vu = new VirtualUser(scenario, i, node, username, run);
        users.push(vu);
      }

    // Sessions of everyone but the sign-in users, then each business user's applications.
    const signedIn = users.filter((u) => u.scenario !== 'signIn');
    await pool(signedIn, 8, async (vu) => {
      const password = vu.scenario === 'business' ? BENCH_PASSWORD : undefined;
      if (!(await vu.login(vu.username, password)))
        throw new Error(`${vu.username} could not sign in: ${run.errors.first.join('\n')}`);
    });
    // A clerk completes about one application a minute (4 think times of 3–10 s each, and the
    // requests); enough for the run with some to spare, and one who runs out starts more.
    const perUser = Math.min(6, Math.ceil(SECONDS / 40) + 1);
    const started = new Map<VirtualUser, number>();
    const starts = users
      .filter((u) => u.scenario === 'business')
      .flatMap((vu) => Array.from({ length: perUser }, () => vu));
    await pool(starts, 8, async (vu) => {
      const n = (started.get(vu) ?? 0) + 1;
      started.set(vu, n);
      await ok(
        vu.client.post('/api/v1/process-instances', {
          definitionKey: 'new-connection',
          businessKey: businessKey(vu, n),
        }),
        201,
        `start ${businessKey(vu, n)}`,
      );
    });
    const vacuum = await StandInAutovacuum.where(databaseUrl, !process.argv.includes('--no-vacuum'));
    await vacuum?.once();
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const costs = args.has('costs') ? await measureCosts(users, nodes, counts, Number(args.get('costs')) || 30) : null;
    if (costs) {
      const cores = costs.reduce((c, k) => c + (k.offeredPerSecond * (k.nodeMs + k.postgresMs)) / 1000, 0);
      process.stdout.write(
        `\n## costs: one user on ${nodes[0]!.name}, both nodes quiet (CPU ms per request, the node's as main / two busiest other threads / the rest; offered per s at ${USERS} users)\n`,
      );
      for (const k of costs)
        process.stdout.write(
          `  ${k.kind.padEnd(58)} node ${k.nodeMs.toFixed(2).padStart(7)} (${[k.threads.mainMs, k.threads.busiestTwoMs, k.threads.restMs].map((x) => x.toFixed(1)).join(' / ')})  pg ${k.postgresMs.toFixed(2).padStart(7)}  wall p50 ${k.wallP50.toFixed(2).padStart(7)}  ×${k.offeredPerSecond.toFixed(1).padStart(6)}/s = ${((k.offeredPerSecond * (k.nodeMs + k.postgresMs)) / 10).toFixed(1).padStart(5)} % of a core\n`,
        );
      process.stdout.write(`  offered load in all: ${round(cores, 2)} cores of CPU (nodes and PostgreSQL)\n`);
    }

    const sampler = new ResourceSampler(nodes.map((n) => ({ name: n.name, pid: n.pid })));
    sampler.start();
    const connections = databaseUrl ? new ConnectionSampler(databaseUrl) : null;
    vacuum?.every(VACUUM_EVERY_MS);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const nodeAdmins = await Promise.all(nodes.map((n) => new BenchClient(n.url).login('admin')));
    // Set by the warm-up's timer (a property, which the compiler does not narrow to its first value).
    const readings: { start?: ReturnType<typeof readNodes> } = {};
    const t0 = performance.now();
    run.from = t0 + WARMUP_MS;
    run.to = run.from + SECONDS * 1000;
    let driverCpuAtStart = process.cpuUsage();
    setTimeout(() => {
      driverCpuAtStart = process.cpuUsage();
      loop.enable();
      readings.start = readNodes(nodeAdmins);
    }, WARMUP_MS);
    const scenarioOf: Record<Scenario, (vu: VirtualUser) => Promise<void>> = {
      signIn,
      business: business(started),
      billingAudit,
      statistics,
    };
    await Promise.all(
      users.map(async (vu) => {
        await sleep(Math.random() * RAMP_MS);
        await scenarioOf[vu.scenario](vu);
      }),
    );
    const ended = performance.now();
    loop.disable();
    const atEnd = await readNodes(nodeAdmins);
    const nodeTimes = readings.start ? serverPercentiles((await readings.start).times, atEnd.times) : {};
    sampler.stop();
    const connectionStates = (await connections?.stop()) ?? null;
    const vacuumed = (await vacuum?.stop()) ?? null;
    const driverCpu = process.cpuUsage(driverCpuAtStart);
    const measured = (Math.min(ended, run.to) - run.from) / 1000;

    const scenarios = Object.fromEntries(SCENARIOS.map((s) => [s, run.records[s].figures(measured)])) as Record<
      Scenario,
      ReturnType<ScenarioRecord['figures']>
    >;
    const requests = SCENARIOS.reduce((n, s) => n + run.records[s].requests, 0);
    const errors = SCENARIOS.reduce((n, s) => n + run.records[s].errors, 0);
    const nodeFigures = nodes.map((n) => {
      const w = sampler.window(n.name, run.from, run.to);
      const whole = sampler.window(n.name, t0, run.to);
      return {
        node: n.name,
        cpu: w ? round(w.cpuPct, 1) : null,
        rssMb: w ? round(w.rssPeakMb, 1) : null,
        rssStartMb: w ? round(w.rssStartMb, 1) : null,
        rssEndMb: w ? round(w.rssEndMb, 1) : null,
        rssGrowthPct: w ? growthPct(w.rssStartMb, w.rssEndMb) : null,
        rssLoadStartMb: whole ? round(whole.rssStartMb, 1) : null,
        rssGrowthFromLoadStartPct: whole ? growthPct(whole.rssStartMb, whole.rssEndMb) : null,
      };
    });
    const loadAverage = loadavg().map((x) => round(x, 2));
    // The routes by their p99, slowest first: where the scenarios' tails come from.
    const routes = [...run.routes].map(([route, ms]) => ({ route, ...summary(ms) })).sort((a, b) => b.p99 - a.p99);
    const rows: Record<string, unknown> = {
      'backend, nodes, demo customers': `${BACKEND}, ${nodes.length}, ${CUSTOMERS}`,
      'virtual users by scenario': counts,
      'mix (seed gives none; ours)': PROPORTIONS,
      'think time s': '3–10 uniform, between actions',
      'setup s (users, sessions, applications)': round(setupSeconds, 1),
      'business users, applications each': [counts.business, perUser],
      'auditors with held-bill tasks': auditors,
      [`measured s (after ${WARMUP_MS / 1000} s warm-up)`]: round(measured, 1),
    };
    for (const s of SCENARIOS) rows[`${SCENARIO_NAMES[s]} ms`] = scenarios[s];
    Object.assign(rows, {
      requests,
      errors,
      'error rate %': requests ? round((100 * errors) / requests, 3) : 0,
      'requests/s': round(requests / measured, 1),
      'A01 completed, applications started during the run': [run.completions, run.starts],
      nodes: nodeFigures,
      "nodes' event-loop delay ms p50/p99/max": atEnd.eventLoopDelays,
      'driver CPU % of one core': round((100 * (driverCpu.user + driverCpu.system)) / 1e6 / measured, 1),
      'driver event-loop delay ms p50/p99/max': [
        round(loop.percentile(50) / 1e6),
        round(loop.percentile(99) / 1e6),
        round(loop.max / 1e6),
      ],
      'load average': loadAverage,
      'slowest routes by p99 (count, p50 / p95 / p99 ms)': routes.slice(0, 12).map((r) => {
        const node = nodeTimes[r.route];
        const inNode = node ? `; in the nodes ≤ ${node.p50} / ${node.p95} / ${node.p99}` : '';
        return `${r.route} (${r.count}) ${r.p50} / ${r.p95} / ${r.p99}${inNode}`;
      }),
    });
    if (connectionStates) rows['PostgreSQL connections of the nodes, mean by state/wait'] = connectionStates;
    if (vacuumed)
      rows[`autovacuum's rounds in its place (server has it off): rounds / tables / s`] = [
        vacuumed.runs,
        vacuumed.tables,
        vacuumed.seconds,
      ];
    if (run.errors.counts.size) {
      rows['errors by request'] = Object.fromEntries(run.errors.counts);
      rows['first error bodies'] = run.errors.first;
    }
    report(`load: ${USERS} users, ${SOAK ? 'soak ' : ''}${round(measured, 0)} s on ${BACKEND}`, rows);
    if (JSON_OUTPUT) {
      process.stdout.write(
        `${JSON.stringify({
          users: USERS,
          backend: BACKEND,
          soak: SOAK,
          warmupSeconds: WARMUP_MS / 1000,
          seconds: round(measured, 1),
          requests,
          errors,
          requestsPerSecond: round(requests / measured, 1),
          scenarios,
          nodes: nodeFigures,
          loadAverage,
          routes,
          nodeRoutes: nodeTimes,
          standInVacuum: vacuumed,
          ...(costs ? { costs } : {}),
        })}\n`,
      );
    }
  });
}
