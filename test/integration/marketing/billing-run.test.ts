import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../server/lib/actor.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { accountNo, newCustomer } from './accounts.js';

type Registers = Record<string, string>;

describe.each(BACKENDS)('POST /billing/runs: the monthly billing run (%s)', (backend) => {
  let t: TestPlatform;
  let admin: ApiClient;
  let meterTech: ApiClient;
  const ids: Record<string, string> = {};

  async function customerWithReadings(
    name: string,
    fields: Record<string, unknown>,
    meter: Record<string, unknown>,
    readings: [period: string, registers: Registers][],
  ) {
    const c = await newCustomer(await t.as('xh.clerk'), fields);
    const m = await meterTech.post(`/api/v1/customers/${c.id}/meters`, {
      assetNo: `M${accountNo()}`,
      accuracyClass: '2.0',
      deviceClass: 'V',
      installDate: '2020-03-01',
      ...meter,
    });
    expect(m.status, JSON.stringify(m.body)).toBe(201);
    for (const [period, registers] of readings) {
      const r = await meterTech.post(`/api/v1/meters/${m.body.id}/readings`, {
        period,
        readAt: `${period}-28T09:00:00+08:00`,
        ...registers,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    ids[name] = c.id;
    return c.id;
  }

  /** Earlier bills of this tier year, as a billing run of those months would have left them. */
  async function earlierBills(customerId: string, kwhByPeriod: Record<string, string>) {
    for (const [period, kwh] of Object.entries(kwhByPeriod)) {
      await t.platform.services.bills.issue(
        {
          customerId,
          period,
          total: '1.00',
          dueDate: '2024-07-15',
          lines: [{ type: '01', label: 'Energy', quantity: kwh, unitPrice: '0.538', amount: '1.00' }],
        },
        SYSTEM_ACTOR,
      );
    }
  }

  async function run(body: Record<string, unknown>) {
    const started = await admin.post('/api/v1/billing/runs', body);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    return eventually(
      async () => {
        const res = await admin.get(`/api/v1/billing/runs/${started.body.id}`);
        return res.body.status !== 'running' && res.body;
      },
      20_000,
      'the billing run to end',
    );
  }

  const bill = async (customerId: string, period = '2024-07') =>
    (await admin.get(`/api/v1/customers/${customerId}/bills`)).body.items.find(
      (b: { period: string }) => b.period === period,
    );

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    admin = await t.as('admin');
    meterTech = await t.as('xh.meter');
    // Worked example A: 2 600 kWh billed January–June, July peak 250 / valley 150.
    const household = await customerWithReadings('household', { elecTypeCode: '202' }, { touCapable: true }, [
      ['2024-06', { total: '10000', peak: '6000', valley: '4000' }],
      ['2024-07', { total: '10400', peak: '6250', valley: '4150' }],
    ]);
    await earlierBills(household, {
      '2024-01': '450',
      '2024-02': '450',
      '2024-03': '400',
      '2024-04': '400',
      '2024-05': '450',
      '2024-06': '450',
    });
    // Large industry, 1 000 kVA by capacity, PF standard 0.90, CT/PT multiplier 100.
    await customerWithReadings(
      'factory',
      { elecTypeCode: '100', capacityKva: '1000', pfStandard: '0.90', voltageLevel: '10kV' },
      { touCapable: true, multiplier: '100', accuracyClass: '0.5S', deviceClass: 'III' },
      [
        ['2024-06', { total: '1000', peak: '300', flat: '400', valley: '300', reactiveKvarh: '200' }],
        ['2024-07', { total: '1100', peak: '330', flat: '440', valley: '330', reactiveKvarh: '230' }],
      ],
    );
    // A 5-digit register that passed 99 999: 99 950 → 50 is 100 kWh.
    const rolled = await customerWithReadings('rollover', { elecTypeCode: '201' }, { registerDigits: 5 }, [
      ['2024-06', { total: '99950' }],
      ['2024-07', { total: '50' }],
    ]);
    await earlierBills(rolled, { '2024-04': '100', '2024-05': '100', '2024-06': '100' });
    await customerWithReadings('idle', { elecTypeCode: '202' }, {}, [
      ['2024-06', { total: '5000' }],
      ['2024-07', { total: '5000' }],
    ]);
    await customerWithReadings('unread', { elecTypeCode: '202' }, {}, [['2024-07', { total: '800' }]]);
  });
  afterAll(() => t?.close());

  it('bills worked example A at 197.20, issued and due on the 15th of the next month', async () => {
    // when
    const result = await run({ period: '2024-07', departmentId: 'ZJ-HZ-XH' });
    // then
    expect(result).toMatchObject({ status: 'completed', period: '2024-07', departmentId: 'ZJ-HZ-XH' });
    const july = await bill(ids.household as string);
    expect(july).toMatchObject({ total: '197.20', status: 'issued', dueDate: '2024-08-15', auditFlags: [] });
    expect(july.lines.map((l: { amount: string }) => l.amount)).toEqual(['56.80', '17.28', '92.70', '30.42']);
  });

  it('bills a large-industry customer: TOU energy, capacity charge and the PF reduction', async () => {
    // 10 000 kWh (3 000 / 4 000 / 3 000) × 100: 3 094.59 + 2 544.80 + 996.30; 1 000 kVA × 26;
    // cosφ 0.96 against 0.90: −0.75 % of (energy + basic − 280.00 in-price funds) = −242.67
    expect(await bill(ids.factory as string)).toMatchObject({ total: '32393.02', status: 'issued', auditFlags: [] });
  });

  it('bills a rolled-over register as 100 kWh and holds the bill for audit rule 1', async () => {
    const b = await bill(ids.rollover as string);
    expect(b).toMatchObject({ total: '53.80', status: 'held', dueDate: null });
    expect(b.auditFlags.map((f: { code: string }) => f.code)).toContain('READING_BACKWARDS');
    expect(b.auditFlags[0].message).toContain('plausible register rollover of 100.00 kWh');
  });

  it('holds a zero-consumption bill with the rule it tripped, and skips a customer without both readings', async () => {
    const b = await bill(ids.idle as string);
    expect(b.status).toBe('held');
    expect(b.auditFlags.map((f: { code: string }) => f.code)).toEqual(['ZERO_CONSUMPTION']);
    expect(await bill(ids.unread as string)).toBeUndefined();
  });

  it('reports its counts', async () => {
    const result = await run({ period: '2024-07', departmentId: 'ZJ-HZ-XH' });
    expect(result).toMatchObject({
      customers: 5,
      processed: 5,
      billed: 4,
      held: 2,
      skippedWithoutReadings: 1,
      errors: 0,
      failure: null,
    });
    expect(result.finishedAt).not.toBeNull();
  });

  it('never duplicates a bill and never changes one that has payments', async () => {
    // given the July bill paid (with the six 1.00 bills of January–June before it)
    const household = ids.household as string;
    const paid = await (
      await t.as('xh.collector')
    ).post('/api/v1/payments', {
      customerId: household,
      channel: 'app',
      amount: '203.20',
      paidAt: '2024-08-01T10:00:00+08:00',
      idempotencyKey: `run-${accountNo()}`,
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    // when the run runs again
    const result = await run({ period: '2024-07' });
    // then one bill per customer and period, the paid one untouched
    expect(result).toMatchObject({ status: 'completed', keptPaid: 1 });
    const bills = (await admin.get(`/api/v1/customers/${household}/bills`)).body.items;
    expect(bills.filter((b: { period: string }) => b.period === '2024-07')).toHaveLength(1);
    expect(await bill(household)).toMatchObject({ status: 'settled', paidAmount: '197.20' });
  });

  it('refuses a caller without billing:run and a malformed period', async () => {
    expect((await (await t.as('xh.clerk')).post('/api/v1/billing/runs', { period: '2024-07' })).status).toBe(403);
    expect((await admin.post('/api/v1/billing/runs', { period: '2024-13' })).status).toBe(400);
  });

  it('shows a run whose node died as failed, not as running forever', async () => {
    // given a run left running by a node that stopped reporting progress
    const id = '00000000-0000-4000-8000-00000000b111';
    await t.platform.db('billing_runs').insert({
      id,
      period: '2024-05',
      node_id: 'gone',
      started_by: 'admin',
      heartbeat_at: new Date(Date.now() - 3_600_000),
    });
    // when / then
    const res = await admin.get(`/api/v1/billing/runs/${id}`);
    expect(res.body).toMatchObject({ status: 'failed' });
    expect(res.body.failure).toContain('interrupted');
  });
});
