/**
 * bench/monitoring — issue 8 §7: the monitoring queries over 1 000 000 activity-history rows
 * (100 000 instances of three processes over 90 days, four user tasks each), through the HTTP
 * API, as the headquarters supervisor (everything) and as a county manager (one county).
 *
 *   npm run bench -- monitoring [--rows 1000000] [--samples 30]
 */
import { readFileSync } from 'node:fs';
import type { Db } from '../server/db/index.js';
import { ApiClient } from '../test/support/client.js';
import { benchArgs, withBenchPlatform } from './support.js';
import { report, summary } from './stats.js';

const args = benchArgs();
const ROWS = Number(args.get('rows') ?? 1_000_000);
const SAMPLES = Number(args.get('samples') ?? 30);
const STEPS = 10; // history rows per instance
const KEYS = ['monitored_a', 'monitored_b', 'monitored_c'];
const FORMS = [
  { id: 'mon.accept', type: 'default', components: [] },
  { id: 'mon.review', type: 'default', components: [] },
];

/**
 * Set-based fill: instance g has STEPS activities step0..step9 one after another; steps 2–5 are
 * user tasks (created → claimed → completed, due 2 hours after creation). 10 % of instances are
 * still running (waiting at one of the user tasks), 5 % were cancelled.
 */
async function fill(db: Db, definitions: { id: string; key: string }[]): Promise<void> {
  const departments = (await db('departments').whereIn('level', ['county', 'station']).pluck('id')) as string[];
  // A running instance has only its first 3–6 rows (4.5 on average) and 10 % are running: 9.45
  // rows per instance on average; a little more instances than that, so the rows reach ROWS.
  const instances = Math.ceil(ROWS / (STEPS * 0.9 + 4.5 * 0.1 - 0.1));
  const ids = definitions.map((d) => d.id);
  const keys = definitions.map((d) => d.key);
  await db.raw(
    `INSERT INTO process_instances (id, definition_id, definition_key, definition_version, business_key, department_id, status, variables, started_by, started_at, ended_at)
     SELECT md5('i' || g)::uuid, (?::uuid[])[1 + g % 3], (?::text[])[1 + g % 3], 1, 'BK-' || g, (?::text[])[1 + (g / 3) % ?],
            CASE WHEN g % 20 < 2 THEN 'running' WHEN g % 20 = 2 THEN 'cancelled' ELSE 'completed' END, '{}', 'bench',
            now() - ((g * 7776000.0 / ?) || ' seconds')::interval,
            CASE WHEN g % 20 < 2 THEN NULL ELSE now() - ((g * 7776000.0 / ?) || ' seconds')::interval + interval '30 hours' END
       FROM generate_series(1, ?) g`,
    [ids, keys, departments, departments.length, instances, instances, instances],
  );
  // Activity k starts 3 h after the instance plus 3 h per earlier step and lasts 1 min–3 h.
  await db.raw(
    `INSERT INTO activity_history (instance_id, definition_id, definition_key, department_id, element_id, element_type, execution_id, started_at, ended_at, duration_ms, outcome, actor)
     SELECT i.id, i.definition_id, i.definition_key, i.department_id, 'step' || k,
            CASE WHEN k BETWEEN 2 AND 5 THEN 'bpmn:UserTask' ELSE 'bpmn:ServiceTask' END,
            'x' || g || '.' || k, s.started, CASE WHEN open THEN NULL ELSE s.started + d.dur END,
            CASE WHEN open THEN NULL ELSE (EXTRACT(EPOCH FROM d.dur) * 1000)::bigint END,
            CASE WHEN open THEN NULL ELSE 'completed' END, CASE WHEN k BETWEEN 2 AND 5 THEN 'user' || (g % 40) END
       FROM generate_series(1, ?) g
       JOIN process_instances i ON i.id = md5('i' || g)::uuid
       CROSS JOIN generate_series(0, ${STEPS - 1}) k
       CROSS JOIN LATERAL (SELECT i.started_at + (k * 3 || ' hours')::interval AS started) s
       CROSS JOIN LATERAL (SELECT ((60 + (g * 7919 + k * 104729) % 10740) || ' seconds')::interval AS dur) d
       CROSS JOIN LATERAL (SELECT (i.status = 'running' AND k = 2 + g % 4) AS open) o
      WHERE i.status <> 'running' OR k <= 2 + g % 4`,
    [instances],
  );
  await db.raw(
    `INSERT INTO tasks (id, instance_id, definition_id, definition_key, element_id, execution_id, name, candidate_groups, assignee, status, department_id, business_key, created_at, claimed_at, completed_at, completed_by, due_at)
     SELECT md5('t' || h.execution_id)::uuid, h.instance_id, h.definition_id, h.definition_key, h.element_id, h.execution_id, 'Step ' || h.element_id,
            ARRAY['acceptance_clerk'], h.actor, CASE WHEN h.ended_at IS NULL THEN 'open' ELSE 'completed' END, h.department_id, NULL,
            h.started_at, h.started_at + (h.duration_ms / 3 || ' milliseconds')::interval, h.ended_at, CASE WHEN h.ended_at IS NOT NULL THEN h.actor END,
            h.started_at + interval '2 hours'
       FROM activity_history h WHERE h.element_type = 'bpmn:UserTask'`,
  );
  for (const table of ['process_instances', 'activity_history', 'tasks']) await db.raw(`ANALYZE ${table}`);
}

