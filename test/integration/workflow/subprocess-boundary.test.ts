import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { deploy, fixture, instance, openTasks, start } from '../../support/workflow.js';

/**
 * A sub-process with a message boundary event that ends in a step resuming a service result or a
 * timer that is already due. The engine used to finish the sub-process inside resume(), before the
 * boundary event had resumed, so the boundary never heard the sub-process leave: its message
 * subscription stayed and the instance never completed.
 */
describe.each(BACKENDS)('sub-process ending on a service result or a due timer (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let collector: ApiClient;
  const clock = new TestClock('2025-03-03T01:00:00Z');

  beforeAll(async () => {
    // No background job poll: each test decides when jobs run (drain), so a service job can stay pending.
    t = await startTestPlatform(backend, {
      clock,
      jobs: false,
      services: [
        { name: 'lookup', description: 'looks the account up', handler: () => ({ found: true }) },
        { name: 'settle', description: 'settles the account', handler: () => ({ settled: true }) },
      ],
    });
    const designer = await t.as('designer');
    await deploy(designer, fixture('subprocess-boundary.service-ends.bpmn'));
    await deploy(designer, fixture('subprocess-boundary.timer-ends.bpmn'));
    clerk = await t.as('xh.clerk');
    collector = await t.as('xh.collector');
  });
  afterAll(() => t?.close());

  const subscriptions = (instanceId: string) =>
    t.database.db('message_subscriptions').where({ instance_id: instanceId }).select('element_id', 'message_name');

  async function expectPastTheSubProcess(id: string, businessKey: string) {
    expect((await openTasks(clerk, id)).map((x) => x.elementId)).toEqual(['review']);
    expect(await subscriptions(id)).toEqual([]);
    const after = await instance(clerk, id);
    const sub = after.history.find((h: { elementId: string }) => h.elementId === 'sub');
    expect(sub.outcome).toBe('completed');
    const late = await collector.post('/api/v1/messages', { name: 'payment-received', businessKey });
    expect(late.status, JSON.stringify(late.body)).toBe(404);
    expect((await openTasks(clerk, id)).map((x) => x.elementId)).toEqual(['review']);
  }

  it('leaves no message wait behind when the sub-process ends on a service result', async () => {
    const businessKey = `SVC-${Math.random()}`;
    const { id } = await start(clerk, 'subServiceEnds', { departmentId: 'ZJ-HZ-XH', businessKey });
    expect(await subscriptions(id)).toEqual([{ element_id: 'paid', message_name: 'payment-received' }]);

    await t.platform.executor.drain();

    await expectPastTheSubProcess(id, businessKey);
    expect((await instance(clerk, id)).variables).toMatchObject({ found: true, settled: true });

    // a later collection for the same account gets the payment, not MESSAGE_AMBIGUOUS (409)
    const next = await start(clerk, 'subServiceEnds', { departmentId: 'ZJ-HZ-XH', businessKey });
    const paid = await collector.post('/api/v1/messages', { name: 'payment-received', businessKey });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ resultType: 'delivered', instanceId: next.id, elementId: 'paid' });
  });

  it('leaves no message wait behind when the sub-process ends on a timer that is already due', async () => {
    const businessKey = `TMR-${Math.random()}`;
    const { id } = await start(clerk, 'subTimerEnds', { departmentId: 'ZJ-HZ-XH', businessKey });
    await t.platform.executor.drain();
    const jobs = await t.database.db('jobs').where({ instance_id: id }).orderBy('element_id').pluck('element_id');
    expect(jobs).toEqual(['grace', 'overdue']);

    clock.advance('PT3H');
    await t.platform.executor.drain();

    await expectPastTheSubProcess(id, businessKey);
    // the sub-process's interrupting timer went with it
    expect(await t.database.db('jobs').where({ instance_id: id }).pluck('element_id')).toEqual([]);
  });

  it('still interrupts the sub-process when the message arrives while its service task is pending', async () => {
    const businessKey = `PEND-${Math.random()}`;
    const { id } = await start(clerk, 'subServiceEnds', { departmentId: 'ZJ-HZ-XH', businessKey });
    expect(await t.database.db('jobs').where({ instance_id: id, type: 'service' }).pluck('element_id')).toEqual([
      'lookup',
    ]);

    const paid = await collector.post('/api/v1/messages', { name: 'payment-received', businessKey });
    expect(paid.body).toMatchObject({ resultType: 'delivered', instanceId: id, elementId: 'paid' });

    const after = await instance(clerk, id);
    expect(after.status).toBe('completed');
    expect(after.history.map((h: { elementId: string }) => h.elementId)).toContain('paidEnd');
    expect(after.history.find((h: { elementId: string }) => h.elementId === 'sub').outcome).toBe('interrupted');
    expect(await subscriptions(id)).toEqual([]);
    // the orphaned service job is dropped without calling the service on a completed instance
    await t.platform.executor.drain();
    expect(after.variables.found).toBeUndefined();
    expect(await t.database.db('jobs').where({ instance_id: id }).pluck('id')).toEqual([]);
  });
});
