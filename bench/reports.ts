/**
 * bench/reports — the report centre over N customers (default 1 000 000) on PostgreSQL: every
 * report of the catalogue run over HTTP as the headquarters supervisor (every department) and a
 * county manager (one county), p50/p95 each (aim: p95 under 2 s); then the arrears detail of
 * every customer in arrears exported as .xlsx (100 000+ rows) while the server's resident set
 * size is sampled (aim: peak under 200 MB).
 *
 *   npm run bench -- reports [--customers 1000000] [--samples 10] [--unpaid 12] [--json]
 *
 * The data is set-based (generate_series): customers of every category over the counties, three
 * months of energy bills (May–July 2025; `--unpaid` % (12) leave July's unpaid, 3 % paid half of June's after
 * its due date), process instances of new connections and meter tests in July, open tasks, and
 * the screening's daily statistics of July. The server runs in this process: its RSS is
 * `process.memoryUsage().rss` sampled every 50 ms during the export (the client only counts the
 * bytes it reads). BENCH_KEEP_DATABASE=1 keeps the database.
 */
import type { Db } from '../server/db/index.js';
import { ApiClient } from '../test/support/client.js';
import { benchArgs, withBenchPlatform } from './support.js';
import { report, round, summary } from './stats.js';

const args = benchArgs();
const CUSTOMERS = Number(args.get('customers') ?? 1_000_000);
const SAMPLES = Number(args.get('samples') ?? 10);
/** Percent of the customers who leave July's bill unpaid (in arrears on 31 August with June's halves). */
const UNPAID = Number(args.get('unpaid') ?? 12);
const JSON_OUTPUT = process.argv.includes('--json');
const PERIOD = 'from=2025-07-01&to=2025-07-31';
const AS_OF = 'to=2025-08-31';

async function fill(db: Db): Promise<void> {
  const counties = (await db('departments').where({ level: 'county' }).orderBy('id').pluck('id')) as string[];
  await db.raw(
    `INSERT INTO customers (id, account_no, name, department_id, elec_type_code, tariff_code, status)
     SELECT md5('rc' || g)::uuid, 'R' || lpad(g::text, 9, '0'), '报表客户' || g, (?::text[])[1 + g % ?],
            CASE WHEN g % 100 = 0 THEN '000' WHEN g % 100 < 3 THEN '100' WHEN g % 100 < 30 THEN '201'
                 WHEN g % 100 < 85 THEN '202' WHEN g % 100 < 90 THEN '300' ELSE '400' END,
            'ZJ-RES', 'active'
       FROM generate_series(1, ?) g`,
    [counties, counties.length, CUSTOMERS],
  );
  // May and June settled (3 % of June's half paid, late), July unpaid for UNPAID %.
  await db.raw(
    `INSERT INTO bills (id, customer_id, period, total, due_date, status, paid_amount, issued_by, consumption_kwh)
     SELECT md5('rb' || g || ':' || m)::uuid, md5('rc' || g)::uuid, '2025-0' || m,
            (40 + (g * 7 + m) % 900)::numeric + ((g % 100)::numeric / 100),
            make_date(2025, m + 1, 15),
            CASE WHEN m = 7 AND g % 100 < ? THEN 'issued' WHEN m = 6 AND g % 100 >= 97 THEN 'partly_paid' ELSE 'settled' END,
            CASE WHEN m = 7 AND g % 100 < ? THEN 0
                 WHEN m = 6 AND g % 100 >= 97 THEN round((40 + (g * 7 + m) % 900)::numeric / 2, 2)
                 ELSE (40 + (g * 7 + m) % 900)::numeric + ((g % 100)::numeric / 100) END,
            'bench', 100 + (g * 7 + m) % 900
       FROM generate_series(1, ?) g CROSS JOIN generate_series(5, 7) m`,
    [UNPAID, UNPAID, CUSTOMERS],
  );
  await db.raw(
    `INSERT INTO payments (id, customer_id, kind, channel, amount, paid_at, idempotency_key, created_by)
     SELECT md5(b.id::text || ':pay')::uuid, b.customer_id, 'payment', 'counter', b.paid_amount,
            timestamptz '2025-07-20 10:00:00+08', 'rbench:' || b.id, 'bench'
       FROM bills b WHERE b.status = 'partly_paid'`,
  );
  await db.raw(
    `INSERT INTO payment_allocations (payment_id, bill_id, amount)
     SELECT id, substr(idempotency_key, 8)::uuid, amount FROM payments WHERE idempotency_key LIKE 'rbench:%'`,
  );
  const definitions = (await db('process_definitions')
    .whereIn('key', ['new-connection', 'meter-verification'])
    .orderBy('version', 'desc')
    .select('id', 'key', 'version')) as { id: string; key: string; version: number }[];
  const nc = definitions.find((d) => d.key === 'new-connection')!;
  const mv = definitions.find((d) => d.key === 'meter-verification')!;
  const instances = Math.max(1000, Math.round(CUSTOMERS / 5));
  await db.raw(
    `INSERT INTO process_instances (id, definition_id, definition_key, definition_version, department_id, status,
                                    variables, started_by, started_at, ended_at, due_at)
     SELECT md5('ri' || g)::uuid,
            CASE WHEN g % 4 = 0 THEN ?::uuid ELSE ?::uuid END,
            CASE WHEN g % 4 = 0 THEN 'meter-verification' ELSE 'new-connection' END,
            CASE WHEN g % 4 = 0 THEN ?::integer ELSE ?::integer END,
            (?::text[])[1 + g % ?],
            CASE WHEN g % 10 < 3 THEN 'running' WHEN g % 10 = 3 THEN 'cancelled' ELSE 'completed' END,
            CASE WHEN g % 4 = 0 THEN jsonb_build_object('origin', CASE WHEN g % 3 = 0 THEN 'periodic' ELSE 'customer' END,
                                                       'testResult', CASE WHEN g % 7 = 0 THEN 'fail' ELSE 'pass' END)
                 ELSE jsonb_build_object('acceptClass', '0' || (1 + g % 3)) END,
            'bench', s.started,
            CASE WHEN g % 10 < 3 THEN NULL ELSE s.started + interval '5 days' END,
            s.started + interval '10 days'
       FROM generate_series(1, ?) g
       CROSS JOIN LATERAL (SELECT timestamptz '2025-07-01 00:00:00+08' + ((g % 2678400) || ' seconds')::interval AS started) s`,
    [mv.id, nc.id, mv.version, nc.version, counties, counties.length, instances],
  );
  await db.raw(
    `INSERT INTO tasks (id, instance_id, definition_id, definition_key, element_id, execution_id, name, assignee, status, department_id, created_at, due_at)
     SELECT md5('rt' || i.id)::uuid, i.id, i.definition_id, i.definition_key,
            CASE WHEN (hashtext(i.id::text) & 1) = 0 THEN 'A01' ELSE 'A02' END, 'x' || i.id, 'Step',
            CASE WHEN (hashtext(i.id::text) & 2) = 0 THEN 'xh.clerk' END, 'open', i.department_id, i.started_at, i.due_at
       FROM process_instances i WHERE i.status = 'running' AND i.started_by = 'bench'`,
  );
  await db.raw(
    `INSERT INTO risk_daily_stats (stat_date, province_id, industry, level, high_risk, open_warnings, overdue_warnings, arrears_total)
     SELECT d::date, p, i, l, 10, 5, 1, 100000.00
       FROM generate_series(date '2025-07-01', date '2025-07-31', interval '1 day') d,
            unnest(ARRAY['ZJ', 'JS']) p,
            unnest(ARRAY['101', '102', '103', '104', '105', '-']) i,
            unnest(ARRAY['A', 'B', 'C']) l
     ON CONFLICT DO NOTHING`,
  );
  for (const table of ['customers', 'bills', 'payments', 'payment_allocations', 'process_instances', 'tasks'])
    await db.raw(`VACUUM ANALYZE ${table}`);
}

