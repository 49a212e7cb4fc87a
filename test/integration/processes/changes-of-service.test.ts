import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import { billHoldersOf } from '../../../server/marketing/customer-owners.js';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { waitForTask, work } from '../../support/processes.js';
import { instance, start } from '../../support/workflow.js';
import { accountNo, issueBill, newCustomer } from '../marketing/accounts.js';
import { notices } from './marketing-fixtures.js';

type Registers = Record<string, string>;
type Line = { type: string; label: string; amount: string };

/** An hour of a day in Asia/Shanghai, as an instant. */
const at = (date: string, hour = 9) => new Date(Date.parse(`${date}T00:00:00Z`) + (hour - 8) * 3_600_000).toISOString();

/*
 * DOMAIN.md §9 through the processes and the HTTP API. The factory is a 10 kV large-industry
 * customer on PROV-LI-10KV (capacity price 26 yuan/kVA·month), 1 000 kVA: T1 600 kVA, T2 400 kVA.
 * July 2024: 10 000 kWh (3 000 / 4 000 / 3 000 after the × 100 multiplier) = 3 094.59 + 2 544.80 +
 * 996.30 = 6 635.69 yuan of energy.
 */
describe.each(BACKENDS)('changes of service (变更用电), end to end through the API (%s)', (backend) => {
  let t: TestPlatform;
  let admin: ApiClient;
  let clerk: ApiClient;
  const clock = new TestClock(at('2024-07-01'));

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock });
    admin = await t.as('admin');
    clerk = await t.as('xh.clerk');
  });
  afterAll(() => t?.close());

  async function factory(readings: [string, Registers][], fields: Record<string, unknown> = {}) {
    const c = await newCustomer(clerk, {
      elecTypeCode: '100',
      capacityKva: '1000',
      pfStandard: '0.90',
      voltageLevel: '10kV',
      ...fields,
    });
    const tech = await t.as('xh.meter');
    const m = await tech.post(`/api/v1/customers/${c.id}/meters`, {
      assetNo: `M${accountNo()}`,
      accuracyClass: '0.5S',
      deviceClass: 'III',
      installDate: '2020-03-01',
      touCapable: true,
      multiplier: '100',
    });
    expect(m.status, JSON.stringify(m.body)).toBe(201);
    for (const [period, registers] of readings) {
      const r = await tech.post(`/api/v1/meters/${m.body.id}/readings`, {
        period,
        readAt: `${period}-28T09:00:00+08:00`,
        ...registers,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    return c;
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

  const billOf = async (customerId: string, period: string) =>
    (await admin.get(`/api/v1/customers/${customerId}/bills`)).body.items.find(
      (b: { period: string }) => b.period === period,
    );
  const basic = (lines: Line[]) => lines.filter((l) => l.type === '03').map((l) => `${l.label}: ${l.amount}`);

  async function ended(id: string) {
    await t.platform.executor.drain();
    return eventually(
      async () => {
        const i = await instance(admin, id);
        return i.status !== 'running' && i;
      },
      10_000,
      'the instance to end',
    );
  }

  /** Applies for a capacity change at the counter; answers the instance once it waits or ended. */
  async function apply(variables: Record<string, unknown>) {
    const { id } = await start(clerk, 'capacity-change', {
      departmentId: 'ZJ-HZ-XH',
      variables: { channel: 'counter', ...variables },
    });
    await t.platform.executor.drain();
    return id;
  }

  async function capacityChange(id: string, siteDate: string) {
    await work(t, 'xh.clerk', id, 'CC01', { acceptanceNote: '资料齐全' });
    await work(t, 'xh.leader', id, 'CC02', { changeApproved: 'yes' });
    const site = await waitForTask(await t.as('xh.meter'), id, 'CC03');
    expect(site.dueAt).toBeTruthy();
    await work(t, 'xh.meter', id, 'CC03', { siteDate, sealNo: 'F-0001' });
    await work(t, 'xh.clerk', id, 'CC05', {});
    return ended(id);
  }

  it('suspends T2 on the 10th and restores it on the 25th: July bills 16/30 of its basic charge', async () => {
    // given the factory with June and July readings
    const f = await factory([
      ['2024-06', { total: '1000', peak: '300', flat: '400', valley: '300', reactiveKvarh: '200' }],
      ['2024-07', { total: '1100', peak: '330', flat: '440', valley: '330', reactiveKvarh: '230' }],
    ]);
    // a suspension applied on Monday 1 July for Friday 5 July is refused: 5 WD ahead is Monday 8 July
    clock.set(at('2024-07-01'));
    const early = await apply({
      changeCode: '203',
      customerId: f.id,
      kva: 400,
      plannedOn: '2024-07-05',
      plannedEndOn: '2024-09-30',
    });
    const refused = await ended(early);
    expect(refused.variables).toMatchObject({ accepted: false, refusalCode: 'CHANGE_NOTICE_TOO_SHORT' });
    expect(refused.variables.refusalReason).toContain('on or after 2024-07-08');
    expect((await notices(admin, `instanceId=${early}`)).map((n) => n.template)).toEqual(['change_refused']);

    // when T2 (400 kVA) is suspended from 10 July, sealed on site that day
    const suspension = await apply({
      changeCode: '203',
      customerId: f.id,
      kva: 400,
      plannedOn: '2024-07-10',
      plannedEndOn: '2024-09-30',
    });
    const acceptance = await waitForTask(clerk, suspension, 'CC01');
    // (notices are listed newest first; sorted here)
    // the acceptance clerk has one working day: the end of Tuesday 2 July
    expect(new Date(acceptance.dueAt as string).toISOString()).toBe('2024-07-02T15:59:59.999Z');
    clock.set(at('2024-07-10'));
    const sealed = await capacityChange(suspension, '2024-07-10');
    expect(sealed.status).toBe('completed');
    // and restored on 25 July (a restoration needs no notice period; it finds the open sealing)
    clock.set(at('2024-07-22'));
    const restoration = await apply({ changeCode: '204', customerId: f.id, plannedOn: '2024-07-25' });
    clock.set(at('2024-07-25'));
    expect((await capacityChange(restoration, '2024-07-25')).variables).toMatchObject({
      kva: '400.00',
      completedOn: '2024-07-25',
    });
    expect((await notices(admin, `instanceId=${restoration}`)).map((n) => n.template).sort()).toEqual([
      'change_accepted',
      'change_completed',
    ]);

    // then July's bill: T1 600 × 26 = 15 600.00; T2 in service 1–9 and 25–31 = 16 days:
    // 400 × 26 × 16/30 = 5 546.67; PF (6 635.69 + 21 146.67 − 280.00 funds) × −0.75 % = −206.27;
    // total 6 635.69 + 21 146.67 − 206.27 = 27 576.09
    clock.set(at('2024-08-01'));
    expect(await run('2024-07')).toMatchObject({ status: 'completed', errors: 0 });
    const b = await billOf(f.id, '2024-07');
    expect(basic(b.lines)).toEqual([
      'Basic charge by capacity, block 1 of 600 kVA: 15600.00',
      'Basic charge by capacity, block 2 of 400 kVA, 16/30 days: 5546.67',
    ]);
    expect(b.total).toBe('27576.09');
  });

  it('refuses a 10-day suspension under the 1996 rules, naming the limit', async () => {
    // given a tariff with the 1996 rules switched on
    const provLi = (await admin.get('/api/v1/tariffs/PROV-LI-10KV')).body;
    const saved = await admin.request('PUT', '/api/v1/tariffs/LI-10KV-1996-P', {
      ...provLi,
      code: 'LI-10KV-1996-P',
      name: 'Large industry, 1996 suspension rules',
      versions: provLi.versions.map((v: object) => ({ ...v, suspensionRules: '1996' })),
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const f = await factory([], { tariffCode: 'LI-10KV-1996-P' });
    // when a suspension of 10 days (12–21 August) is applied for on 1 August
    clock.set(at('2024-08-01'));
    const id = await apply({
      changeCode: '203',
      customerId: f.id,
      kva: 400,
      plannedOn: '2024-08-12',
      plannedEndOn: '2024-08-21',
    });
    // then
    const done = await ended(id);
    expect(done.variables).toMatchObject({ accepted: false, refusalCode: 'SUSPENSION_TOO_SHORT' });
    expect(done.variables.refusalReason).toBe('1996 rules: 10 days; a suspension lasts at least 15 days');
  });

  it('refuses a transfer with arrears, and transfers with a written assumption from the transfer date', async () => {
    // given an account with an unpaid June bill of 800.00
    clock.set(at('2024-07-01'));
    const c = await newCustomer(clerk, { elecTypeCode: '400', name: '杭州旧主贸易公司' });
    await issueBill(t, c.id, '2024-06', '800.00', '2024-07-15');
    const transfer = (extra: Record<string, unknown> = {}) =>
      start(clerk, 'ownership-transfer', {
        departmentId: 'ZJ-HZ-XH',
        variables: {
          channel: 'counter',
          customerId: c.id,
          transferOn: '2024-07-16',
          newOwnerName: '杭州新主科技公司',
          newOwnerPhone: '13900001111',
          ...extra,
        },
      });

    // when the new owner does not take over the arrears
    const first = (await transfer()).id;
    await work(t, 'xh.clerk', first, 'TR01', { assumedInWriting: false });
    // then it is refused, naming the amount
    const refused = await ended(first);
    expect(refused.variables).toMatchObject({
      arrears: '800.00',
      transferAllowed: false,
      refusalCode: 'TRANSFER_ARREARS_UNSETTLED',
    });
    expect(refused.variables.refusalReason).toContain('800.00 yuan');
    expect((await admin.get(`/api/v1/customers/${c.id}`)).body.name).toBe('杭州旧主贸易公司');

    // when the new owner signs to take the arrears over
    const second = (await transfer()).id;
    await work(t, 'xh.clerk', second, 'TR01', { assumedInWriting: true, assumptionDocument: 'DOC-2024-0716-01' });
    await work(t, 'xh.leader', second, 'TR03', { changeApproved: 'yes' });
    await work(t, 'xh.clerk', second, 'TR05', {});
    // then the record is the new owner's from 16 July; June stays the old owner's, July is split
    expect((await ended(second)).status).toBe('completed');
    const after = (await admin.get(`/api/v1/customers/${c.id}`)).body;
    expect(after).toMatchObject({ name: '杭州新主科技公司', phone: '13900001111', accountNo: c.accountNo });
    const holders = async (period: string) => (await billHoldersOf(t.platform.db, c.id, period)).map((o) => o.name);
    expect(await holders('2024-06')).toEqual(['杭州旧主贸易公司']);
    expect(await holders('2024-07')).toEqual(['杭州旧主贸易公司', '杭州新主科技公司']);
    expect(await holders('2024-08')).toEqual(['杭州新主科技公司']);
    expect((await notices(admin, `instanceId=${second}`)).map((n) => n.template).sort()).toEqual([
      'change_accepted',
      'change_completed',
    ]);
  });

  it('closes an account: final bill prorated to the reading day, settled, never billed again', async () => {
    // given the factory without a power-factor standard, June read
    clock.set(at('2024-07-15'));
    const f = await factory([['2024-06', { total: '1000', peak: '300', flat: '400', valley: '300' }]], {
      pfStandard: undefined,
    });
    const { id } = await start(clerk, 'account-closure', {
      departmentId: 'ZJ-HZ-XH',
      variables: { channel: 'online', customerId: f.id, closeOn: '2024-07-20' },
    });
    await work(t, 'xh.clerk', id, 'CL01', { depositHeld: 5000 });
    // when it is read for the last time on 20 July
    clock.set(at('2024-07-20'));
    await work(t, 'xh.meter', id, 'CL02', {
      finalReadingOn: '2024-07-20',
      finalReading: 1100,
      finalPeak: 330,
      finalFlat: 440,
      finalValley: 330,
    });
    // then the final bill: energy 6 635.69; basic 1 000 × 26 × 20/30 = 17 333.33; total 23 969.02;
    // the deposit of 5 000.00 pays part of it: 18 969.02 to collect
    const settlement = await waitForTask(await t.as('xh.collector'), id, 'CL05');
    expect(settlement).toBeTruthy();
    const v = (await instance(admin, id)).variables;
    expect(v).toMatchObject({
      finalBillPeriod: '2024-07',
      finalBillDays: '20',
      finalBasicCharge: '17333.33',
      finalBillTotal: '23969.02',
      arrears: '23969.02',
      deposit: '5000.00',
      toCollect: '18969.02',
      toRefund: '0.00',
    });
    await work(t, 'xh.collector', id, 'CL05', { settledOn: '2024-07-22' });
    await work(t, 'xh.meter', id, 'CL06', { meterRemovedOn: '2024-07-23' });
    await work(t, 'xh.clerk', id, 'CL08', {});
    expect((await ended(id)).status).toBe('completed');
    expect((await admin.get(`/api/v1/customers/${f.id}`)).body.status).toBe('closed');

    // and the billing runs leave it out: July's final bill stays as the closure wrote it, no August bill
    clock.set(at('2024-09-01'));
    await run('2024-07');
    await run('2024-08');
    const july = await billOf(f.id, '2024-07');
    expect(july.total).toBe('23969.02');
    expect(await billOf(f.id, '2024-08')).toBeUndefined();
    expect((await notices(admin, `instanceId=${id}`)).map((n) => n.template).sort()).toEqual([
      'change_accepted',
      'change_completed',
    ]);
  });
});