export async function run(): Promise<void> {
  await withBenchPlatform('pmbench_monitoring', async (db, platform) => {
    const designer = await new ApiClient(platform.url).login('designer');
    const xml = readFileSync(new URL('../test/fixtures/bpmn/monitoring.two-steps.bpmn', import.meta.url), 'utf8');
    const definitions = [];
    for (const key of KEYS) {
      const res = await designer.post('/api/v1/deployments', {
        xml: xml.replaceAll('"monitored"', `"${key}"`),
        forms: FORMS,
      });
      if (res.status >= 300) throw new Error(`deploy ${key}: ${JSON.stringify(res.body)}`);
      definitions.push({ id: res.body.definition.id as string, key });
    }
    let t0 = performance.now();
    await fill(db, definitions);
    const historyRows = Number((await db('activity_history').count('* as n'))[0]?.n);
    if (historyRows < ROWS) throw new Error(`the fill made ${historyRows} history rows, fewer than --rows ${ROWS}`);
    const results: Record<string, unknown> = {
      'history rows': historyRows,
      'tasks / instances': `${Number((await db('tasks').count('* as n'))[0]?.n)} / ${Number((await db('process_instances').count('* as n'))[0]?.n)}`,
      'fill s': Math.round((performance.now() - t0) / 1000),
    };
    t0 = performance.now();
    await platform.services.monitoring.rollup.refresh();
    await db.raw('ANALYZE monitoring_element_stats');
    results['rollup of all closed days s'] = Math.round((performance.now() - t0) / 100) / 10;
    results['rollup rows'] = Number((await db('monitoring_element_stats').count('* as n'))[0]?.n);

    const key = KEYS[0];
    const queries: Record<string, string> = {
      'dashboard, 30 days by day': `/api/v1/monitoring/dashboard?definitionKey=${key}&bucket=day`,
      'dashboard, 90 days by day': `/api/v1/monitoring/dashboard?definitionKey=${key}&bucket=day&from=${new Date(Date.now() - 90 * 86_400_000).toISOString()}`,
      'dashboard, 24 hours by hour': `/api/v1/monitoring/dashboard?definitionKey=${key}&bucket=hour`,
      'activities (live diagram), 30 days': `/api/v1/monitoring/activities?definitionKey=${key}`,
      'bottlenecks, 30 days': `/api/v1/monitoring/bottlenecks?definitionKey=${key}`,
      workload: `/api/v1/monitoring/workload?definitionKey=${key}`,
      'alerts, PT4H': `/api/v1/monitoring/alerts?horizon=PT4H&limit=50`,
    };
    for (const user of ['hq.supervisor', 'xh.manager']) {
      const client = await new ApiClient(platform.url).login(user);
      for (const [label, path] of Object.entries(queries)) {
        for (let i = 0; i < 3; i++) await client.get(path);
        const samples: number[] = [];
        for (let i = 0; i < SAMPLES; i++) {
          const s = performance.now();
          const res = await client.get(path);
          samples.push(performance.now() - s);
          if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
        }
        const { p50, p95, max } = summary(samples);
        results[`${user}: ${label} ms`] = { p50, p95, max };
      }
    }
    report(`monitoring: ${ROWS.toLocaleString('en')} history rows, ${KEYS.length} processes`, results);
  });
}