/** Reads a download to its end, counting bytes, as a browser saving it would. */
async function drain(url: string, cookie: string): Promise<{ status: number; bytes: number }> {
  const res = await fetch(url, { headers: { cookie } });
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return { status: res.status, bytes };
}

export async function run(): Promise<void> {
  await withBenchPlatform('pmbench_reports', async (db, platform) => {
    const t0 = performance.now();
    await fill(db);
    const results: Record<string, unknown> = {
      'customers, bills': [
        Number((await db('customers').count('* as n'))[0]?.n),
        Number((await db('bills').count('* as n'))[0]?.n),
      ],
      'fill s': Math.round((performance.now() - t0) / 1000),
    };
    process.stderr.write(`filled in ${String(results['fill s'])} s\n`);
    const catalogue = (await (await new ApiClient(platform.url).login('hq.supervisor')).get('/api/v1/reports')).body
      .items as { id: string; parameters: { id: string }[] }[];
    const perReport: Record<string, Record<string, { p50: number; p95: number; rows: number }>> = {};
    let worst = 0;
    for (const user of ['hq.supervisor', 'xh.manager']) {
      const client = await new ApiClient(platform.url).login(user);
      perReport[user] = {};
      for (const r of catalogue) {
        const ids = r.parameters.map((p) => p.id);
        const query = ids.includes('from') ? PERIOD : ids.includes('to') ? AS_OF : '';
        const path = `/api/v1/reports/${r.id}${query ? `?${query}` : ''}`;
        const first = await client.get(path);
        if (first.status !== 200) throw new Error(`${user} ${path}: ${first.status} ${JSON.stringify(first.body)}`);
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

    // The export: every customer in arrears on 31 August (July's unpaid bills and June's halves).
    const login = await fetch(`${platform.url}/api/v1/auth/login`, {
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
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const t1 = performance.now();
    const file = await drain(`${platform.url}/api/v1/reports/arrears-detail?${AS_OF}&format=xlsx`, cookie);
    const exportSeconds = (performance.now() - t1) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (file.status !== 200) throw new Error(`export: ${file.status}`);
    const mb = (n: number) => round(n / 1024 / 1024, 1);
    results['export rows, MB, s'] = [exportRows, mb(file.bytes), round(exportSeconds, 1)];
    results['process RSS before / peak during the export MB'] = [mb(baseline), mb(peak)];
    report(`reports: the report centre over ${CUSTOMERS.toLocaleString('en')} customers`, results);
    if (JSON_OUTPUT)
      process.stdout.write(
        `${JSON.stringify({
          bench: 'reports',
          customers: CUSTOMERS,
          fillS: results['fill s'],
          worstP95Ms: round(worst, 1),
          reports: perReport,
          export: { rows: exportRows, bytes: file.bytes, seconds: round(exportSeconds, 1) },
          rssMb: { before: mb(baseline), peak: mb(peak) },
        })}\n`,
      );
  });
}
