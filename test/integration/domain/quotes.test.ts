import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';

/** Issue 4 §3–5 through the API: DOMAIN.md's worked examples, to the cent. */
describe('calculation endpoints', () => {
  let t: TestPlatform;
  let auditor: ApiClient;
  beforeAll(async () => {
    t = await startTestPlatform('pglite');
    auditor = await t.as('xh.auditor');
  });
  afterAll(() => t?.close());

  it('quotes worked example A: a TOU household crossing into tier 2 pays 197.20', async () => {
    const res = await auditor.post('/api/v1/billing/quote', {
      tariff: 'ZJ-RES',
      customer: { category: '202' },
      usage: { kwh: { peak: 250, valley: 150 }, tierYearKwhBefore: 2600 },
      period: { month: '2024-07' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.total).toBe('197.20');
    expect(res.body.lines.map((l: { quantity: string }) => l.quantity)).toEqual(['100.00', '60.00', '150.00', '90.00']);
  });

  it('quotes the same household without TOU at 227.20', async () => {
    const res = await auditor.post('/api/v1/billing/quote', {
      tariff: 'ZJ-RES',
      customer: { category: '202' },
      usage: { kwh: { total: 400 }, tierYearKwhBefore: 2600 },
      period: { month: '2024-07' },
    });
    expect(res.body.total).toBe('227.20');
  });

  it('quotes worked example C: 20 days late on 197.20 is 3.94', async () => {
    const res = await auditor.post('/api/v1/billing/late-fee-quote', {
      category: '202',
      principal: '197.20',
      billMonth: '2024-07',
      dueDate: '2024-08-15',
      payDate: '2024-09-04',
      payments: [],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ days: 20, amount: '3.94' });
  });

  it('charges 1.00 on a late fee whose days and runs each round to 0.00', async () => {
    // 1 day on 4.00 and 1 day on 2.00 at 1 ‰: 0.004 + 0.002 = 0.006 yuan
    const res = await auditor.post('/api/v1/billing/late-fee-quote', {
      category: '202',
      principal: '4.00',
      billMonth: '2024-07',
      dueDate: '2024-08-15',
      payDate: '2024-08-17',
      payments: [{ date: '2024-08-16', amount: '2.00' }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      amount: '1.00',
      breakdown: [
        { exactAmount: '0.004', amount: '0.00' },
        { exactAmount: '0.002', amount: '0.00' },
      ],
    });
  });

  it('quotes the meter refund example: +3 % on 12 000 kWh refunds 174.76 kWh', async () => {
    const meter = await t.as('xh.meter');
    const res = await meter.post('/api/v1/metering/adjustment-quote', {
      kind: 'meter-error',
      errorPercent: 3,
      recordedKwh: 12000,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      trueKwh: '11650.49',
      deltaKwh: '-349.51',
      adjustKwh: '-174.76',
      direction: 'refund',
    });
  });

  it('refuses bad input with field details and an unknown tariff with 404', async () => {
    const bad = await auditor.post('/api/v1/billing/quote', {
      tariff: 'ZJ-RES',
      usage: { kwh: { total: -5 } },
      period: { month: '2024-13' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.length).toBeGreaterThan(0);
    const unknown = await auditor.post('/api/v1/billing/quote', {
      tariff: 'NOPE',
      usage: { kwh: { total: 5 } },
      period: { month: '2024-07' },
    });
    expect(unknown.status).toBe(404);
  });

  it('lets only those with billing rights quote', async () => {
    const surveyor = await t.as('xh.surveyor');
    expect((await surveyor.post('/api/v1/billing/late-fee-quote', {})).status).toBe(403);
  });
});
