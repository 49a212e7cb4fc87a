/**
 * bench/worklist — issue 3: the worklist query of a county clerk with 1 000 000 tasks in the
 * database (300 000 of them open), through the HTTP API and through the service alone.
 *
 *   npm run bench -- worklist [--tasks 1000000] [--samples 300]
 */
import { readFileSync } from 'node:fs';
import { benchArgs, withBenchPlatform } from './support.js';
import { createDatabase } from '../server/db/index.js';
import { ApiClient } from '../test/support/client.js';
import { report, summary } from './stats.js';

const args = benchArgs();
const TASKS = Number(args.get('tasks') ?? 1_000_000);
const SAMPLES = Number(args.get('samples') ?? 300);
const GROUPS = [
  'acceptance_clerk',
  'site_surveyor',
  'meter_technician',
  'billing_auditor',
  'collection_clerk',
  'account_manager',
  'team_leader',
];

export interface FillScope {
  /** Departments the instances spread over (default: every county and station). */
  departments?: string[];
  /** Candidate groups the tasks rotate through (default: the seven front-line roles). */
  groups?: string[];
  /** Customers the tasks are about (customer_id), rotating; none by default. */
  customerIds?: string[];
}

/**
 * Fills `tasks` tasks (four per instance, 30 % of them open, one in 17 assigned to someone else,
 * one in 997 to xh.clerk) set-based; bench/worklist-ui reuses it with one user's groups.
 */
export async function fillTasks(
  db: ReturnType<typeof createDatabase>,
  definitionId: string,
  tasks: number,
  scope: FillScope = {},
): Promise<void> {
  const departments =
    scope.departments ?? ((await db('departments').whereIn('level', ['county', 'station']).pluck('id')) as string[]);
  const groups = scope.groups ?? GROUPS;
  const customers = scope.customerIds ?? [];
  const instances = Math.ceil(tasks / 4);
  // Instances spread over counties and stations; four tasks each, 30 % of them open.
  await db.raw(
    `INSERT INTO process_instances (id, definition_id, definition_key, definition_version, business_key, department_id, status, variables, started_by, started_at)
     SELECT md5('i' || g)::uuid, ?, 'bench', 1, 'BK-' || g, (?::text[])[1 + (g % ?)], CASE WHEN g % 10 < 3 THEN 'running' ELSE 'completed' END, '{}', 'bench',
            now() - (g || ' seconds')::interval
       FROM generate_series(1, ?) g`,
    [definitionId, departments, departments.length, instances],
  );
  await db.raw(
    `INSERT INTO tasks (id, instance_id, definition_id, definition_key, element_id, execution_id, name, candidate_groups, assignee, priority, status, department_id, business_key, created_at, due_at, customer_id)
     SELECT md5('t' || g)::uuid, md5('i' || (1 + (g - 1) / 4))::uuid, ?, 'bench', 'step' || (g % 4), 'x' || g, 'Step ' || (g % 4),
            ARRAY[(?::text[])[1 + (g % ?)]], CASE WHEN g % 17 = 0 THEN 'someone' WHEN g % 997 = 0 THEN 'xh.clerk' END, 50 + (g % 50),
            CASE WHEN g % 10 < 3 THEN 'open' ELSE 'completed' END,
            (?::text[])[1 + (((g - 1) / 4) % ?)], 'BK-' || (1 + (g - 1) / 4),
            now() - (g || ' seconds')::interval, now() + ((g % 240) || ' hours')::interval,
            (?::uuid[])[1 + (((g - 1) / 4) % ?)]
       FROM generate_series(1, ?) g`,
    [
      definitionId,
      groups,
      groups.length,
      departments,
      departments.length,
      customers,
      Math.max(customers.length, 1),
      tasks,
    ],
  );
  await db.raw('ANALYZE tasks');
  await db.raw('ANALYZE process_instances');
}

export async function run(): Promise<void> {
  await withBenchPlatform('pmbench_worklist', async (db, platform) => {
    const designer = await new ApiClient(platform.url).login('designer');
    const deployed = await designer.post('/api/v1/deployments', {
      xml: readFileSync(new URL('./fixtures/two-tasks.bpmn', import.meta.url), 'utf8'),
    });
    const t0 = performance.now();
    await fillTasks(db, deployed.body.definition.id, TASKS);
    const fillSeconds = (performance.now() - t0) / 1000;
    const counts = await db('tasks').select('status').count('* as n').groupBy('status');

    const clerk = await new ApiClient(platform.url).login('xh.clerk');
    const queries: Record<string, string> = {
      'claimable by me (unassigned, oldest first)': '/api/v1/tasks?unassigned=true&limit=50',
      'all visible open tasks, by due date': '/api/v1/tasks?sort=due&limit=50',
      'my tasks': '/api/v1/tasks?assignee=xh.clerk&limit=50',
      'page 20 of claimable': '/api/v1/tasks?unassigned=true&limit=50&offset=1000',
    };
    const results: Record<string, unknown> = {
      'tasks in the database': Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])),
      'fill time s': Math.round(fillSeconds),
    };
    for (const [label, path] of Object.entries(queries)) {
      for (let i = 0; i < 20; i++) await clerk.get(path);
      const samples: number[] = [];
      let rows = 0;
      for (let i = 0; i < SAMPLES; i++) {
        const s = performance.now();
        const res = await clerk.get(path);
        samples.push(performance.now() - s);
        rows = res.body.items.length;
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      }
      results[`${label}: rows, HTTP ms`] = { rows, ...summary(samples) };
    }
    const plan = await db.raw(
      `EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM tasks WHERE status = 'open' AND assignee IS NULL AND ((assignee = 'xh.clerk' OR 'xh.clerk' = ANY(candidate_users)) OR (candidate_groups @> ARRAY['acceptance_clerk']::text[] AND department_id IN ('ZJ-HZ-XH','ZJ-HZ-XH-LY','ZJ-HZ-XH-XX'))) ORDER BY created_at, id LIMIT 51`,
    );
    results['the same visibility as one OR filter (for comparison)'] = plan.rows.at(-1)['QUERY PLAN'];
    report(`worklist: county clerk xh.clerk, ${TASKS.toLocaleString('en')} tasks`, results);
  });
}
