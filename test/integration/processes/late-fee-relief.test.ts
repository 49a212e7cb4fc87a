import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { waitForTask, work } from '../../support/processes.js';
import { instance } from '../../support/workflow.js';
import { issueBill, newCustomer } from '../marketing/accounts.js';

/*
 * DOMAIN.md §6 worked example C: a residential bill of 197.20 due 2024-08-15 has, on 2024-09-04,
 * 20 days × 197.20 × 1 ‰ = 3.94 yuan of late fee. Waiving or deferring it needs an approval task
 * (processes/late-fee-relief.bpmn): the fee changes only once the department manager approves.
 */
describe.each(BACKENDS)('late-fee waivers and deferrals, approved through their own process (%s)', (backend) => {
  let t: TestPlatform;
  const clock = new TestClock('2024-09-04T02:00:00.000Z');

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock });
  });
  afterAll(() => t?.close());

  /** A household of 西湖 with worked example C's bill, unpaid. */
  async function household() {
    const customer = await newCustomer(await t.as('xh.clerk'), { elecTypeCode: '202' });
    const bill = await issueBill(t, customer.id, '2024-07', '197.20', '2024-08-15');
    return { customerId: customer.id, billId: bill.id as string };
  }

  async function lateFee(customerId: string) {
    const report = await (await t.as('xh.collector')).get(`/api/v1/customers/${customerId}/arrears?asOf=2024-09-04`);
    expect(report.status).toBe(200);
    return report.body.bills[0].lateFee as { days: number; amount: string };
  }

  async function ask(customerId: string, body: Record<string, unknown>, username = 'xh.collector') {
    return (await t.as(username)).post(`/api/v1/customers/${customerId}/late-fee-reliefs`, body);
  }

  async function reliefs(customerId: string) {
    const res = await (await t.as('xh.collector')).get(`/api/v1/customers/${customerId}/late-fee-reliefs`);
    expect(res.status).toBe(200);
    return res.body.items as { id: string; status: string; decidedBy: string | null }[];
  }

  it('waives part of the fee only once the department manager approves: 3.94 − 1.94 = 2.00', async () => {
    // given worked example C
    const { customerId, billId } = await household();
    expect(await lateFee(customerId)).toEqual({ days: 20, amount: '3.94' });

    // when the collection clerk asks to waive 1.94
    const asked = await ask(customerId, {
      kind: 'waiver',
      billId,
      amount: '1.94',
      reason: '客户因住院逾期，申请部分减免',
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({
      kind: 'waiver',
      amount: '1.94',
      status: 'pending',
      requestedBy: 'xh.collector',
    });

    // then nothing changes while the approval waits, and the task is the manager's in the customer's department
    expect(await lateFee(customerId)).toEqual({ days: 20, amount: '3.94' });
    const manager = await t.as('xh.manager');
    const task = await waitForTask(manager, asked.body.instanceId, 'LFR01');
    expect(task.candidateGroups).toEqual(['department_manager']);
    const form = await manager.get(`/api/v1/tasks/${task.id}/form`);
    expect(form.body.data).toMatchObject({ lateFeeToday: '3.94', waiveAmount: '1.94', billPeriod: '2024-07' });
    expect(await (await t.as('yh.manager')).get(`/api/v1/tasks/${task.id}`)).toMatchObject({ status: 404 });

    // when the manager approves
    await work(t, 'xh.manager', asked.body.instanceId, 'LFR01', { reliefApproved: 'yes', decisionComment: '同意' });

    // then the fee is 2.00, the relief decided, on the record, and the customer told
    expect(await lateFee(customerId)).toEqual({ days: 20, amount: '2.00' });
    expect((await instance(manager, asked.body.instanceId)).status).toBe('completed');
    expect(await reliefs(customerId)).toEqual([
      expect.objectContaining({ id: asked.body.id, status: 'approved', decidedBy: 'xh.manager' }),
    ]);
    const audit = await t.platform
      .db('audit_log')
      .where({ object_id: customerId })
      .whereIn('action', ['late-fee-relief.request', 'late-fee-relief.approve'])
      .orderBy('id')
      .select('action', 'actor_id');
    const ids = Object.fromEntries(
      await t.platform
        .db('users')
        .whereIn('username', ['xh.collector', 'xh.manager'])
        .select('username', 'id')
        .then((rows) => rows.map((r) => [r.username, r.id])),
    );
    expect(audit).toEqual([
      { action: 'late-fee-relief.request', actor_id: ids['xh.collector'] },
      { action: 'late-fee-relief.approve', actor_id: ids['xh.manager'] },
    ]);
    const notices = await t.platform.db('notifications').where({ customer_id: customerId }).select('template', 'body');
    expect(notices).toEqual([{ template: 'late_fee_waived', body: expect.stringContaining('减免1.94元') }]);
  });

  it('defers the fee to 25 August: 10 days × 197.20 × 1 ‰ = 1.97', async () => {
    const { customerId, billId } = await household();
    const asked = await ask(customerId, { kind: 'deferral', billId, deferTo: '2024-08-25', reason: '银行代扣故障' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    await work(t, 'xh.manager', asked.body.instanceId, 'LFR01', { reliefApproved: 'yes' });
    expect(await lateFee(customerId)).toEqual({ days: 10, amount: '1.97' });
    const notices = await t.platform.db('notifications').where({ customer_id: customerId }).pluck('template');
    expect(notices).toEqual(['late_fee_deferred']);
  });

  it('changes nothing when the manager rejects a whole waiver', async () => {
    const { customerId, billId } = await household();
    const asked = await ask(customerId, { kind: 'waiver', billId, reason: '客户要求全部减免' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body.amount).toBeNull();
    await work(t, 'xh.manager', asked.body.instanceId, 'LFR01', { reliefApproved: 'no', decisionComment: '理由不足' });
    expect(await lateFee(customerId)).toEqual({ days: 20, amount: '3.94' });
    expect((await reliefs(customerId))[0]).toMatchObject({ status: 'rejected', decidedBy: 'xh.manager' });
    expect(await t.platform.db('notifications').where({ customer_id: customerId })).toEqual([]);
    // and a whole waiver approved afterwards takes the fee to 0
    const again = await ask(customerId, { kind: 'waiver', billId, reason: '复议后同意全部减免' });
    await work(t, 'xh.manager', again.body.instanceId, 'LFR01', { reliefApproved: 'yes' });
    expect(await lateFee(customerId)).toEqual({ days: 20, amount: '0.00' });
  });

  it('refuses bad requests with a clear error and starts nothing', async () => {
    const { customerId, billId } = await household();
    const refused = [
      await ask(customerId, { kind: 'waiver', billId, amount: '3.95', reason: '超过违约金' }),
      await ask(customerId, { kind: 'waiver', billId, amount: '-1', reason: '负数' }),
      await ask(customerId, { kind: 'deferral', billId, deferTo: '2024-08-15', reason: '不晚于到期日' }),
      await ask(customerId, { kind: 'deferral', billId, deferTo: '2025-09-01', reason: '超过一年' }),
      await ask(customerId, { kind: 'waiver', billId: '00000000-0000-4000-8000-000000000000', reason: '无此电费' }),
      await ask(customerId, { kind: 'waiver', billId, reason: '' }),
      await ask(customerId, { kind: 'waiver', billId, reason: 'x'.repeat(501) }),
      await ask(customerId, { kind: 'cancel', billId, reason: '未知类型' }),
    ];
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 400]);
    expect(refused[0]!.body.errors).toEqual([
      expect.objectContaining({ field: 'body.amount', reason: 'out of range' }),
    ]);
    expect(refused[2]!.body.errors).toEqual([expect.objectContaining({ field: 'body.deferTo' })]);
    // who may not ask: an account manager (no payment rights), a collector of another county (404)
    expect((await ask(customerId, { kind: 'waiver', billId, reason: '无权限' }, 'xh.account')).status).toBe(403);
    expect((await ask(customerId, { kind: 'waiver', billId, reason: '他县' }, 'yh.collector')).status).toBe(404);
    expect(await reliefs(customerId)).toEqual([]);
    expect(await lateFee(customerId)).toEqual({ days: 20, amount: '3.94' });

    // one open request per bill
    const first = await ask(customerId, { kind: 'waiver', billId, amount: '1.00', reason: '第一次' });
    expect(first.status).toBe(201);
    const second = await ask(customerId, { kind: 'deferral', billId, deferTo: '2024-08-20', reason: '第二次' });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('LATE_FEE_RELIEF_PENDING');
    expect(await reliefs(customerId)).toHaveLength(1);
  });
});
