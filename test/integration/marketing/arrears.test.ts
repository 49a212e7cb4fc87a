import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { accountNo, issueBill, newCustomer } from './accounts.js';

describe.each(BACKENDS)('GET /customers/:id/arrears: ageing and late fees (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let collector: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    clerk = await t.as('xh.clerk');
    collector = await t.as('xh.collector');
  });
  afterAll(() => t?.close());

  it('accrues worked example C: 197.20 due 2024-08-15 is 3.94 late by 2024-09-04', async () => {
    // given a residential customer with the July bill unpaid
    const c = await newCustomer(clerk, { elecTypeCode: '202' });
    await issueBill(t, c.id, '2024-07', '197.20', '2024-08-15');
    // when
    const res = await collector.get(`/api/v1/customers/${c.id}/arrears?asOf=2024-09-04`);
    // then
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      asOf: '2024-09-04',
      totalArrears: '197.20',
      ageing: { currentMonth: '0.00', earlierThisYear: '197.20', priorYears: '0.00' },
      creditBalance: '0.00',
      netBalance: '197.20',
      lateFees: '3.94',
    });
    expect(res.body.bills[0]).toMatchObject({
      period: '2024-07',
      dueDate: '2024-08-15',
      lateFee: { days: 20, amount: '3.94' },
    });
  });

  it('sorts arrears into current month, earlier this year and prior years', async () => {
    const c = await newCustomer(clerk);
    await issueBill(t, c.id, '2023-11', '50.00', '2023-12-15');
    await issueBill(t, c.id, '2024-03', '60.00', '2024-04-15');
    await issueBill(t, c.id, '2024-09', '70.50', '2024-10-15');
    const res = await collector.get(`/api/v1/customers/${c.id}/arrears?asOf=2024-09-20`);
    expect(res.body).toMatchObject({
      totalArrears: '180.50',
      ageing: { currentMonth: '70.50', earlierThisYear: '60.00', priorYears: '50.00' },
    });
    expect(res.body.bills.map((b: { bucket: string }) => b.bucket)).toEqual([
      'priorYears',
      'earlierThisYear',
      'currentMonth',
    ]);
  });

  it('charges a non-residential customer 2 ‰ a day, on the principal left after a partial payment from the next day', async () => {
    // given a commercial bill of 1000.00 due 2024-08-15, half paid on 2024-08-20
    const c = await newCustomer(clerk, { elecTypeCode: '400' });
    await issueBill(t, c.id, '2024-07', '1000.00', '2024-08-15');
    const paid = await collector.post('/api/v1/payments', {
      customerId: c.id,
      channel: 'counter',
      amount: '500.00',
      paidAt: '2024-08-20T15:30:00+08:00',
      idempotencyKey: `arrears-${accountNo()}`,
    });
    expect(paid.status).toBe(201);
    // when
    const res = await collector.get(`/api/v1/customers/${c.id}/arrears?asOf=2024-08-25`);
    // then 16–20 Aug: 5 × 1000 × 2‰ = 10.00; 21–25 Aug: 5 × 500 × 2‰ = 5.00
    expect(res.body).toMatchObject({ totalArrears: '500.00', lateFees: '15.00' });
    expect(res.body.bills[0].lateFee).toEqual({ days: 10, amount: '15.00' });
  });

  it('charges a late fee under 1 yuan as 1 yuan, and nothing before the due date', async () => {
    const c = await newCustomer(clerk, { elecTypeCode: '201' });
    await issueBill(t, c.id, '2024-07', '50.00', '2024-08-15');
    expect((await collector.get(`/api/v1/customers/${c.id}/arrears?asOf=2024-08-17`)).body.lateFees).toBe('1.00');
    expect((await collector.get(`/api/v1/customers/${c.id}/arrears?asOf=2024-08-15`)).body.lateFees).toBe('0.00');
  });

  it('answers an unreadable asOf with 400', async () => {
    const c = await newCustomer(clerk);
    const res = await collector.get(`/api/v1/customers/${c.id}/arrears?asOf=2024-02-30`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('query.asOf');
  });
});
