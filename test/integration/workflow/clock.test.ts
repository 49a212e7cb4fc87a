import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { completeTask, deploy, fixture, instance, openTasks, start } from '../../support/workflow.js';
import { MONITORED_FORMS } from '../monitoring/fixtures.js';

describe.each(BACKENDS)('platform clock: working-day due dates and timers (%s)', (backend) => {
  let t: TestPlatform;
  // Monday 2025-03-03, 09:00 Asia/Shanghai.
  const clock = new TestClock('2025-03-03T01:00:00Z');

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock });
    await deploy(await t.as('designer'), fixture('timer.working-days.bpmn'));
  });
  afterAll(() => t?.close());

  it('dates tasks by the SLA table and working days, and fires timers when the clock passes them', async () => {
    // given an HV single-source job (scheme reply: 20 WD) started on the test clock's Monday
    const account = await t.as('xh.account');
    const { id } = await start(await t.as('xh.clerk'), 'workingDays', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'WD-1',
      variables: { acceptClass: '03' },
    });
    const [reply] = await openTasks(account, id);
    expect(reply).toMatchObject({ elementId: 'reply' });
    expect(new Date(reply!.dueAt as string).toISOString()).toBe('2025-03-31T15:59:59.999Z');
    expect(new Date(reply!.followUpAt as string).toISOString()).toBe('2025-03-04T15:59:59.999Z');
    expect(new Date(reply!.createdAt as string).toISOString()).toBe('2025-03-03T01:00:00.000Z');
    const leader = await t.as('xh.leader');

    // when the clock reaches Thursday evening, the wd:3 timer is not yet due
    clock.set('2025-03-06T15:00:00Z');
    await t.platform.executor.drain();
    expect((await openTasks(leader, id)).map((x) => x.elementId)).toEqual(['reply']);

    // then on Friday morning it fires and escalates, and the reply stays open
    clock.set('2025-03-07T01:00:00Z');
    await t.platform.executor.drain();
    const tasks = await openTasks(leader, id);
    expect(tasks.map((x) => x.elementId).sort()).toEqual(['escalated', 'reply']);
    const escalated = tasks.find((x) => x.elementId === 'escalated')!;
    expect(new Date(escalated.dueAt as string).toISOString()).toBe('2025-03-08T01:00:00.000Z');
  });

  it("moves the instance's deadline by the working days spent in an element that pauses its clock", async () => {
    // given a process due five working days after its start, whose clock the acceptance pauses
    clock.set('2025-03-03T01:00:00Z');
    const xml = fixture('monitoring.two-steps.bpmn')
      .replace('id="monitored"', 'id="pausedClock"')
      .replace('bpmnElement="monitored"', 'bpmnElement="pausedClock"')
      .replace(
        'isExecutable="true">',
        'isExecutable="true"><extensionElements><camunda:properties><camunda:property name="dueDate" value="wd:5"/><camunda:property name="dueDatePausedBy" value="accept"/></camunda:properties></extensionElements>',
      );
    const deployed = await (await t.as('designer')).post('/api/v1/deployments', { xml, forms: MONITORED_FORMS });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const clerk = await t.as('xh.clerk');
    const { id } = await start(clerk, 'pausedClock', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'PAUSED-1',
      variables: { dueAt: '2025-03-20T00:00:00Z' },
    });
    // while it waits at the acceptance the clock is stopped: no deadline
    expect((await instance(clerk, id)).dueAt).toBeNull();

    // when the acceptance is done on Wednesday, two working days later
    clock.set('2025-03-05T01:00:00Z');
    const [accept] = await openTasks(clerk, id);
    await completeTask(clerk, accept!.id);

    // then the deadline is Monday 10 March's end (five working days) moved by those two days
    expect((await instance(clerk, id)).dueAt).toBe('2025-03-12T15:59:59.999Z');
  });

  it('refuses a malformed working-day deadline at deploy', async () => {
    const designer = await t.as('designer');
    const xml = fixture('timer.working-days.bpmn').replace('wd:3', 'wd:three').replace('sla:A05', 'sla:Z1');
    const res = await designer.post('/api/v1/deployments', { xml });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    const reasons = ((res.body.errors ?? res.body.details) as { reason: string }[]).map((d) => d.reason).join('\n');
    expect(reasons).toMatch(/wd:three/);
    expect(reasons).toMatch(/sla:Z1/);
  });
});
