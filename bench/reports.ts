/**
 * bench/reports — the report centre over N customers (default 1 000 000) on PostgreSQL: every
 * report of the catalogue run over HTTP as the headquarters supervisor (every department) and a
 * county manager (one county), p50/p95 each (aim: p95 under 2 s); then the arrears detail of
 * every customer in arrears exported as .xlsx and as .csv (100 000+ rows) while the resident set
 * sizes of the server and of the export process producing the file are sampled (aim: peak under
 * 200 MB).
 *
 *   npm run bench -- reports [--customers 1000000] [--samples 10] [--unpaid 12] [--json]
 *                            [--keep] [--reuse <database>] [--fill-only]
 *
 * The data is set-based (generate_series): customers of every category over the counties, three
 * months of energy bills (May–July 2025; `--unpaid` % (12) leave July's unpaid, 3 % paid half of
 * June's after its due date), process instances of new connections and meter tests in July, open
 * tasks, and the screening's daily statistics of July. The fill runs in one session with
 * `synchronous_commit` off and foreign-key triggers off (`session_replication_role = replica`,
 * so the bill sums are rebuilt after it), the tables' secondary indexes dropped before it and
 * built again after it.
 *
 * The server runs as production runs it: `server/main.ts` in a process of its own (NODE_ENV
 * production), its RSS and that of its export process (`server/reports/export-child.ts`) read from
 * /proc/<pid>/status every 50 ms during each export; the bench process is only the client,
 * counting the bytes it reads. `--keep` (or BENCH_KEEP_DATABASE=1)
 * keeps the database; `--reuse <database>` runs against a database a `--keep` run left, without
 * filling it again (the server's start applies any migration added since); `--fill-only` fills,
 * keeps the database and stops.
 */
import { readFileSync } from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { ApiClient } from '../test/support/client.js';
import { benchArgs } from './support.js';
import { LoadNode } from './load-nodes.js';
import { rssMbFromStatus } from './load-plan.js';
import { report, round, summary } from './stats.js';

const args = benchArgs();
const CUSTOMERS = Number(args.get('customers') ?? 1_000_000);
const SAMPLES = Number(args.get('samples') ?? 10);
/** Percent of the customers who leave July's bill unpaid (in arrears on 31 August with June's halves). */
const UNPAID = Number(args.get('unpaid') ?? 12);
const JSON_OUTPUT = process.argv.includes('--json');
const KEEP = process.argv.includes('--keep') || !!process.env.BENCH_KEEP_DATABASE;
const REUSE = args.get('reuse') || undefined;
/** Fill a database, keep it and stop (for EXPLAIN, or a later `--reuse`). */
const FILL_ONLY = process.argv.includes('--fill-only');
const PERIOD = 'from=2025-07-01&to=2025-07-31';
const AS_OF = 'to=2025-08-31';
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The tables the fill writes: their secondary indexes are built once after it, not row by row. */
const FILLED = ['customers', 'bills', 'payments', 'payment_allocations', 'process_instances', 'tasks'];

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops the indexes of `tables` that no constraint owns (primary keys, unique constraints and
 * the indexes foreign keys lean on stay) and answers their definitions, to be run again.
 */
async function dropSecondaryIndexes(client: pg.Client, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string; def: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
      WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [tables],
  );
  for (const r of rows) await client.query(`DROP INDEX ${r.name}`);
  return rows.map((r) => r.def);
}

