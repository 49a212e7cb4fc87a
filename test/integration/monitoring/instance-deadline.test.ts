import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedEvent } from '../../../server/workflow/outbox.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { fixture, instance, start } from '../../support/workflow.js';
import { MONITORED_FORMS } from './fixtures.js';

/**
 * A process that declares its own deadline (the `dueDate` process property, processes/README.md
 * "Deadlines") gives its instances a deadline (`dueAt`), and the SLA scan raises instance alerts from it:
 * the link between the shipped processes' deadlines and the monitor's alerts.
 */
describe.each(BACKENDS)('instance deadlines raise instance SLA alerts (%s)', (backend) => {
  let t: TestPlatform;
  const events: PublishedEvent[] = [];

  beforeAll(async () => {
    t = await startTestPlatform(backend, { env: { SLA_SCAN_MS: '3600000' } });
    t.platform.bus.on('event', (e: PublishedEvent) => events.push(e));
    // the monitored process, with the whole case due by the variable caseDueAt
    const xml = fixture('monitoring.two-steps.bpmn').replace(
      '<process id="monitored" name="Monitored two steps" isExecutable="true">',
      '<process id="monitored" name="Monitored two steps" isExecutable="true"><extensionElements><camunda:properties><camunda:property name="dueDate" value="${caseDueAt}"/></camunda:properties></extensionElements>',
    );
    const deployed = await (await t.as('designer')).post('/api/v1/deployments', { xml, forms: MONITORED_FORMS });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  });
  afterAll(() => t?.close());

  it('sets the deadline at the start and raises a breached and a due-soon instance alert in scope', async () => {
    const clerk = await t.as('xh.clerk');
    const later = new Date(Date.now() + 72 * 3_600_000).toISOString();
    const late = await start(clerk, 'monitored', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'CASE-LATE',
      variables: { dueAt: later, caseDueAt: new Date(Date.now() - 60_000).toISOString() },
    });
    const soon = await start(clerk, 'monitored', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'CASE-SOON',
      variables: { dueAt: later, caseDueAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    const relaxed = await start(clerk, 'monitored', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'CASE-RELAXED',
      variables: { dueAt: later, caseDueAt: later },
    });
    expect((await instance(clerk, relaxed.id)).dueAt).toBe(later);
    expect(events.filter((e) => e.topic === 'instance:due').map((e) => e.instanceId)).toEqual(
      expect.arrayContaining([late.id, soon.id, relaxed.id]),
    );

    // when the SLA scan runs (horizon PT4H)
    expect(await t.platform.services.monitoring.alerts.scan()).toBe(2);

    // then the manager sees the two instances, one breached and one due soon, and not the third
    const manager = await t.as('xh.manager');
    const alerts = await manager.get('/api/v1/monitoring/alerts?horizon=PT4H&definitionKey=monitored');
    expect(alerts.status, JSON.stringify(alerts.body)).toBe(200);
    expect(alerts.body).toMatchObject({ breached: 1, dueSoon: 1 });
    const kinds = Object.fromEntries(
      alerts.body.instances.map((a: { instanceId: string; kind: string }) => [a.instanceId, a.kind]),
    );
    expect(kinds).toEqual({ [late.id]: 'breached', [soon.id]: 'due-soon' });
    expect(events.filter((e) => e.topic === 'sla:breached').map((e) => e.instanceId)).toContain(late.id);
    // and another county's manager none of them
    const other = await (
      await t.as('yh.manager')
    ).get('/api/v1/monitoring/alerts?horizon=PT4H&definitionKey=monitored');
    expect(other.body.instances).toEqual([]);
  });
});
