import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedEvent } from '../../../server/workflow/outbox.js';
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
});
