import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { accountNo, newCustomer } from './accounts.js';

/**
 * Audit rules 8 and 9 (DOMAIN.md §4) on stored data: a sub-meter installed behind a main meter, and
 * the month's reactive energy kept on the bill for the next month's run.
 */
describe.each(BACKENDS)('the billing run audits sub-meters and reactive energy (%s)', (backend) => {
  let t: TestPlatform;
  let admin: ApiClient;
  let meterTech: ApiClient;

  async function meter(customerId: string, fields: Record<string, unknown>, readings: [string, object][]) {
    const m = await meterTech.post(`/api/v1/customers/${customerId}/meters`, {
      assetNo: `M${accountNo()}`,
      accuracyClass: '2.0',
      deviceClass: 'V',
      installDate: '2020-03-01',
      ...fields,
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
    return m.body as { id: string; mainMeterId: string | null };
  }

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

  const bill = async (customerId: string, period: string) =>
    (await admin.get(`/api/v1/customers/${customerId}/bills`)).body.items.find(
      (b: { period: string }) => b.period === period,
    );

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    admin = await t.as('admin');
    meterTech = await t.as('xh.meter');
  });
  afterAll(() => t?.close());

  it('holds a main meter that recorded less than the sub-meter behind it (rule 8)', async () => {
    const clerk = await t.as('xh.clerk');
    const building = await newCustomer(clerk, { elecTypeCode: '400', capacityKva: '50' });
    const main = await meter(building.id, {}, [
      ['2024-06', { total: '1000' }],
      ['2024-07', { total: '1300' }],
    ]);
    const tenant = await newCustomer(clerk, { elecTypeCode: '400', capacityKva: '20' });
    const sub = await meter(tenant.id, { mainMeterId: main.id }, [
      ['2024-06', { total: '500' }],
      ['2024-07', { total: '900' }],
    ]);
    expect(sub.mainMeterId).toBe(main.id);
    const unknown = await meterTech.post(`/api/v1/customers/${tenant.id}/meters`, {
      assetNo: `M${accountNo()}`,
      accuracyClass: '2.0',
      deviceClass: 'V',
      mainMeterId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('mainMeterId');

    expect(await run('2024-07')).toMatchObject({ status: 'completed' });
    const held = await bill(building.id, '2024-07');
    expect(held.status).toBe('held');
    expect(held.auditFlags).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 8, code: 'MAIN_BELOW_SUB_METERS' })]),
    );
    expect((await bill(tenant.id, '2024-07')).auditFlags.map((f: { rule: number }) => f.rule)).not.toContain(8);
  });

  it('keeps the month’s reactive energy on the bill and holds the next month without any (rule 9)', async () => {
    const clerk = await t.as('xh.clerk');
    const factory = await newCustomer(clerk, {
      elecTypeCode: '100',
      capacityKva: '500',
      pfStandard: '0.90',
      voltageLevel: '10kV',
    });
    const registers = (total: number, kvarh: number) => ({
      total: String(total),
      peak: String(total * 0.3),
      flat: String(total * 0.4),
      valley: String(total * 0.3),
      reactiveKvarh: String(kvarh),
    });
    await meter(factory.id, { touCapable: true, multiplier: '100', accuracyClass: '0.5S', deviceClass: 'III' }, [
      ['2024-07', registers(1000, 500)],
      ['2024-08', registers(1300, 590)],
      ['2024-09', registers(1600, 590)],
    ]);
    expect(await run('2024-08')).toMatchObject({ status: 'completed' });
    expect(await bill(factory.id, '2024-08')).toMatchObject({ reactiveKvarh: '9000.00' });
    expect(await run('2024-09')).toMatchObject({ status: 'completed' });
    const september = await bill(factory.id, '2024-09');
    expect(september).toMatchObject({ status: 'held', reactiveKvarh: '0.00' });
    expect(september.auditFlags).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 9, code: 'REACTIVE_SUSPECT' })]),
    );
  });
});
