import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { instance } from '../../support/workflow.js';
import { newCustomer } from '../marketing/accounts.js';
import { completeTaskAt, instancesOf, issueBill, taskAt } from './marketing-fixtures.js';

/**
 * DOMAIN.md §7, a group customer across provinces: the nightly screening opens one HQ warning
 * order for the group, which fans out into one child per province its member accounts sit in
 * (processes/high-risk-warning-province.bpmn, each in its province's department); each province
 * answers in its own worklist and no other, HQ reviews each answer (and may escalate it), and
 * closes the order once every province is done. A group within one province is unchanged.
 */
describe.each(BACKENDS)('high-risk warnings for a group across provinces (%s)', (backend) => {
  let t: TestPlatform;
  let hq: ApiClient;
  let zjAccount: ApiClient;
  let jsAccount: ApiClient;
  let jsManager: ApiClient;
  const clock = new TestClock('2024-09-02T01:30:00+08:00');
  const c: Record<string, { id: string; accountNo: string }> = {};

  const drain = () => t.platform.executor.drain();
  const complete = (client: ApiClient, instanceId: string, elementId: string, variables: Record<string, unknown>) =>
    completeTaskAt(t, client, instanceId, elementId, variables);
  /** A user holding one role in one department, created by the administrator. */
  const children = async (parentId: string) =>
    (await t.platform
      .db('process_instances')
      .where({ parent_instance_id: parentId })
      .orderBy('department_id')
      .select('id', 'department_id', 'status', 'business_key')) as {
      id: string;
      department_id: string;
      status: string;
      business_key: string;
    }[];

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock, jobs: false });
    hq = await t.as('hq.supervisor');
    // The demo's province-level staff answer each province's part.
    zjAccount = await t.as('zj.account');
    jsAccount = await t.as('js.account');
    jsManager = await t.as('js.manager');
    const xh = await t.as('xh.clerk');
    // A group: the parent in Xihu (Zhejiang), a subsidiary in Jiangning (Jiangsu); 1 200 000 in all.
    c.parent = await newCustomer(xh, { elecTypeCode: '400', name: '钱塘集团', hueTradeTypeCode: '201' });
    c.child = await newCustomer(await t.as('jn.clerk'), {
      elecTypeCode: '400',
      name: '钱塘集团江宁分厂',
      hueTradeTypeCode: '201',
      groupParentId: c.parent.id,
    });
    await issueBill(t, c.parent.id, '2024-08', '600000.00', '2024-09-15');
    await issueBill(t, c.child.id, '2024-08', '600000.00', '2024-09-15');
    // A group within one province (Xihu and Yuhang): the order stays with the parent's county.
    c.local = await newCustomer(xh, { elecTypeCode: '400', name: '西湖集团', hueTradeTypeCode: '201' });
    c.localChild = await newCustomer(await t.as('yh.clerk'), {
      elecTypeCode: '400',
      name: '西湖集团余杭厂',
      hueTradeTypeCode: '201',
      groupParentId: c.local.id,
    });
    await issueBill(t, c.local.id, '2024-08', '700000.00', '2024-09-15');
    await issueBill(t, c.localChild.id, '2024-08', '700000.00', '2024-09-15');
  });
  afterAll(() => t?.close());

  it('opens one HQ order for the group with one child in each province’s department', async () => {
    expect(await t.platform.services.processes.dailyJobs.tick()).toEqual(['risk-screening']);
    await drain();
    const orders = await instancesOf(hq, 'high-risk-warning', c.parent!.accountNo);
    expect(orders).toHaveLength(1);
    const order = orders[0]!;
    expect((await instance(hq, order.id)).variables).toMatchObject({
      level: 'A',
      arrears: '1200000.00',
      provinces: ['JS', 'ZJ'],
      provinceCount: 2,
    });
    const row = await t.platform.db('process_instances').where({ id: order.id }).first('department_id');
    expect(row.department_id).toBe('HQ');
    expect((await children(order.id)).map((ch) => [ch.department_id, ch.status, ch.business_key])).toEqual([
      ['JS', 'running', c.parent!.accountNo],
      ['ZJ', 'running', c.parent!.accountNo],
    ]);
    // the subsidiary has no order of its own
    expect(await instancesOf(hq, 'high-risk-warning', c.child!.accountNo)).toEqual([]);
  });

  it('puts each province’s task in that province’s worklist and not in the other’s', async () => {
    const [js, zj] = await children((await instancesOf(hq, 'high-risk-warning', c.parent!.accountNo))[0]!.id);
    const zjTask = await taskAt(zjAccount, zj!.id, 'RW_PROVINCE_MEASURE');
    const jsTask = await taskAt(jsAccount, js!.id, 'RW_PROVINCE_MEASURE');
    expect(zjTask).toMatchObject({ departmentId: 'ZJ' });
    expect(jsTask).toMatchObject({ departmentId: 'JS' });
    expect(await taskAt(zjAccount, js!.id, 'RW_PROVINCE_MEASURE')).toBeUndefined();
    expect(await taskAt(jsAccount, zj!.id, 'RW_PROVINCE_MEASURE')).toBeUndefined();
    const zjList = await zjAccount.get('/api/v1/tasks?elementId=RW_PROVINCE_MEASURE');
    expect(zjList.body.items.map((i: { id: string }) => i.id)).toEqual([zjTask!.id]);
    // a province may neither claim nor complete the other's task
    expect((await jsAccount.post(`/api/v1/tasks/${zjTask!.id}/claim`)).status).toBe(404);
    // a county account manager below the parent does not hold the province's task either
    expect(await taskAt(await t.as('xh.account'), zj!.id, 'RW_PROVINCE_MEASURE')).toBeUndefined();
  });

  it('each province answers, HQ escalates one, accepts both and closes the order', async () => {
    const order = (await instancesOf(hq, 'high-risk-warning', c.parent!.accountNo))[0]!;
    const [js, zj] = await children(order.id);
    await complete(zjAccount, zj!.id, 'RW_PROVINCE_MEASURE', {
      tactic: '3',
      measure: '集团本部签订预付电费协议',
      evidence: '协议编号 ZJ-2024-017',
    });
    await complete(jsAccount, js!.id, 'RW_PROVINCE_MEASURE', {
      tactic: '9',
      measure: '列入重点监控',
      evidence: '监控台账 2024-09-03',
    });
    // the HQ order waits for both provinces: no closing task yet
    expect(await taskAt(hq, order.id, 'RW_GROUP_CLOSE')).toBeUndefined();
    await complete(hq, zj!.id, 'RW_PROVINCE_REVIEW', { reviewDecision: 'accept' });
    await complete(hq, js!.id, 'RW_PROVINCE_REVIEW', { reviewDecision: 'escalate', hqComment: 'A级须预付或保函' });
    // 督办: the Jiangsu manager's task, in Jiangsu's worklist
    expect(await taskAt(jsManager, js!.id, 'RW_PROVINCE_SUPERVISED')).toMatchObject({ departmentId: 'JS' });
    expect(await taskAt(await t.as('zj.manager'), js!.id, 'RW_PROVINCE_SUPERVISED')).toBeUndefined();
    await complete(jsManager, js!.id, 'RW_PROVINCE_SUPERVISED', {
      tactic: '13',
      measure: '已提供银行保函',
      evidence: '保函编号 JS-2024-033',
    });
    expect(await taskAt(hq, order.id, 'RW_GROUP_CLOSE')).toBeUndefined();
    await complete(hq, js!.id, 'RW_PROVINCE_REVIEW', { reviewDecision: 'accept' });
    const answers = await t.platform
      .db('risk_warning_provinces')
      .orderBy('province_id')
      .select('province_id', 'status', 'tactic', 'measure_compliant', 'escalations');
    expect(answers).toEqual([
      { province_id: 'JS', status: 'accepted', tactic: 13, measure_compliant: true, escalations: 1 },
      { province_id: 'ZJ', status: 'accepted', tactic: 3, measure_compliant: true, escalations: 0 },
    ]);
    await complete(hq, order.id, 'RW_GROUP_CLOSE', { hqComment: '各省措施到位，关闭' });
    expect((await instance(hq, order.id)).status).toBe('completed');
    const warning = await t.platform.db('risk_warnings').where({ customer_id: c.parent!.id }).first();
    expect(warning).toMatchObject({ status: 'closed', province_id: 'ZJ' });
  });

  it('a group within one province keeps its order in the parent’s county, as before', async () => {
    const order = (await instancesOf(hq, 'high-risk-warning', c.local!.accountNo))[0]!;
    expect((await instance(hq, order.id)).variables).toMatchObject({ provinces: ['ZJ'], provinceCount: 1 });
    expect(await children(order.id)).toEqual([]);
    const account = await t.as('xh.account');
    expect(await taskAt(account, order.id, 'RW_MEASURE')).toMatchObject({ departmentId: 'ZJ-HZ-XH' });
    await complete(account, order.id, 'RW_MEASURE', { tactic: '3', measure: '签订预付协议', evidence: '协议 XH-1' });
    await complete(hq, order.id, 'RW_REVIEW', { reviewDecision: 'close' });
    expect((await instance(hq, order.id)).status).toBe('completed');
  });
});
