import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { instance } from '../../support/workflow.js';
import { newCustomer } from '../marketing/accounts.js';
import { instancesOf, issueBill, taskAt, completeTaskAt } from './marketing-fixtures.js';

/**
 * Issue 5 §5, high-risk customer warnings (高风险用户预警) end to end: the nightly screening at HQ
 * applies H1–H8 and opens one warning work order per high-risk customer for the account managers
 * of its county (seen up the chain), a group's arrears roll up to the parent, the assignee reports
 * the measure with evidence, HQ escalates (督办) to the county manager and closes; a measure not
 * reported by its deadline marks the warning overdue; daily statistics by province, industry, level.
 */
describe.each(BACKENDS)('high-risk warnings: screen, warn, report, review (%s)', (backend) => {
  let t: TestPlatform;
  let hq: ApiClient;
  let account: ApiClient;
  let manager: ApiClient;
  const clock = new TestClock('2024-09-02T01:30:00+08:00');
  const c: Record<string, { id: string; accountNo: string }> = {};

  const drain = () => t.platform.executor.drain();
  const warningOf = async (key: string) => (await instancesOf(hq, 'high-risk-warning', c[key]!.accountNo))[0];
  const complete = (client: ApiClient, instanceId: string, elementId: string, variables: Record<string, unknown>) =>
    completeTaskAt(t, client, instanceId, elementId, variables);

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock, jobs: false });
    hq = await t.as('hq.supervisor');
    account = await t.as('xh.account');
    manager = await t.as('xh.manager');
    const xh = await t.as('xh.clerk');
    // H2 (steel with arrears) and H3 (≥ 1 000 000): level A.
    c.steel = await newCustomer(xh, { elecTypeCode: '400', name: '西湖钢铁厂', hueTradeTypeCode: '101' });
    await issueBill(t, c.steel.id, '2024-07', '1200000.00', '2024-08-15');
    // A group: the parent in Xihu, a subsidiary in Jiangning (another province); each owes 600 000,
    // the group 1 200 000 (H3 on the parent: level A, to the parent's account manager).
    c.parent = await newCustomer(xh, { elecTypeCode: '400', name: '钱塘集团', hueTradeTypeCode: '201' });
    c.child = await newCustomer(await t.as('jn.clerk'), {
      elecTypeCode: '400',
      name: '钱塘集团江宁分厂',
      hueTradeTypeCode: '201',
      groupParentId: c.parent.id,
    });
    await issueBill(t, c.parent.id, '2024-08', '600000.00', '2024-09-15');
    await issueBill(t, c.child.id, '2024-08', '600000.00', '2024-09-15');
    // H4 (current-year arrears aged 4 months) and H5 (credit grade C): level B.
    c.graded = await newCustomer(xh, { elecTypeCode: '400', name: '龙井茶厂', creditGrade: 'C' });
    await issueBill(t, c.graded.id, '2024-05', '8000.00', '2024-06-15');
    // H8: on the dishonest-customer list since August, owing nothing: level A all the same.
    const jn = await t.as('jn.clerk');
    c.dishonest = await newCustomer(jn, { elecTypeCode: '400', name: '秦淮建材' });
    const listed = await jn.patch(`/api/v1/customers/${c.dishonest.id}`, { dishonestListedOn: '2024-08-20' });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.dishonestListedOn).toBe('2024-08-20');
    // (a listing is a date: anything else is refused and changes nothing)
    const bad = await jn.patch(`/api/v1/customers/${c.dishonest.id}`, { dishonestListedOn: '2024-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.dishonestListedOn');
    expect(JSON.stringify(bad.body.errors)).toContain('dishonestListedOn must be a real date');
    // Nothing wrong: not screened high-risk.
    c.fine = await newCustomer(xh, { elecTypeCode: '400', name: '西溪书店' });
    await issueBill(t, c.fine.id, '2024-08', '300.00', '2024-09-15');
  });
  afterAll(() => t?.close());

  it('the nightly screening at 01:00 opens one warning per high-risk customer', async () => {
    const ran = await t.platform.services.processes.dailyJobs.tick();
    expect(ran).toEqual(['risk-screening']);
    await drain();
    expect(await warningOf('steel')).toMatchObject({ status: 'running' });
    expect(await warningOf('parent')).toMatchObject({ status: 'running' });
    expect(await warningOf('graded')).toMatchObject({ status: 'running' });
    expect(await warningOf('dishonest')).toMatchObject({ status: 'running' });
    expect(await warningOf('fine')).toBeUndefined();
    // the subsidiary's arrears are the parent's order, not one of its own
    expect(await warningOf('child')).toBeUndefined();
  });

  it('screening again (HQ, on demand) opens no second warning beside an open one', async () => {
    const res = await hq.post('/api/v1/risk/screenings', { date: '2024-09-02' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ date: '2024-09-02', screened: 6, highRisk: 4, warningsOpened: 0 });
    expect(await instancesOf(hq, 'high-risk-warning', c.steel!.accountNo)).toHaveLength(1);
    expect((await account.post('/api/v1/risk/screenings', {})).status).toBe(403);
  });

  it('gives the county account manager the order with level, rules, required measure and a 10-WD deadline', async () => {
    const steel = (await warningOf('steel'))!;
    const task = (await taskAt(account, steel.id, 'RW_MEASURE'))!;
    expect(task).toBeTruthy();
    // 10 working days after Monday 2024-09-02: Saturday 09-14 is a working day (Mid-Autumn 调休)
    expect(new Date(task.dueAt as string).toISOString()).toBe('2024-09-14T15:59:59.999Z');
    expect((await instance(account, steel.id)).variables).toMatchObject({
      level: 'A',
      rules: 'H2, H3',
      requiredTactics: '3, 4, 13, 2',
      arrears: '1200000.00',
    });
    // the level and the measure came from the decision table (processes/decisions/high-risk-level.dmn)
    const decided = await hq.get(`/api/v1/process-instances/${steel.id}/decision-evaluations`);
    expect(decided.body.items.map((e: { decisionKey: string; result: unknown }) => [e.decisionKey, e.result])).toEqual([
      ['highRiskLevel', 'A'],
      ['requiredMeasure', { tactics: [3, 4, 13, 2], withinWd: 10 }],
    ]);
    // the city's account manager sees it too; another province's does not
    expect(await taskAt(await t.as('hz.account'), steel.id, 'RW_MEASURE')).toBeTruthy();
    expect(await taskAt(await t.as('jn.account'), steel.id, 'RW_MEASURE')).toBeUndefined();
  });

  it('rolls a group up to the parent: the order carries the group’s arrears', async () => {
    const parent = (await warningOf('parent'))!;
    // its members sit in Zhejiang and Jiangsu: HQ's order, one child per province (high-risk-warning-group.test.ts)
    expect((await instance(hq, parent.id)).variables).toMatchObject({
      level: 'A',
      arrears: '1200000.00',
      provinces: ['JS', 'ZJ'],
    });
    const graded = (await warningOf('graded'))!;
    expect((await instance(account, graded.id)).variables).toMatchObject({ level: 'B', rules: 'H4, H5' });
    // the listed customer: H8 alone is level A, for Jiangning's account manager
    const dishonest = (await warningOf('dishonest'))!;
    expect((await instance(hq, dishonest.id)).variables).toMatchObject({ level: 'A', rules: 'H8', arrears: '0.00' });
    expect(await taskAt(await t.as('jn.account'), dishonest.id, 'RW_MEASURE')).toBeTruthy();
    // and taken off the list, the next screening no longer counts the customer high-risk
    expect(
      (await (await t.as('jn.clerk')).patch(`/api/v1/customers/${c.dishonest!.id}`, { dishonestListedOn: null })).body
        .dishonestListedOn,
    ).toBeNull();
  });

  it('the measure goes up to HQ, which escalates to the county manager and then closes', async () => {
    const steel = (await warningOf('steel'))!;
    // a measure without evidence is refused by the form
    await drain();
    const task = (await taskAt(account, steel.id, 'RW_MEASURE'))!;
    await account.post(`/api/v1/tasks/${task.id}/claim`);
    const bad = await account.post(`/api/v1/tasks/${task.id}/complete`, {
      variables: { tactic: '3', measure: '签订预付协议' },
    });
    expect(bad.status).toBe(400);
    await complete(account, steel.id, 'RW_MEASURE', {
      tactic: '9',
      measure: '列入重点监控，每日跟踪用电',
      evidence: '监控台账 2024-09-03',
    });
    const review = (await instance(hq, steel.id)).variables;
    expect(review).toMatchObject({ measureCompliant: false, tacticName: '9 重点监控' });
    await complete(hq, steel.id, 'RW_REVIEW', {
      reviewDecision: 'escalate',
      hqComment: 'A级须采取预付费、费控、保函或分期措施',
    });
    await complete(manager, steel.id, 'RW_SUPERVISED', {
      tactic: '3',
      measure: '已签订预付电费协议',
      evidence: '协议编号 XH-2024-091',
    });
    expect((await instance(hq, steel.id)).variables).toMatchObject({ measureCompliant: true, escalations: 1 });
    await complete(hq, steel.id, 'RW_REVIEW', { reviewDecision: 'close', hqComment: '措施到位，关闭' });
    expect((await instance(hq, steel.id)).status).toBe('completed');
    const row = await t.platform.db('risk_warnings').where({ customer_id: c.steel!.id }).first();
    expect(row).toMatchObject({ status: 'closed', tactic: 3, escalations: 1, measure_compliant: true });
  });

  it('a measure not reported by its deadline marks the warning overdue', async () => {
    const graded = (await warningOf('graded'))!;
    const due = (await instance(hq, graded.id)).variables.measureDueAt as string;
    clock.set(new Date(Date.parse(due) + 1000));
    await drain();
    const row = await t.platform.db('risk_warnings').where({ customer_id: c.graded!.id }).first();
    expect(row.overdue).toBe(true);
    // the task is still there: an overdue warning still needs its measure
    expect(await taskAt(account, graded.id, 'RW_MEASURE')).toBeTruthy();
  });

  it('counts the day by province, industry and level for those who may read the province’s dashboard', async () => {
    const date = new Date(clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect((await hq.post('/api/v1/risk/screenings', { date })).status).toBe(200);
    // (the customer taken off the dishonest list is screened, and no longer high-risk)
    const delisted = await t.platform.db('risk_screenings').where({ screen_date: date, customer_id: c.dishonest!.id });
    expect(delisted.map((r: { level: string | null; rules: string[] }) => [r.level, r.rules])).toEqual([[null, []]]);
    const stats = await hq.get(`/api/v1/risk/statistics?date=${date}`);
    expect(stats.status).toBe(200);
    expect(stats.body.date).toBe(date);
    const zj = stats.body.items.filter((i: { provinceId: string }) => i.provinceId === 'ZJ');
    const row = (industry: string, level: string) =>
      zj.find((i: { industry: string; level: string }) => i.industry === industry && i.level === level);
    // the steel works' warning is closed but it is still high-risk: counted, no open warning
    expect(row('101', 'A')).toMatchObject({ highRisk: 1, openWarnings: 0 });
    expect(row('201', 'A')).toMatchObject({ highRisk: 1, openWarnings: 1, arrearsTotal: '1200000.00' });
    expect(row('-', 'B')).toMatchObject({ highRisk: 1, openWarnings: 1, overdueWarnings: 1 });
    // the province's manager sees Zhejiang; a county leader sees no province; a clerk may not look
    const zjView = await (await t.as('zj.manager')).get(`/api/v1/risk/statistics?date=${date}`);
    expect(zjView.body.items.every((i: { provinceId: string }) => i.provinceId === 'ZJ')).toBe(true);
    expect(zjView.body.totals.highRisk).toBe(3);
    expect((await (await t.as('xh.leader')).get(`/api/v1/risk/statistics?date=${date}`)).body.items).toEqual([]);
    expect((await (await t.as('xh.clerk')).get('/api/v1/risk/statistics')).status).toBe(403);
    expect((await hq.get('/api/v1/risk/statistics?date=2024-13-01')).status).toBe(400);
  });

  it('lists the customers owing 1 000 000 yuan or more, split by year, grouped by industry', async () => {
    const res = await hq.get('/api/v1/risk/register');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byIndustry = Object.fromEntries(
      res.body.industries.map((g: { industry: string; customers: { accountNo: string }[] }) => [
        g.industry,
        g.customers.map((x) => x.accountNo),
      ]),
    );
    expect(byIndustry).toEqual({ '101': [c.steel!.accountNo], '201': [c.parent!.accountNo] });
    const parent = res.body.industries.find((g: { industry: string }) => g.industry === '201').customers[0];
    expect(parent).toMatchObject({ arrearsCurrentYear: '1200000.00', arrearsPriorYears: '0.00', level: 'A' });
    const lower = await hq.get('/api/v1/risk/register?minArrears=5000');
    expect(lower.body.industries.map((g: { industry: string }) => g.industry)).toContain('-');
    expect((await hq.get('/api/v1/risk/register?minArrears=lots')).status).toBe(400);
  });
});
