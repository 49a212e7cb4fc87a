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

  /** The account's ledger rows, newest first: [kind, channel, amount]. */
  const ledger = async (customerId: string) =>
    (await admin.get(`/api/v1/customers/${customerId}/payments`)).body.items.map(
      (p: { kind: string; channel: string; amount: string }) => [p.kind, p.channel, p.amount],
    );
  const balance = async (customerId: string, asOf: string) => {
    const r = (await admin.get(`/api/v1/customers/${customerId}/arrears?asOf=${asOf}`)).body;
    return { totalArrears: r.totalArrears, creditBalance: r.creditBalance };
  };

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
    // then, approved on 1 July, it waits for 16 July: the record is still the old owner's
    expect((await instance(admin, second)).waitingActivities.map((w: { elementId: string }) => w.elementId)).toEqual([
      'TR04_WAIT',
    ]);
    expect((await admin.get(`/api/v1/customers/${c.id}`)).body.name).toBe('杭州旧主贸易公司');
    expect((await admin.get(`/api/v1/customers/${c.id}/owners`)).body.items).toEqual([]);
    clock.set(at('2024-07-15', 23));
    await t.platform.executor.drain();
    expect((await admin.get(`/api/v1/customers/${c.id}`)).body.name).toBe('杭州旧主贸易公司');
    // when the transfer day begins
    clock.set(at('2024-07-16', 0));
    await work(t, 'xh.clerk', second, 'TR05', {});
    // then the record is the new owner's from 16 July; June stays the old owner's, July is split
    expect((await ended(second)).status).toBe('completed');
    const after = (await admin.get(`/api/v1/customers/${c.id}`)).body;
    expect(after).toMatchObject({ name: '杭州新主科技公司', phone: '13900001111', accountNo: c.accountNo });
    const holders = async (period: string) => (await billHoldersOf(t.platform.db, c.id, period)).map((o) => o.name);
    expect(await holders('2024-06')).toEqual(['杭州旧主贸易公司']);
    expect(await holders('2024-07')).toEqual(['杭州旧主贸易公司', '杭州新主科技公司']);
    expect(await holders('2024-08')).toEqual(['杭州新主科技公司']);
    // and over HTTP: the owners' history, and each bill says whose it is
    const owners = await admin.get(`/api/v1/customers/${c.id}/owners`);
    expect(owners.status).toBe(200);
    expect(owners.body.items).toEqual([
      { name: '杭州旧主贸易公司', phone: '13800000000', fromOn: null, toOn: '2024-07-15' },
      { name: '杭州新主科技公司', phone: '13900001111', fromOn: '2024-07-16', toOn: null },
    ]);
    await issueBill(t, c.id, '2024-07', '300.00', '2024-08-15');
    const bills = (await admin.get(`/api/v1/customers/${c.id}/bills`)).body.items;
    expect(bills.map((b: { period: string; holders: string[] }) => [b.period, b.holders])).toEqual([
      ['2024-07', ['杭州旧主贸易公司', '杭州新主科技公司']],
      ['2024-06', ['杭州旧主贸易公司']],
    ]);
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
    // the deposit is on the ledger, and the rest is paid at the counter
    const collector = await t.as('xh.collector');
    const paid = await collector.post('/api/v1/payments', {
      customerId: f.id,
      channel: 'counter',
      amount: '18969.02',
      paidAt: at('2024-07-22'),
      idempotencyKey: `closure-${f.id}`,
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    await work(t, 'xh.collector', id, 'CL05', { settledOn: '2024-07-22' });
    await work(t, 'xh.meter', id, 'CL06', { meterRemovedOn: '2024-07-23' });
    await work(t, 'xh.clerk', id, 'CL08', {});
    expect((await ended(id)).status).toBe('completed');
    expect((await admin.get(`/api/v1/customers/${f.id}`)).body.status).toBe('closed');
    expect(await ledger(f.id)).toEqual([
      ['payment', 'counter', '18969.02'],
      ['payment', 'deposit', '5000.00'],
    ]);
    expect(await balance(f.id, '2024-07-23')).toEqual({ totalArrears: '0.00', creditBalance: '0.00' });

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
  it('refuses a start its start form does not accept with a 400 naming the field, and starts nothing', async () => {
    // given a two-part factory and a closed account
    clock.set(at('2024-08-01'));
    const f = await factory([]);
    const gone = await newCustomer(clerk, { elecTypeCode: '400' });
    expect((await admin.request('DELETE', `/api/v1/customers/${gone.id}`)).status).toBe(200);
    const count = async () => {
      const [i] = await t.platform
        .db('process_instances')
        .whereIn('definition_key', ['capacity-change', 'ownership-transfer', 'account-closure'])
        .count<{ n: string }[]>({ n: '*' });
      const [c] = await t.platform
        .db('capacity_changes')
        .where({ customer_id: f.id })
        .count<{ n: string }[]>({ n: '*' });
      return [Number(i?.n), Number(c?.n)];
    };
    const before = await count();
    const refusal = async (definitionKey: string, variables: Record<string, unknown>) => {
      const res = await clerk.post('/api/v1/process-instances', { definitionKey, departmentId: 'ZJ-HZ-XH', variables });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('FORM_INVALID');
      return res.body.details.map((d: { field: string; reason: string }) => `${d.field} ${d.reason}`);
    };
    const suspension = { channel: 'counter', changeCode: '203', customerId: f.id, kva: 400 };
    // when the suspension's day is missing, or its last day
    expect(await refusal('capacity-change', { ...suspension, plannedEndOn: '2024-09-30' })).toEqual([
      'plannedOn required',
    ]);
    expect(await refusal('capacity-change', { ...suspension, plannedOn: '2024-08-12' })).toEqual([
      'plannedEndOn required',
    ]);
    // when the change code is not one of the form's, or the customer does not exist
    expect(
      await refusal('capacity-change', {
        ...suspension,
        changeCode: '299',
        plannedOn: '2024-08-12',
        plannedEndOn: '2024-09-30',
      }),
    ).toEqual(['changeCode option']);
    const nobody = '00000000-0000-4000-8000-000000000000';
    expect(
      await refusal('capacity-change', {
        ...suspension,
        customerId: nobody,
        plannedOn: '2024-08-12',
        plannedEndOn: '2024-09-30',
      }),
    ).toEqual(['customerId unknown']);
    // when a closed account is transferred or closed again
    const transfer = {
      channel: 'counter',
      transferOn: '2024-08-16',
      newOwnerName: '新主',
      newOwnerPhone: '13900001111',
    };
    expect(await refusal('ownership-transfer', { ...transfer, customerId: gone.id })).toEqual(['customerId closed']);
    expect(
      await refusal('account-closure', { channel: 'counter', customerId: gone.id, closeOn: '2024-08-20' }),
    ).toEqual(['customerId closed']);
    // then nothing was started or recorded
    expect(await count()).toEqual(before);
  });

  it('counts a suspension still waiting for its site date against the 1996 limits, with its applied days', async () => {
    // given a tariff with the 1996 rules and two suspensions applied for, neither sealed yet
    const provLi = (await admin.get('/api/v1/tariffs/PROV-LI-10KV')).body;
    const saved = await admin.request('PUT', '/api/v1/tariffs/LI-10KV-1996-Q', {
      ...provLi,
      code: 'LI-10KV-1996-Q',
      name: 'Large industry, 1996 suspension rules (pending applications)',
      versions: provLi.versions.map((v: object) => ({ ...v, suspensionRules: '1996' })),
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const f = await factory([], { tariffCode: 'LI-10KV-1996-Q' });
    clock.set(at('2024-08-01'));
    const suspend = (plannedOn: string, plannedEndOn: string) =>
      apply({ changeCode: '203', customerId: f.id, kva: 400, plannedOn, plannedEndOn });
    const first = await suspend('2024-08-12', '2024-09-30');
    const second = await suspend('2024-10-08', '2024-11-30');
    for (const id of [first, second]) await waitForTask(clerk, id, 'CC01');
    // when a third is applied for in the same year
    const third = await suspend('2024-12-02', '2024-12-20');
    // then it is refused: twice a year at most, the two waiting ones counted
    const done = await ended(third);
    expect(done.variables).toMatchObject({ accepted: false, refusalCode: 'SUSPENSION_TOO_OFTEN' });
    // and a cancelled application frees its place
    await work(t, 'xh.clerk', second, 'CC01', {});
    await work(t, 'xh.leader', second, 'CC02', { changeApproved: 'no', approvalComment: '撤回 withdrawn' });
    expect((await ended(second)).variables.refusalCode).toBe('CHANGE_NOT_APPROVED');
    const fourth = await suspend('2024-12-02', '2024-12-20');
    expect(await waitForTask(clerk, fourth, 'CC01')).toBeTruthy();
  });

  it('closes an account in credit: the deposit and the credit pay the final bill, the rest is refunded to 0', async () => {
    // given the factory, 10 000.00 paid in advance and a deposit of 20 000.00
    clock.set(at('2024-07-15'));
    const f = await factory([['2024-06', { total: '1000', peak: '300', flat: '400', valley: '300' }]], {
      pfStandard: undefined,
    });
    const collector = await t.as('xh.collector');
    const prepaid = await collector.post('/api/v1/payments', {
      customerId: f.id,
      channel: 'bank',
      amount: '10000.00',
      paidAt: at('2024-07-15'),
      idempotencyKey: `prepaid-${f.id}`,
    });
    expect(prepaid.status, JSON.stringify(prepaid.body)).toBe(201);
    const { id } = await start(clerk, 'account-closure', {
      departmentId: 'ZJ-HZ-XH',
      variables: { channel: 'counter', customerId: f.id, closeOn: '2024-07-20' },
    });
    await work(t, 'xh.clerk', id, 'CL01', { depositHeld: 20000, refundAccount: '6222 0212 0000 1234' });
    clock.set(at('2024-07-20'));
    await work(t, 'xh.meter', id, 'CL02', {
      finalReadingOn: '2024-07-20',
      finalReading: 1100,
      finalPeak: 330,
      finalFlat: 440,
      finalValley: 330,
    });
    // when it is settled: 23 969.02 owed, 10 000.00 + 20 000.00 held = 6 030.98 to refund
    await waitForTask(collector, id, 'CL05');
    expect((await instance(admin, id)).variables).toMatchObject({
      finalBillTotal: '23969.02',
      credit: '10000.00',
      deposit: '20000.00',
      toCollect: '0.00',
      toRefund: '6030.98',
    });
    await work(t, 'xh.collector', id, 'CL05', { settledOn: '2024-07-22' });
    await work(t, 'xh.meter', id, 'CL06', { meterRemovedOn: '2024-07-23' });
    await work(t, 'xh.clerk', id, 'CL08', {});
    // then the refund is on the ledger, audited, and the account ends at 0
    const closed = await ended(id);
    expect(closed.variables).toMatchObject({ refundedAmount: '6030.98' });
    expect(await ledger(f.id)).toEqual([
      ['refund', 'bank', '6030.98'],
      ['payment', 'deposit', '20000.00'],
      ['payment', 'bank', '10000.00'],
    ]);
    expect(await balance(f.id, '2024-07-23')).toEqual({ totalArrears: '0.00', creditBalance: '0.00' });
    const audited = await t.platform
      .db('audit_log')
      .whereIn('object_id', [closed.variables.refundPaymentId, closed.variables.depositPaymentId])
      .orderBy('action')
      .pluck('action');
    expect(audited).toEqual(['payment.deposit', 'payment.refund']);
  });
});
