import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_ROWS_PER_INSERT, type PublishedEvent } from '../../../server/workflow/outbox.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { fixture, start } from '../../support/workflow.js';
import { MONITORED_FORMS } from './fixtures.js';

describe('SLA alerts with two nodes on one PostgreSQL', () => {
  let one: TestPlatform;
  let two: TestPlatform;
  const events: PublishedEvent[] = [];

  beforeAll(async () => {
    const env = { SLA_SCAN_MS: '3600000', MONITORING_ROLLUP_MS: '3600000' };
    one = await startTestPlatform('postgres', { env });
    two = await startTestPlatform('postgres', { env, database: one.database });
    for (const node of [one, two]) node.platform.bus.on('event', (e: PublishedEvent) => events.push(e));
    const deployed = await (
      await one.as('designer')
    ).post('/api/v1/deployments', {
      xml: fixture('monitoring.two-steps.bpmn'),
      forms: MONITORED_FORMS,
    });
    expect(deployed.status).toBe(201);
    for (const county of ['xh', 'yh']) {
      await start(await one.as(`${county}.clerk`), 'monitored', {
        departmentId: county === 'xh' ? 'ZJ-HZ-XH' : 'ZJ-HZ-YH',
        variables: { dueAt: new Date(Date.now() - 60_000).toISOString() },
      });
    }
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('raises each alert exactly once when every node scans at the same time', async () => {
    // when both nodes scan concurrently, twice
    const first = await Promise.all([one, two].map((n) => n.platform.services.monitoring.alerts.scan()));
    const second = await Promise.all([one, two].map((n) => n.platform.services.monitoring.alerts.scan()));
    // then the two overdue tasks were raised once in all, by whichever node got there first
    expect(first[0]! + first[1]!).toBe(2);
    expect(second).toEqual([0, 0]);
    const sla = events.filter((e) => e.topic === 'sla:breached');
    expect(sla.map((e) => e.departmentId).sort()).toEqual(['ZJ-HZ-XH', 'ZJ-HZ-YH']);
    expect(Number((await one.platform.db('sla_alerts').count('* as n'))[0]?.n)).toBe(2);
  });

  /** `n` copies of an open overdue task, as a large installation's first scan finds them. */
  async function copyOverdueTasks(n: number, dueAt: Date) {
    const db = one.platform.db;
    const columns = (
      await db('information_schema.columns')
        .where({ table_schema: 'public', table_name: 'tasks' })
        .orderBy('ordinal_position')
        .pluck<string[]>('column_name')
    ).filter((c) => !['id', 'execution_id', 'due_at'].includes(c));
    const list = columns.map((c) => `"${c}"`).join(', ');
    await db.raw(
      `INSERT INTO tasks (id, execution_id, due_at, ${list})
       SELECT gen_random_uuid(), 'copy-' || gen_random_uuid(), ?, ${list}
         FROM (SELECT * FROM tasks WHERE status = 'open' LIMIT 1) t, generate_series(1, ?)`,
      [dueAt, n],
    );
  }

  it('raises a backlog larger than a page in pages, each alert once, while both nodes scan', async () => {
    // given 1 050 more overdue tasks than the scans have seen
    const before = events.length;
    await copyOverdueTasks(1_050, new Date(Date.now() - 120_000));
    // when both nodes scan at once in pages of 100
    const raised = await Promise.all([one, two].map((n) => n.platform.services.monitoring.alerts.scan(100)));
    // then every one was raised once, by one node or the other, and published once
    expect(raised[0]! + raised[1]!).toBe(1_050);
    const published = events.slice(before).filter((e) => e.topic === 'sla:breached');
    expect(published).toHaveLength(1_050);
    expect(new Set(published.map((e) => (e.payload as { taskId: string }).taskId)).size).toBe(1_050);
    expect(Number((await one.platform.db('sla_alerts').count('* as n'))[0]?.n)).toBe(1_052);
    // and a scan after it finds nothing left
    expect(await one.platform.services.monitoring.alerts.scan(100)).toBe(0);
  });

  it('publishes more events than one outbox insert carries from one transaction, in order', async () => {
    // given more overdue tasks than one outbox statement takes (OUTBOX_ROWS_PER_INSERT), and more
    // than one statement could take at all: 5 bindings an event, PostgreSQL's limit is 65 535
    const before = events.length;
    const count = 14_000;
    expect(count).toBeGreaterThan(OUTBOX_ROWS_PER_INSERT);
    // created now, so the incremental scan after the first ones still reads them
    await copyOverdueTasks(count, new Date(Date.now() - 1_000));
    // when one node raises them in one page
    expect(await two.platform.services.monitoring.alerts.scan(count + 10)).toBe(count);
    // then every event was written and published once, with increasing outbox ids
    const published = events.slice(before).filter((e) => e.topic === 'sla:breached');
    expect(published).toHaveLength(count);
    const ids = published.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(count);
    const stored = await one.platform.db('outbox').whereIn('id', ids).count('* as n');
    expect(Number(stored[0]?.n)).toBe(count);
  });
});
