import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../server/lib/actor.js';
import { TestClock } from '../../../server/lib/clock.js';
import type { ServiceCall } from '../../../server/services/registry.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { newCustomer } from '../marketing/accounts.js';

/*
 * DOMAIN.md §3 worked example posted as money: +3 % on 12 000 kWh refunds 174.76 kWh, spread over
 * the two months billed since the previous test (600 kWh each, −87.38 each) and priced in their
 * tiers on ZJ-RES: November (after 2 000 kWh) −47.01, December (after 2 600) −55.75, −102.76 in all.
 * The same kWh back-billed is +47.01 +55.75 = +102.76.
 */
describe.each(BACKENDS)('meteringPostAdjustment: an approved adjustment posted as money (%s)', (backend) => {
  let t: TestPlatform;
  const clock = new TestClock('2025-01-10T02:00:00.000Z');

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock });
  });
  afterAll(() => t?.close());

  /** A household billed 2 000 kWh in October, then 600 in November and 600 in December 2024. */
  async function household() {
    const c = await newCustomer(await t.as('xh.clerk'), { elecTypeCode: '202' });
    for (const [period, kwh, total] of [
      ['2024-10', '2000', '1076.00'],
      ['2024-11', '600', '322.80'],
      ['2024-12', '600', '344.80'],
    ] as const) {
      await t.platform.services.bills.issue(
        {
          customerId: c.id,
          period,
          total,
          dueDate: `${period}-28`,
          lines: [{ type: '01', label: 'Energy', quantity: kwh, unitPrice: '0.538', amount: total }],
        },
        SYSTEM_ACTOR,
      );
    }
    return c.id;
  }

  const post = (customerId: string, adjustKwh: string, key: string) => {
    const call: ServiceCall = {
      idempotencyKey: key,
      instanceId: '00000000-0000-4000-8000-0000000a0001',
      elementId: 'MV05_POST',
      businessKey: null,
      departmentId: 'ZJ-HZ-XH',
      variables: { customerId, adjustKwh, previousTestOn: '2024-11-01', testedOn: '2024-12-20' },
    };
    return t.platform.services.registry.get('meteringPostAdjustment')!.handler(call);
  };

  it('credits a refund, which settles the oldest unpaid bill, and tells the customer', async () => {
    // given
    const customerId = await household();
    const admin = await t.as('admin');
    // when
    const result = await post(customerId, '-174.76', 'refund-1');
    // then
    expect(result).toMatchObject({ adjustMoney: '-102.76', adjustmentPosting: 'credit' });
    const payments = (await admin.get(`/api/v1/customers/${customerId}/payments`)).body.items;
    expect(payments).toEqual([
      expect.objectContaining({ kind: 'adjustment', channel: 'adjustment', amount: '102.76' }),
    ]);
    const arrears = (await admin.get(`/api/v1/customers/${customerId}/arrears?asOf=2025-01-10`)).body;
    expect(arrears.totalArrears).toBe('1640.84');
    expect(arrears.bills[0]).toMatchObject({ period: '2024-10', paidAmount: '102.76' });
    const notices = await t.platform.db('notifications').where({ customer_id: customerId }).select('template', 'body');
    expect(notices).toEqual([
      {
        template: 'adjustment_posted',
        body: expect.stringContaining('退补电量-174.76千瓦时，退补电费-102.76元'),
      },
    ]);
  });

  it('posts once however often the call is delivered', async () => {
    const customerId = await household();
    const first = await post(customerId, '-174.76', 'refund-2');
    const again = await post(customerId, '-174.76', 'refund-2');
    expect(again).toEqual(first);
    expect(await t.platform.db('payments').where({ customer_id: customerId, kind: 'adjustment' })).toHaveLength(1);
  });

  it('back-bills as an adjustment bill beside the month’s energy bill', async () => {
    // given
    const customerId = await household();
    // when
    const result = await post(customerId, '174.76', 'backbill-1');
    // then
    expect(result).toMatchObject({ adjustMoney: '102.76', adjustmentPosting: 'bill' });
    const bills = (await (await t.as('admin')).get(`/api/v1/customers/${customerId}/bills`)).body.items;
    const adjustment = bills.find((b: { kind: string }) => b.kind === 'adjustment');
    expect(adjustment).toMatchObject({ period: '2025-01', total: '102.76', dueDate: '2025-02-15', status: 'issued' });
    expect(adjustment.lines.map((l: { label: string; amount: string }) => `${l.label}: ${l.amount}`)).toEqual([
      'Adjustment (退补) for 2024-11, 87.38 kWh: 47.01',
      'Adjustment (退补) for 2024-12, 87.38 kWh: 55.75',
    ]);
    // and January's energy bill still has its place
    const january = await t.platform.services.bills.issue(
      { customerId, period: '2025-01', total: '10.00', dueDate: '2025-02-15', lines: [] },
      SYSTEM_ACTOR,
    );
    expect(january).toMatchObject({ kind: 'energy', period: '2025-01' });
  });

  it('posts nothing without bills to reach back into', async () => {
    const c = await newCustomer(await t.as('xh.clerk'), { elecTypeCode: '202' });
    expect(await post(c.id, '-174.76', 'nothing-1')).toMatchObject({ adjustMoney: '0.00', adjustmentPosting: 'none' });
  });
});
