import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { openSteps, waitForTask, work } from '../../support/processes.js';
import { instance, start } from '../../support/workflow.js';

const application = {
  customerName: '杭州西湖精密机械厂',
  phone: '13900001111',
  address: '杭州市西湖区文一西路 100 号',
  elecTypeCode: '100',
  capacityKva: 800,
};

/** 09:00 Asia/Shanghai on a date. */
const at = (date: string, hour = 9) => `${date}T${String(hour - 8).padStart(2, '0')}:00:00Z`;

describe.each(BACKENDS)('new connection (业扩报装), end to end through the API (%s)', (backend) => {
  let t: TestPlatform;
  const clock = new TestClock(at('2025-03-03'));

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock });
  });
  afterAll(() => t?.close());

  async function apply(businessKey: string, variables: Record<string, unknown>) {
    const clerk = await t.as('xh.clerk');
    const started = await start(clerk, 'new-connection', { departmentId: 'ZJ-HZ-XH', businessKey, variables });
    expect(started.tasks.map((x) => x.elementId)).toEqual(['A01']);
    return started.id;
  }

  it('runs the HV single-source worked example: 6 + 3 + 3 + 4 = 16 utility WD ≤ 22, on time (DOMAIN.md §2)', async () => {
    // given an important HV single-source application accepted on Monday 2025-03-03
    clock.set(at('2025-03-03'));
    const id = await apply('YK-2025-0001', { ...application, acceptClass: '03', important: true });
    // (the job's own deadline: 22 utility WD from acceptance, Qingming 4–6 April not counted)
    expect((await instance(await t.as('xh.clerk'), id)).dueAt).toBe('2025-04-02T15:59:59.999Z');
    await work(t, 'xh.clerk', id, 'A01', { acceptClass: '03', important: true });

    // survey and scheme reply take 6 WD (Tue 4 … Tue 11 March)
    clock.set(at('2025-03-05'));
    await work(t, 'xh.surveyor', id, 'A02', { surveyDate: '2025-03-05', surveyFindings: '10kV 线路可接入' });
    clock.set(at('2025-03-06'));
    await work(t, 'xh.account', id, 'A03', {
      schemeNo: 'FA-2025-001',
      supplyVoltage: '10kV',
      schemeSummary: '10kV 单电源',
    });
    clock.set(at('2025-03-07'));
    await work(t, 'xh.leader', id, 'A04', { approved: 'yes' });
    clock.set(at('2025-03-11'));
    await work(t, 'xh.account', id, 'A05', { replyChannel: 'counter', customerInformed: true });
    expect((await instance(await t.as('xh.clerk'), id)).variables).toMatchObject({
      schemeIssuedOn: '2025-03-11',
      schemeValidUntil: '2026-03-11',
    });

    // design review: the customer's documents (customer clock), then 3 WD of review
    // (while the customer has the job, its clock is stopped: no deadline to breach)
    expect((await instance(await t.as('xh.clerk'), id)).dueAt).toBeNull();
    clock.set(at('2025-03-20'));
    await work(t, 'xh.clerk', id, 'A09', { documentsComplete: true });
    // (and back with the utility, the deadline moves by the customer's 7 WD: 12–20 March)
    expect((await instance(await t.as('xh.clerk'), id)).dueAt).toBe('2025-04-14T15:59:59.999Z');
    clock.set(at('2025-03-25'));
    await work(t, 'xh.account', id, 'A10', { reviewResult: 'pass' });
    // mid-term inspection on the day the customer asks for it
    clock.set(at('2025-04-15'));
    await work(t, 'xh.clerk', id, 'A11', { documentsComplete: true });
    await work(t, 'xh.surveyor', id, 'A12', { reviewResult: 'pass' });
    // however long the customer's own works take, then 3 WD of completion inspection
    clock.set(at('2025-05-20'));
    await work(t, 'xh.clerk', id, 'A14', { documentsComplete: true });
    clock.set(at('2025-05-23'));
    await work(t, 'xh.surveyor', id, 'A15', { reviewResult: 'pass' });
    // contract and fee notice the same day; the fee payment is the customer's time
    await work(t, 'xh.clerk', id, 'A16', { contractNo: 'HT-2025-001', contractSignedOn: '2025-05-23' });
    await work(t, 'xh.account', id, 'A06', { feeAmount: 12000 });
    clock.set(at('2025-06-03'));
    await work(t, 'xh.clerk', id, 'A07', { feePaid: true, receiptNo: 'SJ-001' });
    // installation and energisation: 4 WD (Wed 4 … Mon 9 June)
    clock.set(at('2025-06-05'));
    await work(t, 'xh.meter', id, 'A17', {
      meterAssetNo: 'NC-METER-0001',
      meterAccuracyClass: '0.5S',
      meterMultiplier: 200,
      meterInitialReading: 0,
    });
    clock.set(at('2025-06-09'));
    await work(t, 'xh.meter', id, 'A18', { energisedOn: '2025-06-09' });

    // then the SLA: 16 utility WD against 22, on time; the customer's waits are on their clock
    const leader = await t.as('xh.leader');
    const afterEnergisation = (await instance(leader, id)).variables;
    expect(afterEnergisation, JSON.stringify(afterEnergisation.slaSteps)).toMatchObject({
      slaUtilityWd: 16,
      slaLimitWd: 22,
      slaOnTime: true,
      slaStatus: 'on-time',
      slaTable: 'SGCC-2023',
    });
    const steps = afterEnergisation.slaSteps as { step: string; clock: string; wd: number }[];
    const wd = (step: string) => steps.find((s) => s.step === step)?.wd;
    expect([wd('A02')! + wd('A03')! + wd('A04')! + wd('A05')!, wd('A10'), wd('A15'), wd('A17')! + wd('A18')!]).toEqual([
      6, 3, 3, 4,
    ]);
    expect(steps.filter((s) => s.clock === 'customer').map((s) => s.step)).toEqual(['A09', 'A11', 'A14', 'A07']);

    // and on archiving the customer and the meter exist, and the customer got a notice
    await work(t, 'xh.clerk', id, 'A20', { archiveNo: 'DA-2025-001' });
    await work(t, 'xh.clerk', id, 'A22', { archiveNo: 'DA-2025-001' });
    const done = await instance(leader, id);
    expect(done.status).toBe('completed');
    const { customerId, accountNo, meterId } = done.variables as Record<string, string>;
    const customer = await (await t.as('xh.clerk')).get(`/api/v1/customers/${customerId}`);
    expect(customer.body).toMatchObject({
      accountNo,
      name: application.customerName,
      departmentId: 'ZJ-HZ-XH',
      elecTypeCode: '100',
    });
    const meters = await (await t.as('xh.meter')).get(`/api/v1/customers/${customerId}/meters`);
    expect(meters.body.items).toEqual([
      expect.objectContaining({
        id: meterId,
        assetNo: 'NC-METER-0001',
        accuracyClass: '0.5S',
        installDate: '2025-06-09',
      }),
    ]);
    const notices = await leader.get(`/api/v1/notifications?instanceId=${id}`);
    expect(notices.body.items).toEqual([expect.objectContaining({ template: 'connection_completed', customerId })]);
    expect(notices.body.items[0].body).toContain(accountNo);
  });

  it('refuses invalid acceptance data with field errors and changes nothing', async () => {
    clock.set(at('2025-03-03'));
    const id = await apply('YK-2025-0002', { ...application, acceptClass: '02' });
    const clerk = await t.as('xh.clerk');
    const task = await waitForTask(clerk, id, 'A01');
    await clerk.post(`/api/v1/tasks/${task.id}/claim`);
    const bad = await clerk.post(`/api/v1/tasks/${task.id}/complete`, {
      variables: { acceptClass: '07', phone: '12-34', capacityKva: 0, customerName: '' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('FORM_INVALID');
    expect(bad.body.details.map((d: { field: string; reason: string }) => `${d.field}:${d.reason}`)).toEqual([
      'customerName:required',
      'phone:pattern',
      'acceptClass:option',
      'capacityKva:min',
    ]);
    expect(await openSteps(clerk, id)).toEqual(['A01']);
    expect((await instance(clerk, id)).variables.acceptClass).toBe('02');
  });

  it('takes an LV non-residential job through grid-side works to installation', async () => {
    clock.set(at('2025-03-03'));
    const id = await apply('YK-2025-0003', {
      ...application,
      acceptClass: '02',
      elecTypeCode: '400',
      capacityKva: 100,
    });
    await work(t, 'xh.clerk', id, 'A01', { gridWorks: true });
    await work(t, 'xh.account', id, 'A08', { gridWorksDone: true });
    expect(await openSteps(await t.as('xh.meter'), id)).toEqual(['A17']);
  });

  it('escalates an overdue survey to the team leader, who reassigns it; a residential job then completes', async () => {
    // given a residential application accepted on Monday 3 March
    clock.set(at('2025-03-03'));
    const id = await apply('YK-2025-0004', {
      ...application,
      customerName: '王小明',
      acceptClass: '01',
      elecTypeCode: '202',
      capacityKva: 8,
    });
    await work(t, 'xh.clerk', id, 'A01');
    const leader = await t.as('xh.leader');
    // when the survey (wd:2, due Wednesday 23:59) is still open on Thursday
    clock.set(at('2025-03-05', 20));
    await t.platform.executor.drain();
    expect(await openSteps(leader, id)).toEqual(['A02']);
    clock.set(at('2025-03-06'));
    await t.platform.executor.drain();
    // then the team leader has an escalation task, and the survey stays open
    const escalation = await waitForTask(leader, id, 'A02_ESC');
    expect(escalation.candidateGroups).toEqual(['team_leader']);
    expect(new Date(escalation.dueAt as string).toISOString()).toBe('2025-03-07T15:59:59.999Z');
    const survey = await waitForTask(leader, id, 'A02');
    expect(new Date(survey.dueAt as string).toISOString()).toBe('2025-03-05T15:59:59.999Z');
    // the leader reassigns the survey and closes the escalation (a comment is required)
    const assigned = await leader.post(`/api/v1/tasks/${survey.id}/assign`, { assignee: 'xh.surveyor' });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    await leader.post(`/api/v1/tasks/${escalation.id}/claim`);
    const noComment = await leader.post(`/api/v1/tasks/${escalation.id}/complete`, {
      variables: { escalationAction: 'reassigned' },
    });
    expect(noComment.body.details).toEqual([
      expect.objectContaining({ field: 'escalationComment', reason: 'required' }),
    ]);
    await work(t, 'xh.leader', id, 'A02_ESC', { escalationAction: 'reassigned', escalationComment: '改派王工' });
    // the residential job goes from survey straight to installation, and completes
    await work(t, 'xh.surveyor', id, 'A02', { surveyDate: '2025-03-06', surveyFindings: '表箱已具备' });
    await work(t, 'xh.meter', id, 'A17', {
      meterAssetNo: 'NC-METER-0004',
      meterAccuracyClass: '2.0',
      meterMultiplier: 1,
    });
    await work(t, 'xh.meter', id, 'A18', { energisedOn: '2025-03-07' });
    await work(t, 'xh.clerk', id, 'A20', { archiveNo: 'DA-0004' });
    await work(t, 'xh.clerk', id, 'A22', { archiveNo: 'DA-0004' });
    const done = await instance(leader, id);
    expect(done.status).toBe('completed');
    // residential: a whole-process limit of 5 WD; 4 days after acceptance it is on time
    expect(done.variables).toMatchObject({ slaLimitWd: 5, slaOnTime: true });
    const meters = await (await t.as('xh.meter')).get(`/api/v1/customers/${done.variables.customerId}/meters`);
    expect(meters.body.items[0]).toMatchObject({ assetNo: 'NC-METER-0004', deviceClass: 'V' });
  });

  it('never offers a contract on an expired supply scheme: a new scheme is drafted', async () => {
    // given an HV scheme issued on 11 March 2025 (valid up to and including 11 March 2026)
    clock.set(at('2025-03-03'));
    const id = await apply('YK-2025-0005', { ...application, acceptClass: '03', important: false });
    await work(t, 'xh.clerk', id, 'A01');
    await work(t, 'xh.surveyor', id, 'A02', { surveyDate: '2025-03-04', surveyFindings: '可接入' });
    await work(t, 'xh.account', id, 'A03', { schemeNo: 'FA-2025-005', supplyVoltage: '10kV', schemeSummary: '方案' });
    await work(t, 'xh.leader', id, 'A04', { approved: 'yes' });
    clock.set(at('2025-03-11'));
    await work(t, 'xh.account', id, 'A05', { replyChannel: 'letter', customerInformed: true });
    // when the customer's works take until 12 March 2026
    clock.set(at('2026-03-12'));
    await work(t, 'xh.clerk', id, 'A14', { documentsComplete: true });
    await work(t, 'xh.surveyor', id, 'A15', { reviewResult: 'pass' });
    // then there is no contract task: the scheme is drafted again
    const account = await t.as('xh.account');
    await waitForTask(account, id, 'A03');
    expect(await openSteps(account, id)).toEqual(['A03']);
    const history = (await instance(account, id)).history as { elementId: string }[];
    expect(history.map((h) => h.elementId)).toContain('A16_EXPIRED');
    expect(history.map((h) => h.elementId)).not.toContain('A16');
  });
});