async function fill(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // A bench fill, not the platform's writes: no wait for the WAL flush, no per-row foreign-key
    // checks (every reference is made by the same statements), large sorts for the index builds.
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET session_replication_role = replica`);
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query(`SET work_mem = '64MB'`);
    const counties = (
      await client.query<{ id: string }>(`SELECT id FROM departments WHERE level = 'county' ORDER BY id`)
    ).rows.map((r) => r.id);
    const indexes = await dropSecondaryIndexes(client, FILLED);
    const step = async (name: string, sql: string, values: unknown[] = []) => {
      const t = performance.now();
      const result = await client.query(sql, values);
      process.stderr.write(`  ${name}: ${result.rowCount ?? 0} rows, ${round((performance.now() - t) / 1000, 1)} s\n`);
    };
    await step(
      'customers',
      `INSERT INTO customers (id, account_no, name, department_id, elec_type_code, tariff_code, status)
       SELECT md5('rc' || g)::uuid, 'R' || lpad(g::text, 9, '0'), '报表客户' || g, ($1::text[])[1 + g % $2],
              CASE WHEN g % 100 = 0 THEN '000' WHEN g % 100 < 3 THEN '100' WHEN g % 100 < 30 THEN '201'
                   WHEN g % 100 < 85 THEN '202' WHEN g % 100 < 90 THEN '300' ELSE '400' END,
              'ZJ-RES', 'active'
         FROM generate_series(1, $3) g`,
      [counties, counties.length, CUSTOMERS],
    );
    // May and June settled (3 % of June's half paid, late), July unpaid for UNPAID %. The bill's
    // copy of its customer's department and category is written here (the trigger is off).
    await step(
      'bills',
      `INSERT INTO bills (id, customer_id, period, total, due_date, status, paid_amount, issued_by, consumption_kwh,
                          customer_department_id, customer_elec_type_code)
       SELECT md5('rb' || g || ':' || m)::uuid, md5('rc' || g)::uuid, '2025-0' || m,
              (40 + (g * 7 + m) % 900)::numeric + ((g % 100)::numeric / 100),
              make_date(2025, m + 1, 15),
              CASE WHEN m = 7 AND g % 100 < $1 THEN 'issued' WHEN m = 6 AND g % 100 >= 97 THEN 'partly_paid' ELSE 'settled' END,
              CASE WHEN m = 7 AND g % 100 < $1 THEN 0
                   WHEN m = 6 AND g % 100 >= 97 THEN round((40 + (g * 7 + m) % 900)::numeric / 2, 2)
                   ELSE (40 + (g * 7 + m) % 900)::numeric + ((g % 100)::numeric / 100) END,
              'bench', 100 + (g * 7 + m) % 900,
              ($3::text[])[1 + g % $4],
              CASE WHEN g % 100 = 0 THEN '000' WHEN g % 100 < 3 THEN '100' WHEN g % 100 < 30 THEN '201'
                   WHEN g % 100 < 85 THEN '202' WHEN g % 100 < 90 THEN '300' ELSE '400' END
         FROM generate_series(1, $2) g CROSS JOIN generate_series(5, 7) m`,
      [UNPAID, CUSTOMERS, counties, counties.length],
    );
    await step(
      'payments',
      `INSERT INTO payments (id, customer_id, kind, channel, amount, paid_at, idempotency_key, created_by)
       SELECT md5(b.id::text || ':pay')::uuid, b.customer_id, 'payment', 'counter', b.paid_amount,
              timestamptz '2025-07-20 10:00:00+08', 'rbench:' || b.id, 'bench'
         FROM bills b WHERE b.status = 'partly_paid'`,
    );
    await step(
      'payment allocations',
      `INSERT INTO payment_allocations (payment_id, bill_id, amount)
       SELECT id, substr(idempotency_key, 8)::uuid, amount FROM payments WHERE idempotency_key LIKE 'rbench:%'`,
    );
    const definitions = (
      await client.query<{ id: string; key: string; version: number }>(
        `SELECT id, key, version FROM process_definitions WHERE key IN ('new-connection', 'meter-verification')
          ORDER BY version DESC`,
      )
    ).rows;
    const nc = definitions.find((d) => d.key === 'new-connection')!;
    const mv = definitions.find((d) => d.key === 'meter-verification')!;
    const instances = Math.max(1000, Math.round(CUSTOMERS / 5));
    await step(
      'process instances',
      `INSERT INTO process_instances (id, definition_id, definition_key, definition_version, department_id, status,
                                      variables, started_by, started_at, ended_at, due_at)
       SELECT md5('ri' || g)::uuid,
              CASE WHEN g % 4 = 0 THEN $1::uuid ELSE $2::uuid END,
              CASE WHEN g % 4 = 0 THEN 'meter-verification' ELSE 'new-connection' END,
              CASE WHEN g % 4 = 0 THEN $3::integer ELSE $4::integer END,
              ($5::text[])[1 + g % $6],
              CASE WHEN g % 10 < 3 THEN 'running' WHEN g % 10 = 3 THEN 'cancelled' ELSE 'completed' END,
              CASE WHEN g % 4 = 0 THEN jsonb_build_object('origin', CASE WHEN g % 3 = 0 THEN 'periodic' ELSE 'customer' END,
                                                         'testResult', CASE WHEN g % 7 = 0 THEN 'fail' ELSE 'pass' END)
                   ELSE jsonb_build_object('acceptClass', '0' || (1 + g % 3)) END,
              'bench', s.started,
              CASE WHEN g % 10 < 3 THEN NULL ELSE s.started + interval '5 days' END,
              s.started + interval '10 days'
         FROM generate_series(1, $7) g
         CROSS JOIN LATERAL (SELECT timestamptz '2025-07-01 00:00:00+08' + ((g % 2678400) || ' seconds')::interval AS started) s`,
      [mv.id, nc.id, mv.version, nc.version, counties, counties.length, instances],
    );
    await step(
      'tasks',
      `INSERT INTO tasks (id, instance_id, definition_id, definition_key, element_id, execution_id, name, assignee, status, department_id, created_at, due_at)
       SELECT md5('rt' || i.id)::uuid, i.id, i.definition_id, i.definition_key,
              CASE WHEN (hashtext(i.id::text) & 1) = 0 THEN 'A01' ELSE 'A02' END, 'x' || i.id, 'Step',
              CASE WHEN (hashtext(i.id::text) & 2) = 0 THEN 'xh.clerk' END, 'open', i.department_id, i.started_at, i.due_at
         FROM process_instances i WHERE i.status = 'running' AND i.started_by = 'bench'`,
    );
    await step(
      'risk statistics',
      `INSERT INTO risk_daily_stats (stat_date, province_id, industry, level, high_risk, open_warnings, overdue_warnings, arrears_total)
       SELECT d::date, p, i, l, 10, 5, 1, 100000.00
         FROM generate_series(date '2025-07-01', date '2025-07-31', interval '1 day') d,
              unnest(ARRAY['ZJ', 'JS']) p,
              unnest(ARRAY['101', '102', '103', '104', '105', '-']) i,
              unnest(ARRAY['A', 'B', 'C']) l
       ON CONFLICT DO NOTHING`,
    );
    const t = performance.now();
    for (const def of indexes) await client.query(def);
    process.stderr.write(`  ${indexes.length} indexes: ${round((performance.now() - t) / 1000, 1)} s\n`);
    // The triggers that keep the bill sums were off with the foreign keys: sum what was written.
    await step('bill sums', 'SELECT bill_sums_rebuild()');
    for (const table of [...FILLED, 'bill_sums']) await client.query(`VACUUM ANALYZE ${table}`);
  } finally {
    await client.end();
  }
}

/**
 * The platform as production runs it, in a process of its own on `url` (the first start migrates
 * and seeds the demo organisation); no demo customers, the bench fills its own.
 */
async function startServer(url: string): Promise<LoadNode> {
  const node = await LoadNode.create('reports', {
    NODE_ENV: 'production',
    DATABASE_URL: url,
    DEMO_DATA: 'true',
    DEMO_CUSTOMERS: '0',
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'warn',
    JOB_POLL_MS: '1000',
    NODE_ID: 'bench-reports',
  });
  try {
    await node.start(600_000);
  } catch (err) {
    await node.stop().catch(() => undefined);
    throw err;
  }
  return node;
}

/**
 * The nightly screening and the arrears scan over a million customers would start with the
 * server (their hour has passed) and run through the measurement: mark today's as done.
 */
async function skipTodaysScans(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO daily_job_runs (name, run_date, status, node_id, started_at, finished_at)
       SELECT n, (now() AT TIME ZONE 'Asia/Shanghai')::date, 'completed', 'bench-reports', now(), now()
         FROM unnest(ARRAY['risk-screening', 'arrears-scan']) n
       ON CONFLICT DO NOTHING`,
    );
  } finally {
    await client.end();
  }
}

