import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTariffs, type TariffDefinition } from '../../../server/domain/tariffs/index.js';
import { SYSTEM_ACTOR } from '../../../server/lib/actor.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { accountNo, newCustomer } from './accounts.js';

/**
 * DOMAIN.md §5.1 in the billing run: a low-income household gets its tariff's free kWh a month, and
 * a household connected mid-year has its tier thresholds prorated when the tariff switches it on —
 * from the customer's own record (lowIncome, connectedOn), priced by the computation the quote uses.
 */
describe.each(BACKENDS)('the billing run bills low-income and mid-year households (%s)', (backend) => {
  let t: TestPlatform;
  let admin: ApiClient;
  let clerk: ApiClient;
  let meterTech: ApiClient;

  /** ZJ-RES with both household policies on (cfg): 10 free kWh a month, mid-year proration. */
  const zjRes = seedTariffs['ZJ-RES'] as TariffDefinition;
  const households: TariffDefinition = {
    code: 'ZJ-RES-HH',
    name: 'Zhejiang residential, household policies on',
    versions: zjRes.versions.map((v) => ({ ...v, midYearProration: true, lowIncomeFreeKwhPerMonth: '10' })),
  };

  async function customerWithReadings(fields: Record<string, unknown>, readings: [string, string][]) {
    const c = await newCustomer(clerk, { tariffCode: households.code, ...fields });
    const m = await meterTech.post(`/api/v1/customers/${c.id}/meters`, {
      assetNo: `M${accountNo()}`,
      accuracyClass: '2.0',
      deviceClass: 'V',
      installDate: '2020-03-01',
    });
    expect(m.status, JSON.stringify(m.body)).toBe(201);
    for (const [period, total] of readings) {
      const r = await meterTech.post(`/api/v1/meters/${m.body.id}/readings`, {
        period,
        readAt: `${period}-28T09:00:00+08:00`,
        total,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    return c.id;
  }

  /** Earlier bills of this tier year, as the runs of those months would have left them. */
  async function earlierBills(customerId: string, kwhByPeriod: Record<string, string>) {
    for (const [period, kwh] of Object.entries(kwhByPeriod)) {
      await t.platform.services.bills.issue(
        {
          customerId,
          period,
          total: '1.00',
          dueDate: '2024-08-15',
          lines: [{ type: '01', label: 'Energy', quantity: kwh, unitPrice: '0.538', amount: '1.00' }],
        },
        SYSTEM_ACTOR,
      );
    }
  }

  const bill = async (customerId: string, period: string) =>
    (await admin.get(`/api/v1/customers/${customerId}/bills`)).body.items.find(
      (b: { period: string }) => b.period === period,
    );
  const energyLines = (b: { lines: { type: string; label: string; quantity: string; amount: string }[] }) =>
    b.lines.filter((l) => l.type === '01').map((l) => `${l.label}: ${l.quantity} → ${l.amount}`);

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    admin = await t.as('admin');
    clerk = await t.as('xh.clerk');
    meterTech = await t.as('xh.meter');
    const saved = await admin.put(`/api/v1/tariffs/${households.code}`, households);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  });
  afterAll(() => t?.close());

  it('records the household facts and refuses a low-income flag on a non-residential customer', async () => {
    const id = await customerWithReadings({ lowIncome: true, connectedOn: '2024-06-05' }, []);
    expect((await clerk.get(`/api/v1/customers/${id}`)).body).toMatchObject({
      lowIncome: true,
      connectedOn: '2024-06-05',
    });
    const shop = await clerk.post('/api/v1/customers', {
      accountNo: accountNo(),
      name: '演示商铺',
      elecTypeCode: '400',
      lowIncome: true,
    });
    expect(shop.status).toBe(400);
    expect(JSON.stringify(shop.body)).toContain('only a residential customer');
    const bad = await clerk.patch(`/api/v1/customers/${id}`, { connectedOn: '2024-13-01' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('connectedOn');
    // a household that turns into a shop keeps no low-income flag
    const changed = await clerk.patch(`/api/v1/customers/${id}`, { elecTypeCode: '400' });
    expect(changed.status).toBe(400);
  });

  it('bills a low-income household its 10 free kWh first and a mid-year household on prorated tiers', async () => {
    // given: 2 600 kWh billed January–July, 400 kWh in August (worked example A without TOU)
    const poor = await customerWithReadings({ lowIncome: true }, [
      ['2024-07', '10000'],
      ['2024-08', '10400'],
    ]);
    await earlierBills(poor, {
      '2024-01': '400',
      '2024-02': '350',
      '2024-03': '350',
      '2024-04': '350',
      '2024-05': '350',
      '2024-06': '400',
      '2024-07': '400',
    });
    // and a household connected on 5 June: 7 months of the tier year, T1 = 1 610, T2 = 2 800 kWh
    const newcomer = await customerWithReadings({ connectedOn: '2024-06-05' }, [
      ['2024-07', '11500'],
      ['2024-08', '11900'],
    ]);
    await earlierBills(newcomer, { '2024-06': '900', '2024-07': '600' });

    // when the August run bills the county
    const started = await admin.post('/api/v1/billing/runs', { period: '2024-08', departmentId: 'ZJ-HZ-XH' });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const run = await eventually(
      async () => {
        const res = await admin.get(`/api/v1/billing/runs/${started.body.id}`);
        return res.body.status !== 'running' && res.body;
      },
      20_000,
      'the billing run to end',
    );
    expect(run).toMatchObject({ status: 'completed' });

    // then the low-income household pays 227.20 − 10 × 0.538
    const poorBill = await bill(poor, '2024-08');
    expect(poorBill).toMatchObject({ status: 'issued', total: '221.82' });
    expect(energyLines(poorBill)).toEqual([
      'Energy, free allowance (low-income household): 10.00 → 0.00',
      'Energy, tier 1: 150.00 → 80.70',
      'Energy, tier 2: 240.00 → 141.12',
    ]);
    // and the mid-year household crosses its prorated T1 after 110 kWh
    const newcomerBill = await bill(newcomer, '2024-08');
    expect(newcomerBill).toMatchObject({ status: 'issued', total: '229.70' });
    expect(energyLines(newcomerBill)).toEqual(['Energy, tier 1: 110.00 → 59.18', 'Energy, tier 2: 290.00 → 170.52']);
  });
});
