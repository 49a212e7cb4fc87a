/**
 * bench/operations — the instances page's search (GET /api/v1/process-instances) over 1 000 000
 * instances on PostgreSQL, with the filters operators use, as the headquarters supervisor (every
 * department) and a county manager (one county). Aim: p95 < 200 ms.
 *
 *   npm run bench -- operations [--instances 1000000] [--samples 30] [--json]
 *
 * Reports p50/p95 per filter and actor, the p95 over all of each actor's searches and over both;
 * `--json` ends with one line holding the same figures. BENCH_KEEP_DATABASE=1 keeps the database.
 */
import type { Db } from '../server/db/index.js';
import { ApiClient } from '../test/support/client.js';
import { benchArgs, withBenchPlatform } from './support.js';
import { percentile, report, round, summary } from './stats.js';

const args = benchArgs();
const INSTANCES = Number(args.get('instances') ?? 1_000_000);
const SAMPLES = Number(args.get('samples') ?? 30);
const JSON_OUTPUT = process.argv.includes('--json');
const KEYS = ['ops_connection', 'ops_arrears', 'ops_meter', 'ops_change'];

const xml = (key: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <process id="${key}" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="review" />
    <userTask id="review" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task" />
    <sequenceFlow id="f2" sourceRef="review" targetRef="approve" />
    <userTask id="approve" camunda:candidateGroups="team_leader" camunda:formKey="generic.task" />
    <sequenceFlow id="f3" sourceRef="approve" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;

/**
 * Set-based fill over 180 days: 10 % running (waiting at review or approve, a tenth of them past
 * their deadline, 1 % with an incident, 0.2 % suspended), 5 % cancelled, the rest completed; one
 * in three names a customer (account number and name) in its variables.
 */
async function fill(db: Db, definitions: { id: string; key: string }[]): Promise<void> {
  const departments = (await db('departments').whereIn('level', ['county', 'station']).pluck('id')) as string[];
  await db.raw(
    `INSERT INTO process_instances (id, definition_id, definition_key, definition_version, business_key, department_id, status,
                                    variables, started_by, started_at, ended_at, end_reason, open_incidents, due_at, suspended_at, suspended_by)
     SELECT md5('i' || g)::uuid, (?::uuid[])[1 + g % 4], (?::text[])[1 + g % 4], 1, 'BK-' || lpad(g::text, 8, '0'),
            (?::text[])[1 + (g / 4) % ?],
            CASE WHEN g % 20 < 2 THEN 'running' WHEN g % 20 = 2 THEN 'cancelled' ELSE 'completed' END,
            CASE WHEN g % 3 = 0 THEN jsonb_build_object('accountNo', '33' || lpad(g::text, 8, '0'), 'customerName', 'Customer ' || g) ELSE '{}'::jsonb END,
            'bench', s.started,
            CASE WHEN g % 20 < 2 THEN NULL ELSE s.started + interval '30 hours' END,
            CASE WHEN g % 20 < 2 THEN NULL WHEN g % 20 = 2 THEN 'withdrawn' ELSE 'completed' END,
            CASE WHEN g % 100 = 1 THEN 1 ELSE 0 END,
            s.started + interval '15 days',
            CASE WHEN g % 500 = 1 THEN s.started + interval '1 hour' END,
            CASE WHEN g % 500 = 1 THEN 'bench' END
       FROM generate_series(1, ?) g
       CROSS JOIN LATERAL (SELECT now() - ((g * 15552000.0 / ?) || ' seconds')::interval AS started) s`,
    [
      definitions.map((d) => d.id),
      definitions.map((d) => d.key),
      departments,
      departments.length,
      INSTANCES,
      INSTANCES,
    ],
  );
  await db.raw(
    `INSERT INTO tasks (id, instance_id, definition_id, definition_key, element_id, execution_id, name, candidate_groups, status, department_id, business_key, created_at)
     SELECT md5('t' || i.id)::uuid, i.id, i.definition_id, i.definition_key,
            CASE WHEN (hashtext(i.id::text) & 1) = 0 THEN 'review' ELSE 'approve' END, 'x' || i.id, 'Step',
            ARRAY['acceptance_clerk'], 'open', i.department_id, i.business_key, i.started_at
       FROM process_instances i WHERE i.status = 'running'`,
  );
  // The steady state autovacuum reaches after a bulk insert: statistics and the visibility map.
  for (const table of ['process_instances', 'tasks']) await db.raw(`VACUUM ANALYZE ${table}`);
}

export async function run(): Promise<void> {
  await withBenchPlatform('pmbench_operations', async (db, platform) => {
    const designer = await new ApiClient(platform.url).login('designer');
    const definitions = [];
    for (const key of KEYS) {
      const res = await designer.post('/api/v1/deployments', { xml: xml(key) });
      if (res.status >= 300) throw new Error(`deploy ${key}: ${JSON.stringify(res.body)}`);
      definitions.push({ id: res.body.definition.id as string, key });
    }
    const t0 = performance.now();
    await fill(db, definitions);
    const results: Record<string, unknown> = {
      instances: Number((await db('process_instances').count('* as n'))[0]?.n),
      'fill s': Math.round((performance.now() - t0) / 1000),
    };
    const day = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const queries: Record<string, string> = {
      'newest first': '',
      'process + running': `definitionKey=${KEYS[0]}&status=running`,
      'process + version, by end': `definitionKey=${KEYS[1]}&definitionVersion=1&sortBy=endedAt`,
      'with incident': 'hasIncident=true',
      overdue: 'overdue=true&sortBy=dueAt&sortOrder=asc',
      suspended: 'suspended=true',
      'business key prefix': 'businessKeyStartsWith=BK-0012',
      'customer account no': 'customer=3300012345',
      'customer name prefix': 'customer=customer%2012',
      'current step': 'currentElementId=approve',
      'department subtree': 'departmentId=ZJ-HZ',
      'started in a week, completed': `startedAfter=${day(60)}&startedBefore=${day(53)}&status=completed`,
      'cancelled, by business key': 'status=cancelled&sortBy=businessKey&sortOrder=asc',
    };
    const all: number[] = [];
    const perFilter: Record<string, Record<string, { p50: number; p95: number }>> = {};
    const perActor: Record<string, number> = {};
    for (const user of ['hq.supervisor', 'xh.manager']) {
      const client = await new ApiClient(platform.url).login(user);
      const mine: number[] = [];
      perFilter[user] = {};
      for (const [label, query] of Object.entries(queries)) {
        const path = `/api/v1/process-instances?limit=50&${query}`;
        for (let i = 0; i < 3; i++) await client.get(path);
        const samples: number[] = [];
        for (let i = 0; i < SAMPLES; i++) {
          const s = performance.now();
          const res = await client.get(path);
          samples.push(performance.now() - s);
          if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
        }
        mine.push(...samples);
        const { p50, p95, max } = summary(samples);
        perFilter[user][label] = { p50, p95 };
        results[`${user}: ${label} ms`] = { p50, p95, max };
      }
      all.push(...mine);
      perActor[user] = round(percentile(mine, 95), 1);
      results[`${user}: all searches p95 ms`] = perActor[user];
    }
    const p95 = round(percentile(all, 95), 1);
    results['all searches p95 ms'] = p95;
    report(`operations: instance search over ${INSTANCES.toLocaleString('en')} instances`, results);
    if (JSON_OUTPUT)
      process.stdout.write(
        `${JSON.stringify({
          bench: 'operations',
          instances: results.instances,
          fillS: results['fill s'],
          p95Ms: p95,
          actorP95Ms: perActor,
          filters: perFilter,
        })}\n`,
      );
  });
}