/** Reads a download to its end, counting bytes, as a browser saving it would. */
async function drain(url: string, cookie: string): Promise<{ status: number; bytes: number }> {
  const res = await fetch(url, { headers: { cookie } });
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return { status: res.status, bytes };
}

const rssOf = (pid: number) => rssMbFromStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));

/** The server's export processes (`server/reports/export-child.ts`) running now. */
function exportProcessesOf(pid: number): number[] {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('export-child');
    } catch {
      return false;
    }
  });
}

/** An RSS read that a process ending between listing and reading makes 0, not a failure. */
function rssOrZero(pid: number): number {
  try {
    return rssOf(pid);
  } catch {
    return 0;
  }
}

/**
 * One export while the server's RSS and that of the process producing the file (an export
 * process of the server's, when it runs one) are read every 50 ms: before, peaks, bytes, seconds.
 */
async function exportWhileSampling(server: LoadNode, path: string, cookie: string) {
  const before = rssOf(server.pid);
  let peak = before;
  let exporter = 0;
  const read = () => {
    peak = Math.max(peak, rssOf(server.pid));
    for (const child of exportProcessesOf(server.pid)) exporter = Math.max(exporter, rssOrZero(child));
  };
  const sampler = setInterval(read, 50);
  const t = performance.now();
  try {
    const file = await drain(`${server.url}${path}`, cookie);
    if (file.status !== 200) throw new Error(`${path}: ${file.status}`);
    read();
    return {
      before: round(before, 1),
      peak: round(peak, 1),
      exportProcessPeak: round(exporter, 1),
      mb: round(file.bytes / 1024 / 1024, 1),
      seconds: round((performance.now() - t) / 1000, 1),
    };
  } finally {
    clearInterval(sampler);
  }
}

