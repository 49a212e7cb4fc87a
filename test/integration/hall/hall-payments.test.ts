import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec, sum } from '../../../server/domain/decimal.js';
import { shanghaiDateOf } from '../../../server/domain/calendar/index.js';
import { seedDemoHallCustomers } from '../../../server/hall/demo-customers.js';
import { TestClock } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { ApiClient } from '../../support/client.js';
import { HALL, signInToHallApi } from './sign-in.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';

const LIMITS = { maxFailures: 3, maxFailuresPerAddress: 50, firstDelaySeconds: 60, maxDelaySeconds: 200 };
// The demo logins and their simulated bank accounts (server/payments/bank-simulator.ts).
const CHEN = { phone: '13900000004', accountNo: 'H3301000004', rich: 'SIM-6222-0004-01', poor: 'SIM-6222-0004-02' };
const WANG = { phone: '13900000001', accountNo: 'H3301000001' };

describe.each(BACKENDS)('online payments in the customer hall (%s)', (backend) => {
  let t: TestPlatform;
  const db = () => t.database.db;
  const clock = new TestClock(`${shanghaiDateOf(new Date())}T12:00:00+08:00`);
  let chen: ApiClient;
  let chenId: string;
  let wangId: string;

  const signIn = (phone: string) => signInToHallApi(t, clock, phone);

  const idOf = async (accountNo: string) =>
    (await db()('customers').where({ account_no: accountNo }).first<{ id: string }>('id')).id;

  /** Unpaid bills of an account, oldest first, as the counter settles them. */
  const unpaid = (customerId: string) =>
    db()('bills')
      .where({ customer_id: customerId })
      .whereIn('status', ['issued', 'partly_paid'])
      .orderBy([{ column: 'period' }, { column: 'issued_at' }])
      .select<{ id: string; period: string; total: string; paid_amount: string }[]>(
        'id',
        'period',
        'total',
        'paid_amount',
      );

  const balanceOf = async (id: string) =>
    (await db()('bank_simulator_accounts').where({ id }).first<{ balance: string }>('balance')).balance;

  /** Everything a payment could touch, to compare before and after a refusal. */
  async function ledgerSnapshot() {
    const count = async (table: string) => Number((await db()(table).count<{ n: string }[]>('* as n'))[0]!.n);
    return {
      payments: await count('payments'),
      allocations: await count('payment_allocations'),
      debits: await count('bank_simulator_debits'),
      bills: await db()('bills').where({ customer_id: chenId }).orderBy('id').select('id', 'status', 'paid_amount'),
      balances: await db()('bank_simulator_accounts').orderBy('id').select('id', 'balance'),
    };
  }

  beforeAll(async () => {
    t = await startTestPlatform(backend, { auth: LIMITS, clock, jobs: false });
    await seedDemoHallCustomers(t.database.db, undefined, new Date(clock.now()));
    chenId = await idOf(CHEN.accountNo);
    wangId = await idOf(WANG.accountNo);
    chen = await signIn(CHEN.phone);
  }, 240_000);
  afterAll(() => t?.close());

  it('lists only the login’s own simulated bank accounts', async () => {
    const res = await chen.get(`${HALL}/bank-simulator/accounts`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { id: CHEN.rich, holder: '陈刚', balance: '5000.00' },
      { id: CHEN.poor, holder: '陈刚', balance: '1.00' },
    ]);
  });

  it('refuses a payment the bank account cannot cover, and records nothing anywhere', async () => {
    // given the customer's unpaid bills and everything they could change
    const bills = await unpaid(chenId);
    expect(bills.length).toBeGreaterThanOrEqual(2);
    const before = await ledgerSnapshot();
    // when paying them from the account holding 1.00
    const res = await chen.post(`${HALL}/accounts/${chenId}/payments`, {
      billIds: bills.map((b) => b.id),
      bankAccountId: CHEN.poor,
    });
    // then a problem+json refusal, and not a row changed
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('INSUFFICIENT_BALANCE');
    expect(await ledgerSnapshot()).toEqual(before);
  });

  it('answers 404 for another customer’s account or bill, 400 for skipping an older bill', async () => {
    const wangBill = (await db()('bills').where({ customer_id: wangId }).first<{ id: string }>('id')).id;
    const body = { billIds: [wangBill], bankAccountId: CHEN.rich };
    expect((await chen.post(`${HALL}/accounts/${wangId}/payments`, body)).status).toBe(404);
    expect((await chen.post(`${HALL}/accounts/${chenId}/payments`, body)).status).toBe(404);
    const [, newer] = await unpaid(chenId);
    const skipped = await chen.post(`${HALL}/accounts/${chenId}/payments`, {
      billIds: [newer!.id],
      bankAccountId: CHEN.rich,
    });
    expect(skipped.status).toBe(400);
    expect(skipped.body.code).toBe('OLDER_BILL_FIRST');
    // a write with a wrong CSRF token is refused
    const forged = await chen.post(`${HALL}/accounts/${chenId}/payments`, body, { 'x-csrf-token': 'wrong' });
    expect(forged.status).toBe(403);
  });

  it('pays the bills oldest first, debits the bank, clears the arrears and ends the running collection', async () => {
    // given a running arrears collection for the customer (the daily overdue scan)
    await t.platform.services.processes.dailyJobs.tick();
    await t.platform.executor.drain();
    const collection = await db()('process_instances')
      .where({ definition_key: 'arrears-collection', business_key: CHEN.accountNo })
      .first<{ id: string; status: string }>('id', 'status');
    expect(collection.status).toBe('running');
    const bills = await unpaid(chenId);
    const owed = sum(bills.map((b) => dec(b.total).minus(b.paid_amount)));
    const balance = await balanceOf(CHEN.rich);

    // when the customer pays them all from the account with enough
    const res = await chen.post(`${HALL}/accounts/${chenId}/payments`, {
      billIds: bills.map((b) => b.id),
      bankAccountId: CHEN.rich,
    });

    // then the receipt lists the bills oldest first, each settled to the cent
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.amount).toBe(owed.toFixed(2));
    expect(res.body.bills).toEqual(
      bills.map((b) => ({ billId: b.id, period: b.period, amount: dec(b.total).minus(b.paid_amount).toFixed(2) })),
    );
    expect(await unpaid(chenId)).toEqual([]);
    expect(await balanceOf(CHEN.rich)).toBe(dec(balance).minus(owed).toFixed(2));
    const home = await chen.get(`${HALL}/accounts/${chenId}/home`);
    expect(home.body.arrears).toBe('0.00');
    // posted by the counter's service on the web channel, audited with the customer as actor
    const payment = await db()('payments').where({ id: res.body.paymentId }).first();
    expect(payment).toMatchObject({ channel: 'web', kind: 'payment', customer_id: chenId });
    const audit = await db()('audit_log').where({ action: 'payment.record', object_id: res.body.paymentId }).first();
    expect(audit.actor_id).toMatch(/^customer:/);
    // the receipt can be read again
    const receipt = await chen.get(`${HALL}/accounts/${chenId}/payments/${res.body.paymentId}`);
    expect(receipt.status).toBe(200);
    expect(receipt.body).toMatchObject({
      reference: res.body.reference,
      amount: res.body.amount,
      bills: res.body.bills,
    });
    // and the collection heard payment-received
    await eventually(async () => {
      await t.platform.executor.drain();
      const row = await db()('process_instances').where({ id: collection.id }).first<{ status: string }>('status');
      return row.status === 'completed';
    }, 10_000);
  });

  it('posts a callback delivered twice once', async () => {
    // given the bank's stored callback of the payment above
    const debit = await db()('bank_simulator_debits').where({ customer_id: chenId }).first<{
      reference: string;
      customer_id: string;
      amount: string;
      debited_at: Date | string;
      signature: string;
    }>();
    const callback = {
      reference: debit.reference,
      customerId: debit.customer_id,
      amount: dec(debit.amount).toFixed(2),
      paidAt: new Date(debit.debited_at).toISOString(),
      signature: debit.signature,
    };
    const before = Number((await db()('payments').count<{ n: string }[]>('* as n'))[0]!.n);
    // when the bank delivers it again, twice
    const first = await t.anonymous().post(`${HALL}/payment-callbacks/bank-simulator`, callback);
    const second = await t.anonymous().post(`${HALL}/payment-callbacks/bank-simulator`, callback);
    // then the same payment answers, and no row was added
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(second.body.paymentId).toBe(first.body.paymentId);
    expect(Number((await db()('payments').count<{ n: string }[]>('* as n'))[0]!.n)).toBe(before);
    expect(await db()('payments').where({ idempotency_key: `bank-simulator:${debit.reference}` })).toHaveLength(1);
    // and a forged one is refused
    const forged = await t.anonymous().post(`${HALL}/payment-callbacks/bank-simulator`, {
      ...callback,
      amount: '9999.00',
    });
    expect(forged.status).toBe(403);
  });
});
