import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { accountNo, issueBill, newCustomer } from './accounts.js';

describe.each(BACKENDS)('payments: idempotent, oldest bill first, credit, refunds, reversals (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let collector: ApiClient;
  let key = 0;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    clerk = await t.as('xh.clerk');
    collector = await t.as('xh.collector');
  });
  afterAll(() => t?.close());

  const pay = (customerId: string, amount: string, fields: Record<string, unknown> = {}) =>
    collector.post('/api/v1/payments', {
      customerId,
      channel: 'bank',
      amount,
      paidAt: '2024-08-10T10:00:00+08:00',
      idempotencyKey: `bank-${backend}-${++key}`,
      ...fields,
    });
  const arrears = async (customerId: string) =>
    (await collector.get(`/api/v1/customers/${customerId}/arrears?asOf=2024-08-10`)).body;
  const bills = async (customerId: string) =>
    (await collector.get(`/api/v1/customers/${customerId}/bills`)).body.items as {
      period: string;
      status: string;
      paidAmount: string;
      outstanding: string;
    }[];

  it('records the same payment notification once: 201, then 200 with the same payment', async () => {
    // given
    const c = await newCustomer(clerk);
    await issueBill(t, c.id, '2024-07', '197.20', '2024-08-15');
    const notification = {
      accountNo: c.accountNo,
      channel: 'bank',
      amount: '197.20',
      paidAt: '2024-08-10T10:00:00+08:00',
      idempotencyKey: `BOC-${accountNo()}`,
    };
    // when
    const first = await collector.post('/api/v1/payments', notification);
    const again = await collector.post('/api/v1/payments', notification);
    const concurrent = await Promise.all([1, 2, 3].map(() => collector.post('/api/v1/payments', notification)));
    // then
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(concurrent.map((r) => [r.status, r.body.id])).toEqual([1, 2, 3].map(() => [200, first.body.id]));
    const payments = await collector.get(`/api/v1/customers/${c.id}/payments`);
    expect(payments.body.items).toHaveLength(1);
    expect((await bills(c.id))[0]).toMatchObject({ status: 'settled', paidAmount: '197.20' });
  });

  it('refuses an idempotency key reused with a different amount with 409, and records nothing', async () => {
    const c = await newCustomer(clerk);
    const first = await pay(c.id, '50.00', { idempotencyKey: 'reused-key-' + backend });
    const other = await pay(c.id, '60.00', { idempotencyKey: 'reused-key-' + backend });
    expect(first.status).toBe(201);
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', paymentId: first.body.id });
    expect((await collector.get(`/api/v1/customers/${c.id}/payments`)).body.items).toHaveLength(1);
  });

  it('leaves a partly paid bill partly_paid and lowers the arrears', async () => {
    // given
    const c = await newCustomer(clerk);
    await issueBill(t, c.id, '2024-07', '197.20', '2024-08-15');
    // when
    const res = await pay(c.id, '100');
    // then
    expect(res.status).toBe(201);
    expect(res.body.allocations).toEqual([expect.objectContaining({ period: '2024-07', amount: '100.00' })]);
    expect((await bills(c.id))[0]).toMatchObject({
      status: 'partly_paid',
      paidAmount: '100.00',
      outstanding: '97.20',
    });
    expect(await arrears(c.id)).toMatchObject({ totalArrears: '97.20', creditBalance: '0.00' });
  });

  it('applies a payment to the oldest unsettled bill first', async () => {
    // given
    const c = await newCustomer(clerk);
    await issueBill(t, c.id, '2024-07', '80.00', '2024-08-15');
    await issueBill(t, c.id, '2024-06', '100.00', '2024-07-15');
    // when
    const res = await pay(c.id, '120.00');
    // then
    expect(res.body.allocations.map((a: { period: string; amount: string }) => [a.period, a.amount])).toEqual([
      ['2024-06', '100.00'],
      ['2024-07', '20.00'],
    ]);
    expect((await bills(c.id)).map((b) => [b.period, b.status, b.outstanding])).toEqual([
      ['2024-07', 'partly_paid', '60.00'],
      ['2024-06', 'settled', '0.00'],
    ]);
  });

  it('keeps an overpayment as credit, shows it as a negative balance, and settles the next bill with it', async () => {
    // given
    const c = await newCustomer(clerk);
    await issueBill(t, c.id, '2024-07', '100.00', '2024-08-15');
    // when
    const res = await pay(c.id, '150.00');
    // then
    expect(res.body.creditBalance).toBe('50.00');
    expect(await arrears(c.id)).toMatchObject({ totalArrears: '0.00', creditBalance: '50.00', netBalance: '-50.00' });
    // and the next bill is paid from the credit
    const next = await issueBill(t, c.id, '2024-08', '30.00', '2024-09-15');
    expect(next).toMatchObject({ status: 'settled', paidAmount: '30.00' });
    expect(await arrears(c.id)).toMatchObject({ totalArrears: '0.00', creditBalance: '20.00' });
  });

  it('refunds credit as a row of its own, never more than the credit', async () => {
    const c = await newCustomer(clerk);
    await pay(c.id, '50.00');
    const refund = {
      channel: 'counter',
      amount: '30.00',
      paidAt: '2024-08-11T09:00:00+08:00',
      idempotencyKey: `refund-${accountNo()}`,
    };
    const done = await collector.post(`/api/v1/customers/${c.id}/refunds`, refund);
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body).toMatchObject({ kind: 'refund', amount: '30.00', creditBalance: '20.00' });
    expect((await collector.post(`/api/v1/customers/${c.id}/refunds`, refund)).status).toBe(200);
    const tooMuch = await collector.post(`/api/v1/customers/${c.id}/refunds`, {
      ...refund,
      amount: '21.00',
      idempotencyKey: `refund-${accountNo()}`,
    });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ code: 'REFUND_EXCEEDS_CREDIT', creditBalance: '20.00' });
  });

  it('reverses a payment with a reversal row that restores the arrears; the original stays as it was', async () => {
    // given
    const c = await newCustomer(clerk);
    await issueBill(t, c.id, '2024-06', '100.00', '2024-07-15');
    await issueBill(t, c.id, '2024-07', '80.00', '2024-08-15');
    const paid = (await pay(c.id, '150.00')).body;
    expect((await arrears(c.id)).totalArrears).toBe('30.00');
    // when
    const reversal = await collector.post(`/api/v1/payments/${paid.id}/reverse`, { reason: '银行退票' });
    // then
    expect(reversal.status, JSON.stringify(reversal.body)).toBe(201);
    expect(reversal.body).toMatchObject({ kind: 'reversal', reversesPaymentId: paid.id, amount: '150.00' });
    expect(reversal.body.allocations.map((a: { amount: string }) => a.amount)).toEqual(['-100.00', '-50.00']);
    expect(await arrears(c.id)).toMatchObject({ totalArrears: '180.00', creditBalance: '0.00' });
    expect((await bills(c.id)).map((b) => b.status)).toEqual(['issued', 'issued']);
    const original = await collector.get(`/api/v1/payments/${paid.id}`);
    expect(original.body).toMatchObject({ kind: 'payment', amount: '150.00' });
    // and a second reversal is refused
    const twice = await collector.post(`/api/v1/payments/${paid.id}/reverse`, { reason: 'again' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('PAYMENT_ALREADY_REVERSED');
  });

  it('answers invalid payments with 400 and field details, and records nothing', async () => {
    const c = await newCustomer(clerk);
    const bad = await collector.post('/api/v1/payments', {
      customerId: c.id,
      channel: 'cash-in-envelope',
      amount: '-5',
      paidAt: 'yesterday',
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.channel', 'body.amount', 'body.paidAt', 'body.idempotencyKey']),
    );
    const both = await pay(c.id, '1.00', { accountNo: c.accountNo });
    expect(both.status).toBe(400);
    expect((await collector.get(`/api/v1/customers/${c.id}/payments`)).body.items).toEqual([]);
  });

  it("takes payments only with payment:write, and hides another county's customers", async () => {
    const c = await newCustomer(clerk);
    const byClerk = await clerk.post('/api/v1/payments', {
      customerId: c.id,
      channel: 'counter',
      amount: '10',
      paidAt: '2024-08-10T10:00:00+08:00',
      idempotencyKey: `k-${accountNo()}`,
    });
    expect(byClerk.status).toBe(403);
    const yhCollector = await t.as('yh.collector');
    const elsewhere = await yhCollector.post('/api/v1/payments', {
      accountNo: c.accountNo,
      channel: 'counter',
      amount: '10',
      paidAt: '2024-08-10T10:00:00+08:00',
      idempotencyKey: `k-${accountNo()}`,
    });
    expect(elsewhere.status).toBe(404);
    expect((await yhCollector.get(`/api/v1/customers/${c.id}/arrears`)).status).toBe(404);
    expect((await collector.get(`/api/v1/customers/${c.id}/payments`)).body.items).toEqual([]);
  });

  it('audits every payment, refund and reversal', async () => {
    const c = await newCustomer(clerk);
    const paid = (await pay(c.id, '20.00')).body;
    await collector.post(`/api/v1/payments/${paid.id}/reverse`, { reason: 'wrong account' });
    const actions = await t.platform
      .db('audit_log')
      .whereRaw(`details->>'customerId' = ?`, [c.id])
      .orderBy('id')
      .pluck('action');
    expect(actions).toEqual(['payment.record', 'payment.reverse']);
  });
});