async function measure(server: LoadNode, db: Knex, results: Record<string, unknown>) {
  const catalogue = (await (await new ApiClient(server.url).login('hq.supervisor')).get('/api/v1/reports')).body
    .items as { id: string; parameters: { id: string }[] }[];
  const perReport: Record<string, Record<string, { p50: number; p95: number; rows: number }>> = {};
  let worst = 0;
  for (const user of ['hq.supervisor', 'xh.manager']) {
    const client = await new ApiClient(server.url).login(user);
    perReport[user] = {};
    for (const r of catalogue) {
      const ids = r.parameters.map((p) => p.id);
      const query = ids.includes('from') ? PERIOD : ids.includes('to') ? AS_OF : '';
      const path = `/api/v1/reports/${r.id}${query ? `?${query}` : ''}`;
      const first = await client.get(path);
      if (first.status !== 200) {
        // Recorded, and the run goes on: the other reports and the exports still have figures.
        results[`${user}: ${r.id}`] = `failed: ${first.status} ${String(first.body?.code ?? '')}`;
        process.stderr.write(`${user} ${r.id}: ${first.status} ${JSON.stringify(first.body)}\n`);
        continue;
      }
      const samples: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const s = performance.now();
        const res = await client.get(path);
        samples.push(performance.now() - s);
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      }
      const { p50, p95 } = summary(samples);
      worst = Math.max(worst, p95);
      perReport[user][r.id] = { p50, p95, rows: (first.body.rows as unknown[]).length };
      results[`${user}: ${r.id} ms (p50, p95)`] = [p50, p95];
      process.stderr.write(`${user} ${r.id}: p50 ${p50} ms, p95 ${p95} ms\n`);
    }
  }
  results['worst report p95 ms'] = round(worst, 1);

  // The exports: every customer in arrears on 31 August (July's unpaid bills and June's halves).
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'hq.supervisor', password: 'demo1234' }),
  });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const exportRows = Number(
    (
      await db.raw<{ rows: { n: number }[] }>(
        `SELECT count(DISTINCT b.customer_id) AS n FROM bills b JOIN customers c ON c.id = b.customer_id
          WHERE b.status IN ('issued', 'partly_paid') AND c.elec_type_code <> '000'`,
      )
    ).rows[0]?.n,
  );
  const exports: Record<string, Awaited<ReturnType<typeof exportWhileSampling>>> = {};
  for (const format of ['xlsx', 'csv'] as const) {
    const e = await exportWhileSampling(server, `/api/v1/reports/arrears-detail?${AS_OF}&format=${format}`, cookie);
    exports[format] = e;
    results[`${format} export rows, MB, s`] = [exportRows, e.mb, e.seconds];
    results[`server RSS before / peak during the ${format} export MB`] = [e.before, e.peak];
    results[`export process peak RSS during the ${format} export MB`] = e.exportProcessPeak;
    process.stderr.write(`${format} export: ${JSON.stringify(e)}\n`);
  }
  return { perReport, worst, exportRows, exports };
}

export async function run(): Promise<void> {
  const name = REUSE ?? `pmbench_reports_${Date.now()}`;
  const url = databaseUrl(name);
  const admin = knexFactory({ client: 'pg', connection: ADMIN_URL, pool: { min: 0, max: 1 } });
  const results: Record<string, unknown> = {};
  try {
    if (!REUSE) {
      await admin.raw(`CREATE DATABASE ${name}`);
      await (await startServer(url)).stop();
      const t0 = performance.now();
      await fill(url);
      results['fill s'] = Math.round((performance.now() - t0) / 1000);
      process.stderr.write(`filled ${name} in ${String(results['fill s'])} s\n`);
      if (FILL_ONLY) return;
    }
    await skipTodaysScans(url);
    const server = await startServer(url);
    const db = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    try {
      const counts = [
        Number((await db('customers').count('* as n'))[0]?.n),
        Number((await db('bills').count('* as n'))[0]?.n),
      ];
      results['customers, bills'] = counts;
      const m = await measure(server, db, results);
      report(`reports: the report centre over ${counts[0]?.toLocaleString('en')} customers`, results);
      if (JSON_OUTPUT)
        process.stdout.write(
          `${JSON.stringify({
            bench: 'reports',
            customers: counts[0],
            fillS: results['fill s'] ?? null,
            worstP95Ms: round(m.worst, 1),
            reports: m.perReport,
            exportRows: m.exportRows,
            exports: m.exports,
          })}\n`,
        );
    } finally {
      await db.destroy();
      await server.stop();
    }
  } finally {
    if (KEEP || REUSE || FILL_ONLY) process.stdout.write(`kept database ${name}\n`);
    else await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  }
}
