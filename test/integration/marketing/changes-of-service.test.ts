import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../server/lib/actor.js';
import { recordCapacityChange } from '../../../server/marketing/capacity-changes.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { accountNo, newCustomer } from './accounts.js';

type Registers = Record<string, string>;
type Line = { type: string; label: string; amount: string };

/*
 * DOMAIN.md §9 through the billing run. A 10 kV large-industry customer on PROV-LI-10KV, 1 000 kVA:
 * T1 600 kVA and T2 400 kVA. July 2024: 10 000 kWh (3 000 / 4 000 / 3 000 after the × 100
 * multiplier) = 3 094.59 + 2 544.80 + 996.30 = 6 635.69; cosφ 0.96 against 0.90 ⇒ −0.75 %.
 * T2 is sealed on 07-10 and unsealed on 07-25: in service 16 days.
 *   basic: 600 × 26 = 15 600.00; 400 × 26 × 16/30 = 5 546.67 (21 146.67)
 *   PF: (6 635.69 + 21 146.67 − 280.00 in-price funds) × −0.75 % = −206.27
 *   total 6 635.69 + 21 146.67 − 206.27 = 27 576.09
 */
describe.each(BACKENDS)('billing a month of changes of service (%s)', (backend) => {
  let t: TestPlatform;
  let admin: ApiClient;
  let meterTech: ApiClient;
  const ids: Record<string, string> = {};

  async function customerWithReadings(fields: Record<string, unknown>, readings: [string, Registers][]) {
    const c = await newCustomer(await t.as('xh.clerk'), fields);
    const m = await meterTech.post(`/api/v1/customers/${c.id}/meters`, {
      assetNo: `M${accountNo()}`,
      accuracyClass: '0.5S',
      deviceClass: 'III',
      installDate: '2020-03-01',
      touCapable: true,
      multiplier: '100',
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
    return c.id;
  }

  const factoryReadings: [string, Registers][] = [
    ['2024-06', { total: '1000', peak: '300', flat: '400', valley: '300', reactiveKvarh: '200' }],
    ['2024-07', { total: '1100', peak: '330', flat: '440', valley: '330', reactiveKvarh: '230' }],
  ];
  const factory = (tariffCode?: string) =>
    customerWithReadings(
      { elecTypeCode: '100', capacityKva: '1000', pfStandard: '0.90', voltageLevel: '10kV', tariffCode },
      factoryReadings,
    );

  async function run(period: string) {
    const started = await admin.post('/api/v1/billing/runs', { period, departmentId: 'ZJ-HZ-XH' });
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
  const basic = (lines: Line[]) => lines.filter((l) => l.type === '03').map((l) => `${l.label}: ${l.amount}`);

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    admin = await t.as('admin');
    meterTech = await t.as('xh.meter');

    // Suspension of T2 sealed on 07-10, restored (unsealed) on 07-25.
    ids.suspended = await factory();
    const sealing = await recordCapacityChange(
      t.platform.db,
      { customerId: ids.suspended, kind: 'suspend', kva: '400', sealedOn: '2024-07-10', plannedEndOn: '2024-09-30' },
      'xh.meter',
    );
    await recordCapacityChange(
      t.platform.db,
      { customerId: ids.suspended, kind: 'restore', kva: '400', unsealedOn: '2024-07-25', restoresId: sealing },
      'xh.meter',
    );

    // The 1996 rules switched on in a tariff of its own: a suspension applied for 06-16 to 07-15
    // and never restored is billed again from 07-16.
    const provLi = (await admin.get('/api/v1/tariffs/PROV-LI-10KV')).body;
    const rules1996 = {
      ...provLi,
      code: 'LI-10KV-1996',
      name: 'Large industry, 1996 suspension rules',
      versions: provLi.versions.map((v: object) => ({ ...v, suspensionRules: '1996' })),
    };
    const saved = await admin.request('PUT', '/api/v1/tariffs/LI-10KV-1996', rules1996);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    ids.rules1996 = await factory('LI-10KV-1996');
    await recordCapacityChange(
      t.platform.db,
      { customerId: ids.rules1996, kind: 'suspend', kva: '400', sealedOn: '2024-06-16', plannedEndOn: '2024-07-15' },
      'xh.meter',
    );

    // Closed before the run: never billed again.
    ids.closed = await customerWithReadings({ elecTypeCode: '202' }, [
      ['2024-06', { total: '5000' }],
      ['2024-07', { total: '5003' }],
    ]);
    const closed = await (await t.as('xh.clerk')).delete(`/api/v1/customers/${ids.closed}`);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  });
  afterAll(() => t?.close());

  it('bills a suspension sealed on the 10th and restored on the 25th for the days in service', async () => {
    // when
    const result = await run('2024-07');
    // then
    expect(result).toMatchObject({ status: 'completed', errors: 0 });
    const b = await bill(ids.suspended as string);
    expect(basic(b.lines)).toEqual([
      'Basic charge by capacity, block 1 of 600 kVA: 15600.00',
      'Basic charge by capacity, block 2 of 400 kVA, 16/30 days: 5546.67',
    ]);
    expect(b.lines.find((l: Line) => l.type === '02').amount).toBe('-206.27');
    expect(b.total).toBe('27576.09');
    // audit rule 13: the first bill after a change goes to a person before it is issued
    expect(b).toMatchObject({ status: 'held', dueDate: null });
    expect(b.auditFlags.map((f: { rule: number }) => f.rule)).toEqual([13]);
  });

  it('resumes the basic charge when a suspension period ends under the 1996 rules', async () => {
    const b = await bill(ids.rules1996 as string);
    // 400 × 26 × 16/30 for 07-16 to 07-31, though T2 was never unsealed
    expect(basic(b.lines)).toEqual([
      'Basic charge by capacity, block 1 of 600 kVA: 15600.00',
      'Basic charge by capacity, block 2 of 400 kVA, 16/30 days: 5546.67',
    ]);
  });

  it('bills the whole capacity again in the month after the restoration', async () => {
    // given August readings: 10 000 kWh again
    const meters = (await admin.get(`/api/v1/customers/${ids.suspended}/meters`)).body.items;
    const r = await meterTech.post(`/api/v1/meters/${meters[0].id}/readings`, {
      period: '2024-08',
      readAt: '2024-08-28T09:00:00+08:00',
      total: '1200',
      peak: '360',
      flat: '480',
      valley: '360',
      reactiveKvarh: '260',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // when
    await run('2024-08');
    // then
    expect(basic((await bill(ids.suspended as string, '2024-08')).lines)).toEqual([
      'Basic charge by capacity, 1000 kVA: 26000.00',
    ]);
  });

  it('never bills a closed account, nor lets it be reopened', async () => {
    expect(await bill(ids.closed as string)).toBeUndefined();
    await expect(
      t.platform.services.bills.issue(
        { customerId: ids.closed as string, period: '2024-07', total: '1.00', dueDate: '2024-08-15', lines: [] },
        SYSTEM_ACTOR,
      ),
    ).rejects.toMatchObject({ code: 'CUSTOMER_CLOSED' });
    const reopened = await (await t.as('xh.clerk')).patch(`/api/v1/customers/${ids.closed}`, { status: 'active' });
    expect(reopened.status).toBe(409);
    expect(reopened.body.code).toBe('CUSTOMER_CLOSED');
  });

  it('quotes the same month through the API with capacity blocks', async () => {
    const auditor = await t.as('xh.auditor');
    const res = await auditor.post('/api/v1/billing/quote', {
      tariff: 'PROV-LI-10KV',
      customer: {
        category: '100',
        basicChargeMethod: 'capacity',
        pfStandard: '0.90',
        capacityBlocks: [
          { kva: '600' },
          { kva: '400', sealed: [{ sealedOn: '2024-07-10', unsealedOn: '2024-07-25' }] },
        ],
      },
      usage: { kwh: { peak: '3000', flat: '4000', valley: '3000' }, kvarh: '3000' },
      period: { month: '2024-07' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.total).toBe('27576.09');
  });
});
