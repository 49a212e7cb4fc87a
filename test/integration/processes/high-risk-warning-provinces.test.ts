import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { newCustomer } from '../marketing/accounts.js';
import { completeTaskAt, instancesOf, issueBill, notices } from './marketing-fixtures.js';

interface ProvinceItem {
  provinceId: string;
  provinceName: string;
  instanceId: string;
  state: string;
  deadline: string | null;
  overdue: boolean;
  escalations: number;
  tactic: number | null;
  measure: string | null;
  evidence: string | null;
  answeringDepartment: { id: string; name: string } | null;
}

/**
 * DOMAIN.md §7, a group's warning order across provinces: HQ reads each province's answer
 * (GET /risk-warnings/:id/provinces), a province's staff read their own province only, and a
 * province that has not answered by the deadline (working days; the boundary timer on its task,
 * a job in the database) is escalated (督办) once: its row, its instance history, and notices to
 * HQ's supervisors and the province's department managers.
 */
describe.each(BACKENDS)('a group warning’s provinces: answers and the missed deadline (%s)', (backend) => {
  let t: TestPlatform;
  let hq: ApiClient;
  let zjAccount: ApiClient;
  let jsAccount: ApiClient;
  let jsManager: ApiClient;
  let jsManagerPhone: string;
  const clock = new TestClock('2024-09-02T01:30:00+08:00');
  let warningId: string;
  let deadline: string;
  const child: Record<string, string> = {};

  const provinces = (client: ApiClient, id = warningId) => client.get(`/api/v1/risk-warnings/${id}/provinces`);
  const escalations = () =>
    t.platform.db('operation_log').where({ operation: 'escalate' }).orderBy('id').select('instance_id', 'actor');
  const overdueNotices = () =>
    t.platform
      .db('notifications')
      .where({ template: 'risk_province_overdue' })
      .orderBy('recipient')
      .select('department_id', 'instance_id', 'element_id', 'recipient', 'status', 'body');

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock, jobs: false });
    hq = await t.as('hq.supervisor');
    // The demo's province-level staff: account managers answer, the department manager hears of a miss.
    zjAccount = await t.as('zj.account');
    jsAccount = await t.as('js.account');
    jsManager = await t.as('js.manager');
    jsManagerPhone = (
      (await t.platform.db('users').where({ username: 'js.manager' }).first('phone')) as { phone: string }
    ).phone;
    const parent = await newCustomer(await t.as('xh.clerk'), {
      elecTypeCode: '400',
      name: '钱塘集团',
      hueTradeTypeCode: '201',
    });
    const sub = await newCustomer(await t.as('jn.clerk'), {
      elecTypeCode: '400',
      name: '钱塘集团江宁分厂',
      hueTradeTypeCode: '201',
      groupParentId: parent.id,
    });
    await issueBill(t, parent.id, '2024-08', '600000.00', '2024-09-15');
    await issueBill(t, sub.id, '2024-08', '600000.00', '2024-09-15');
    expect(await t.platform.services.processes.dailyJobs.tick()).toEqual(['risk-screening']);
    await t.platform.executor.drain();
    const [order] = await instancesOf(hq, 'high-risk-warning', parent.accountNo);
    const warning = await t.platform.db('risk_warnings').where({ instance_id: order!.id }).first('id', 'deadline_at');
    warningId = warning.id as string;
    deadline = new Date(warning.deadline_at as Date | string).toISOString();
    for (const row of await t.platform
      .db('process_instances')
      .where({ parent_instance_id: order!.id })
      .select('id', 'department_id'))
      child[row.department_id as string] = row.id as string;
  });
  afterAll(() => t?.close());

  it('keeps each province’s deadline as a timer job in the database, due at the working-day deadline', async () => {
    // 10 WD for level A from Monday 2024-09-02, over the Mid-Autumn holiday (15–17 Sep off, Saturday 14 Sep worked)
    expect(deadline).toBe('2024-09-14T15:59:59.999Z');
    const timers = await t.platform
      .db('jobs')
      .whereIn('instance_id', [child.JS!, child.ZJ!])
      .where({ type: 'timer', element_id: 'RW_PROVINCE_DEADLINE' })
      .select('instance_id', 'due_at');
    expect(timers.map((j) => [j.instance_id, new Date(j.due_at as string).toISOString()]).sort()).toEqual(
      [
        [child.JS, deadline],
        [child.ZJ, deadline],
      ].sort(),
    );
  });

  it('shows HQ both provinces: one answered with its measure and department, one still open', async () => {
    await completeTaskAt(t, zjAccount, child.ZJ!, 'RW_PROVINCE_MEASURE', {
      tactic: '3',
      measure: '集团本部签订预付电费协议',
      evidence: '协议编号 ZJ-2024-017',
    });
    const res = await provinces(hq);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ warningId, level: 'A', deadline, total: 2 });
    const [js, zj] = res.body.items as ProvinceItem[];
    expect(js).toMatchObject({
      provinceId: 'JS',
      instanceId: child.JS,
      state: 'open',
      deadline,
      overdue: false,
      escalations: 0,
      measure: null,
      answeringDepartment: null,
    });
    expect(zj).toMatchObject({
      provinceId: 'ZJ',
      instanceId: child.ZJ,
      state: 'answered',
      tactic: 3,
      measure: '集团本部签订预付电费协议',
      evidence: '协议编号 ZJ-2024-017',
      measureCompliant: true,
      answeringDepartment: { id: 'ZJ', name: zj!.provinceName },
    });
    // the department answers, never the person
    expect(JSON.stringify(res.body)).not.toContain('zj.account');
  });

  it('shows a province’s staff their own province only, and the other’s row does not exist for them', async () => {
    const zjList = await provinces(zjAccount);
    expect(zjList.status, JSON.stringify(zjList.body)).toBe(200);
    expect((zjList.body.items as ProvinceItem[]).map((i) => i.provinceId)).toEqual(['ZJ']);
    const jsList = await provinces(jsAccount);
    expect((jsList.body.items as ProvinceItem[]).map((i) => [i.provinceId, i.state])).toEqual([['JS', 'open']]);
    expect((await zjAccount.get(`/api/v1/risk-warnings/${warningId}/provinces/JS`)).status).toBe(404);
    expect((await jsAccount.get(`/api/v1/risk-warnings/${warningId}/provinces/ZJ`)).status).toBe(404);
    const own = await jsAccount.get(`/api/v1/risk-warnings/${warningId}/provinces/JS`);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body).toMatchObject({ provinceId: 'JS', state: 'open' });
    // a county clerk reads neither the order nor a province: the warning does not exist for them
    expect((await provinces(await t.as('xh.clerk'))).status).toBe(404);
    expect((await hq.get(`/api/v1/risk-warnings/${warningId}/provinces/XX`)).status).toBe(404);
    expect((await provinces(hq, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await provinces(hq, 'not-a-uuid')).status).toBe(400);
    expect((await hq.get(`/api/v1/risk-warnings/${warningId}/provinces/bad%20id`)).status).toBe(400);
  });

  it('does not escalate before the deadline', async () => {
    clock.set(new Date(Date.parse(deadline) - 1000));
    await t.platform.executor.drain();
    expect(await escalations()).toEqual([]);
    expect(await overdueNotices()).toEqual([]);
  });

  it('escalates the province that did not answer, once, on a platform started after the timer was stored', async () => {
    clock.set(new Date(Date.parse(deadline) + 1000));
    // a restart: another platform on the same database finds the timer and fires it
    const next = await startTestPlatform(backend, { database: t.database, clock, jobs: false });
    try {
      await next.platform.executor.drain();
    } finally {
      await next.close();
    }
    clock.advance('P2D');
    await t.platform.executor.drain();

    expect(await escalations()).toEqual([{ instance_id: child.JS, actor: 'system' }]);
    const rows = await t.platform
      .db('risk_warning_provinces')
      .where({ warning_id: warningId })
      .orderBy('province_id')
      .select('province_id', 'status', 'overdue', 'escalations');
    expect(rows).toEqual([
      { province_id: 'JS', status: 'escalated', overdue: true, escalations: 1 },
      { province_id: 'ZJ', status: 'reported', overdue: false, escalations: 0 },
    ]);
    // HQ's supervisors (each of them) and Jiangsu's department manager; not Zhejiang's
    const supervisors = (await t.platform
      .db('user_roles')
      .where({ role_code: 'hq_supervisor' })
      .countDistinct({ n: 'user_id' })
      .first()) as { n: number | string };
    const sent = await overdueNotices();
    expect(sent).toHaveLength(Number(supervisors.n) + 1);
    expect(new Set(sent.map((n) => n.instance_id))).toEqual(new Set([child.JS]));
    expect(new Set(sent.map((n) => n.element_id))).toEqual(new Set(['RW_PROVINCE_OVERDUE_ESCALATE']));
    const toJs = sent.filter((n) => n.department_id === 'JS');
    expect(toJs).toEqual([expect.objectContaining({ recipient: jsManagerPhone, status: 'sent' })]);
    expect(toJs[0]!.body).toContain('钱塘集团');
    expect(toJs[0]!.body).toContain('2024-09-14');
    expect(sent.filter((n) => n.department_id === 'HQ')).toHaveLength(Number(supervisors.n));
    // the province's department sees its notice; HQ sees all of them
    expect((await notices(jsManager, 'template=risk_province_overdue')).map((n) => n.elementId)).toEqual([
      'RW_PROVINCE_OVERDUE_ESCALATE',
    ]);
    expect(await notices(hq, 'template=risk_province_overdue')).toHaveLength(sent.length);
  });

  it('escalates once when the escalation’s service call is delivered again (at-least-once)', async () => {
    // given the call that escalated Jiangsu, with its key (the job's instance and execution)
    const entry = await t.platform.db('operation_log').where({ operation: 'escalate' }).first('details');
    const details = (typeof entry.details === 'string' ? JSON.parse(entry.details) : entry.details) as {
      key: string;
    };
    const variables = (await t.platform.db('process_instances').where({ id: child.JS }).first('variables'))
      .variables as Record<string, unknown>;
    const before = await overdueNotices();
    // when it is delivered a second time
    const service = t.platform.services.registry.get('riskProvinceOverdueEscalate')!;
    const output = await service.handler({
      idempotencyKey: details.key,
      instanceId: child.JS!,
      elementId: 'RW_PROVINCE_OVERDUE_ESCALATE',
      businessKey: null,
      departmentId: 'JS',
      variables: typeof variables === 'string' ? (JSON.parse(variables) as Record<string, unknown>) : variables,
    });
    // then nothing is escalated or sent twice
    expect(output).toMatchObject({ escalations: 1 });
    expect(await escalations()).toHaveLength(1);
    expect(await overdueNotices()).toEqual(before);
    const row = await t.platform
      .db('risk_warning_provinces')
      .where({ warning_id: warningId, province_id: 'JS' })
      .first();
    expect(row).toMatchObject({ status: 'escalated', escalations: 1 });
  });

  it('records the escalation in the province’s instance history and shows it as escalated', async () => {
    const ops = await hq.get(`/api/v1/process-instances/${child.JS}/operations`);
    expect(ops.status, JSON.stringify(ops.body)).toBe(200);
    expect(ops.body.items.filter((o: { operation: string }) => o.operation === 'escalate')).toEqual([
      expect.objectContaining({
        actor: 'system',
        details: expect.objectContaining({ reason: 'deadline-missed', provinceId: 'JS', deadline }),
      }),
    ]);
    const res = await provinces(hq);
    expect((res.body.items as ProvinceItem[]).map((i) => [i.provinceId, i.state, i.overdue, i.escalations])).toEqual([
      ['JS', 'escalated', true, 1],
      ['ZJ', 'answered', false, 0],
    ]);
  });

  it('takes the late answer: the province is answered, still counted overdue and escalated once', async () => {
    await completeTaskAt(t, jsAccount, child.JS!, 'RW_PROVINCE_MEASURE', {
      tactic: '13',
      measure: '已提供银行保函',
      evidence: '保函编号 JS-2024-033',
    });
    const own = await jsAccount.get(`/api/v1/risk-warnings/${warningId}/provinces/JS`);
    expect(own.body).toMatchObject({
      state: 'answered',
      overdue: true,
      escalations: 1,
      tactic: 13,
      answeringDepartment: { id: 'JS' },
    });
    expect(await escalations()).toHaveLength(1);
  });
});
