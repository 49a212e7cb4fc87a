import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { instance, start } from '../../support/workflow.js';
import { customerWithReadings, notices, read, taskAt } from './marketing-fixtures.js';

/**
 * Issue 5 §3, monthly billing (抄核收) end to end through the API as the demo users: the team
 * leader starts the county's run, the meter technician completes the missing reading, the run
 * bills and holds what the audit rules trip, the billing auditor approves one held bill and sends
 * one back, the technician corrects the reading, and both are issued with due dates and notices.
 */
describe.each(BACKENDS)('monthly billing: read, calculate, audit, issue (%s)', (backend) => {
  let t: TestPlatform;
  let leader: ApiClient;
  let tech: ApiClient;
  let auditor: ApiClient;
  let collector: ApiClient;
  const clock = new TestClock('2024-08-01T10:00:00+08:00');
  const c: Record<string, { id: string; accountNo: string; meterId: string }> = {};
  let runInstance: string;

  const bill = async (customerId: string, period = '2024-07') =>
    (await collector.get(`/api/v1/customers/${customerId}/bills`)).body.items.find(
      (b: { period: string }) => b.period === period,
    );
  const auditInstance = async (customerId: string) =>
    (
      await collector.get(
        `/api/v1/process-instances?definitionKey=bill-audit&businessKey=${c[customerId]!.accountNo}-2024-07`,
      )
    ).body.items[0] as { id: string; status: string } | undefined;
  const drain = () => t.platform.executor.drain();

  beforeAll(async () => {
    // No background job polling: the test runs what is due (drain), so every step is deterministic.
    t = await startTestPlatform(backend, { clock, jobs: false });
    leader = await t.as('xh.leader');
    tech = await t.as('xh.meter');
    auditor = await t.as('xh.auditor');
    collector = await t.as('xh.collector');
    c.household = await customerWithReadings(t, { elecTypeCode: '202', name: '张三' }, [
      ['2024-06', { total: '10000' }],
      ['2024-07', { total: '10150' }],
    ]);
    // Zero consumption: held by audit rule 10, the technician finds the register was misread.
    c.idle = await customerWithReadings(t, { elecTypeCode: '202', name: '李四' }, [
      ['2024-06', { total: '5000' }],
      ['2024-07', { total: '5000' }],
    ]);
    // A 5-digit register past 99 999: held by rule 1 (plausible rollover), the auditor approves it.
    c.rollover = await customerWithReadings(t, { elecTypeCode: '201', name: '王五' }, [
      ['2024-06', { total: '99950' }],
      ['2024-07', { total: '50' }],
    ]);
    await t.platform.db('meters').where({ id: c.rollover.meterId }).update({ register_digits: 5 });
    // Not read yet for July: the run waits for the technician.
    c.unread = await customerWithReadings(t, { elecTypeCode: '202', name: '赵六' }, [['2024-06', { total: '800' }]]);
  });
  afterAll(() => t?.close());

  it('asks the meter technicians for the missing reading before it bills', async () => {
    const started = await start(leader, 'monthly-billing', {
      businessKey: 'ZJ-HZ-XH-2024-07',
      departmentId: 'ZJ-HZ-XH',
      variables: { period: '2024-07' },
    });
    runInstance = started.id;
    await drain();
    const task = await eventually(() => taskAt(tech, runInstance, 'MR_SUPPLEMENT'), 10_000, 'the supplement task');
    const run = await instance(leader, runInstance);
    // due by the end of 8 August: a July bill issued later misses the 15 August contract date with 7 days to pay
    expect(run).toMatchObject({ dueAt: '2024-08-08T15:59:59.999Z', overdue: false });
    const vars = run.variables;
    expect(vars).toMatchObject({ readingsExpected: 4, readingsMissing: 1 });
    expect(vars.missingMeters).toHaveLength(1);
    // when the technician reads the meter and completes the task
    await read(tech, c.unread!.meterId, '2024-07', { total: '900' });
    expect((await tech.post(`/api/v1/tasks/${task!.id}/claim`)).status).toBe(200);
    const done = await tech.post(`/api/v1/tasks/${task!.id}/complete`, { variables: { readingNote: '已补抄' } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    // then the run bills the county and the process ends after the notices
    await eventually(
      async () => {
        await drain();
        return (await instance(leader, runInstance)).status === 'completed';
      },
      30_000,
      'the billing instance to complete',
    );
    const vars2 = (await instance(leader, runInstance)).variables;
    expect(vars2).toMatchObject({
      billingRunStatus: 'completed',
      billed: 4,
      held: 2,
      auditsStarted: 2,
      noticesSent: 2,
    });
  });

  it('issues the clean bills at once, due on the 15th, and tells the customers', async () => {
    expect(await bill(c.household!.id)).toMatchObject({ status: 'issued', dueDate: '2024-08-15', total: '80.70' });
    const sent = await notices(collector, `customerId=${c.household!.id}&template=bill_issued`);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toContain('2024-07电费80.70元已出账，请于2024-08-15前缴纳');
  });

  it('gives the billing auditor one task per held bill, with the rules and the history that explain it', async () => {
    const audit = (await auditInstance('idle'))!;
    const task = (await taskAt(auditor, audit.id, 'BILL_AUDIT'))!;
    expect(task).toBeTruthy();
    expect(task.dueAt).toBeTruthy();
    const held = await instance(auditor, audit.id);
    expect(held).toMatchObject({ dueAt: '2024-08-08T15:59:59.999Z', overdue: false });
    const vars = held.variables;
    expect(vars.billId).toBe((await bill(c.idle!.id)).id);
    expect(vars.auditRules).toContain('ZERO_CONSUMPTION');
    expect(vars.auditFlags[0]).toMatchObject({ rule: 10, code: 'ZERO_CONSUMPTION' });
    expect(vars.history.map((h: { period: string }) => h.period)).toEqual(['2024-07']);
    // the worklist's task view reads the same from the bill: its audit findings
    const context = await auditor.get(`/api/v1/tasks/${task.id}/context`);
    expect(context.status, JSON.stringify(context.body)).toBe(200);
    expect(context.body.auditFlags).toEqual([expect.objectContaining({ rule: 10 })]);
    // the collector does not even see it (another role's task answers 404)
    expect((await collector.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(404);
  });

  it('approve: issues the held bill with its due date and notice', async () => {
    const audit = (await auditInstance('rollover'))!;
    const task = (await taskAt(auditor, audit.id, 'BILL_AUDIT'))!;
    expect((await instance(auditor, audit.id)).variables.auditRules).toContain('READING_BACKWARDS');
    await auditor.post(`/api/v1/tasks/${task.id}/claim`);
    const done = await auditor.post(`/api/v1/tasks/${task.id}/complete`, {
      variables: { auditDecision: 'approve', auditComment: '表计翻转，电量100kWh属实' },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await eventually(async () => {
      await drain();
      return (await instance(auditor, audit.id)).status === 'completed';
    }, 10_000);
    expect(await bill(c.rollover!.id)).toMatchObject({ status: 'issued', dueDate: '2024-08-15', total: '53.80' });
    expect(await notices(collector, `customerId=${c.rollover!.id}&template=bill_issued`)).toHaveLength(1);
  });

  it('reject: the technician corrects the reading, the bill is priced and audited again, then issued', async () => {
    const audit = (await auditInstance('idle'))!;
    const task = (await taskAt(auditor, audit.id, 'BILL_AUDIT'))!;
    await auditor.post(`/api/v1/tasks/${task.id}/claim`);
    const rejected = await auditor.post(`/api/v1/tasks/${task.id}/complete`, {
      variables: { auditDecision: 'reject', auditComment: '零电量，请现场核实' },
    });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    await drain();
    const fix = (await eventually(() => taskAt(tech, audit.id, 'MR_CORRECT'), 10_000))!;
    await tech.post(`/api/v1/tasks/${fix.id}/claim`);
    // a week later the correction arrives: the audit is past its deadline and reported overdue
    clock.set('2024-08-12T10:00:00+08:00');
    expect(await instance(auditor, audit.id)).toMatchObject({ dueAt: '2024-08-08T15:59:59.999Z', overdue: true });
    const overdue = await auditor.get('/api/v1/process-instances?definitionKey=bill-audit&overdue=true');
    expect(overdue.status, JSON.stringify(overdue.body)).toBe(200);
    expect(overdue.body.items.map((i: { id: string }) => i.id)).toEqual([audit.id]);
    expect(await t.platform.services.monitoring.alerts.scan()).toBeGreaterThanOrEqual(1);
    const alerts = await leader.get('/api/v1/monitoring/alerts?definitionKey=bill-audit');
    expect(alerts.status, JSON.stringify(alerts.body)).toBe(200);
    expect(alerts.body.instances).toEqual([expect.objectContaining({ instanceId: audit.id, kind: 'breached' })]);
    // and the bill, issued now, keeps 7 days to pay
    const corrected = await tech.post(`/api/v1/tasks/${fix.id}/complete`, {
      variables: { correctedReading: 5100, readingNote: '抄表员误抄，现场示数5100' },
    });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    await eventually(async () => {
      await drain();
      return (await instance(auditor, audit.id)).status === 'completed';
    }, 10_000);
    const b = await bill(c.idle!.id);
    expect(b).toMatchObject({ status: 'issued', dueDate: '2024-08-19', auditFlags: [] });
    expect(Number(b.total)).toBeGreaterThan(0);
    const vars = (await instance(auditor, audit.id)).variables;
    expect(vars).toMatchObject({ stillHeld: false, dueDate: '2024-08-19' });
  });

  it('refuses to start the process without permission', async () => {
    const res = await collector.post('/api/v1/process-instances', {
      definitionKey: 'monthly-billing',
      variables: { period: '2024-07' },
    });
    expect(res.status).toBe(403);
  });
});
