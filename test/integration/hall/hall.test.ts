import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dec, dec } from '../../../server/domain/decimal.js';
import { shanghaiDateOf } from '../../../server/domain/calendar/index.js';
import { shiftPeriod } from '../../../server/marketing/billing-periods.js';
import { seedDemoHallCustomers } from '../../../server/hall/demo-customers.js';
import { TestClock } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { ApiClient, type Response } from '../../support/client.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';

const HALL = '/api/hall/v1';
const LIMITS = { maxFailures: 3, maxFailuresPerAddress: 50, firstDelaySeconds: 60, maxDelaySeconds: 200 };
const round2 = (x: Dec) => x.toDecimalPlaces(2, Dec.ROUND_HALF_UP);
const dayNo = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const daysIn = (period: string) =>
  new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 0)).getUTCDate();

describe.each(BACKENDS)('the customer hall (%s)', (backend) => {
  let t: TestPlatform;
  const db = () => t.database.db;
  // From noon of today (Asia/Shanghai), moved by the test: the daily SMS limit counts codes since
  // midnight, so a run just after midnight would otherwise see its own earlier codes fall on yesterday.
  const clock = new TestClock(`${shanghaiDateOf(new Date())}T12:00:00+08:00`);
  const todayAt = () => shanghaiDateOf(new Date(clock.now()));

  /** The newest code the development gateway "sent" to a phone: a row of the notifications outbox. */
  async function codeSentTo(phone: string): Promise<string> {
    const row = await db()('notifications')
      .where({ recipient: phone, template: 'hall_sms_code' })
      .orderBy('created_at', 'desc')
      .first<{ body: string }>('body');
    const code = /(\d{6})/.exec(row?.body ?? '')?.[1];
    if (!code) throw new Error(`no code was sent to ${phone}`);
    return code;
  }

  /** A minute passes for the phone's codes, as far as the one-a-minute limit is concerned. */
  function aMinuteLater() {
    clock.advance(61_000);
  }

  async function requestCode(body: Record<string, unknown>, client = t.anonymous()) {
    return client.post(`${HALL}/sms-codes`, body);
  }

  async function signIn(loginName: string, phone: string, password = 'demo1234', from = '198.51.100.1') {
    aMinuteLater();
    expect((await requestCode({ purpose: 'sign-in', loginName })).status).toBe(202);
    const client = new ApiClient(t.url);
    const res = await client.post(
      `${HALL}/session`,
      { loginName, password, code: await codeSentTo(phone) },
      { 'x-forwarded-for': from },
    );
    if (res.status !== 200) throw new Error(`sign-in ${loginName}: ${res.status} ${JSON.stringify(res.body)}`);
    client.csrf = res.body.csrfToken;
    return client;
  }

  async function accountId(accountNo: string): Promise<string> {
    return (await db()('customers').where({ account_no: accountNo }).first<{ id: string }>('id')).id;
  }

  beforeAll(async () => {
    t = await startTestPlatform(backend, { env: { TRUST_PROXY: 'true' }, auth: LIMITS, clock });
    await seedDemoHallCustomers(t.database.db, undefined, new Date(clock.now()));
    // An account nobody has registered yet.
    await db()('customers').insert({
      id: '7d1c1a39-5d5e-4a5b-9c55-2f0f7c7f0001',
      account_no: 'T9900000001',
      name: '测试 用户',
      phone: '13800000001',
      department_id: 'ZJ-HZ-XH',
      elec_type_code: '202',
    });
  }, 240_000);
  afterAll(() => t?.close());

  it('registers with the code read from the notifications outbox, then signs in with password and code', async () => {
    // given a code sent to the phone on file
    const sent = await requestCode({
      purpose: 'register',
      accountNo: 'T9900000001',
      name: '测试用户',
      phone: '13800000001',
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ expiresInSeconds: 300, resendAfterSeconds: 60 });
    const stored = await db()('sms_codes')
      .where({ recipient_key: '13800000001' })
      .first<{ code_hash: string }>('code_hash');
    const code = await codeSentTo('13800000001');
    expect(stored.code_hash).not.toContain(code);

    // when the account is proven with it
    const registered = await t.anonymous().post(`${HALL}/registrations`, {
      accountNo: 'T9900000001',
      name: '测试用户',
      phone: '13800000001',
      code,
      password: 'secret123',
    });

    // then the login exists, and it signs in with its phone or its account number
    expect(registered.status).toBe(201);
    expect(registered.body.loginName).toBe('138****0001');
    expect(registered.body.accounts.map((a: { accountNo: string }) => a.accountNo)).toEqual(['T9900000001']);
    const client = await signIn('T9900000001', '13800000001', 'secret123');
    const me = await client.get(`${HALL}/me`);
    expect(me.status).toBe(200);
    expect(me.body.phone).toBe('138****0001');
    expect(me.body.accounts[0].phone).toBe('138****0001');
    const audit = await db()('audit_log')
      .whereIn('action', ['hall.register', 'hall.sign-in'])
      .where('actor_id', 'like', 'customer:%');
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual(['hall.register', 'hall.sign-in']);
  });

  it('refuses a wrong, an expired and a reused code', async () => {
    // given a signed-in customer's code, used once
    const client = await signIn('13900000001', '13900000001');
    expect((await client.get(`${HALL}/me`)).status).toBe(200);
    const used = await codeSentTo('13900000001');
    // when it is used again, then it is refused
    const again = await t
      .anonymous()
      .post(`${HALL}/session`, { loginName: '13900000001', password: 'demo1234', code: used });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('SIGN_IN_FAILED');

    // a wrong code
    aMinuteLater();
    await requestCode({ purpose: 'sign-in', loginName: '13900000001' });
    const fresh = await codeSentTo('13900000001');
    const wrong = String((Number(fresh) + 1) % 1_000_000).padStart(6, '0');
    expect(
      (await t.anonymous().post(`${HALL}/session`, { loginName: '13900000001', password: 'demo1234', code: wrong }))
        .status,
    ).toBe(401);

    // an expired one
    await db()('sms_codes')
      .where({ recipient_key: '13900000001' })
      .update({ expires_at: new Date(new Date(clock.now()).getTime() - 1000) });
    const expired = await t
      .anonymous()
      .post(`${HALL}/session`, { loginName: '13900000001', password: 'demo1234', code: fresh });
    expect(expired.status).toBe(401);
    const failures = await db()('audit_log').where({ action: 'hall.sign-in.failed' }).count<{ n: string }[]>('* as n');
    expect(Number(failures[0]?.n)).toBeGreaterThanOrEqual(3);
  });

  it('sends at most one code a minute and ten a day to a phone, refusing with 429 and Retry-After', async () => {
    const ask = () => requestCode({ purpose: 'reset', loginName: '13900000006' });
    expect((await ask()).status).toBe(202);
    const tooSoon = await ask();
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.code).toBe('SMS_CODE_TOO_SOON');
    const wait = Number(tooSoon.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    for (let i = 1; i < 10; i++) {
      aMinuteLater();
      expect((await ask()).status).toBe(202);
    }
    aMinuteLater();
    const eleventh = await ask();
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.code).toBe('SMS_CODE_DAILY_LIMIT');
    expect(Number(eleventh.headers.get('retry-after'))).toBeGreaterThan(0);
    const sent = await db()('notifications')
      .where({ recipient: '13900000006', template: 'hall_sms_code' })
      .count<{ n: string }[]>('* as n');
    expect(Number(sent[0]?.n)).toBe(10);
  });

  it('throttles sign-in after failed passwords exactly like staff logins', async () => {
    const from = '203.0.113.77';
    const attempt = () =>
      t
        .anonymous()
        .post(
          `${HALL}/session`,
          { loginName: '13900000005', password: 'wrong-one', code: '000000' },
          { 'x-forwarded-for': from },
        );
    for (let i = 0; i < LIMITS.maxFailures; i++) expect((await attempt()).status).toBe(401);
    const throttled: Response = await attempt();
    expect(throttled.status).toBe(429);
    expect(throttled.body.code).toBe('LOGIN_THROTTLED');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('keeps the realms apart: a customer session opens no staff route, a staff session no hall route', async () => {
    const customer = await signIn('13900000002', '13900000002');
    expect((await customer.get('/api/v1/auth/me')).status).toBe(401);
    expect((await customer.get(`/api/v1/customers/${await accountId('H3301000002')}`)).status).toBe(401);
    const staff = await t.as('xh.clerk');
    expect((await staff.get(`${HALL}/me`)).status).toBe(401);
    expect((await staff.get(`${HALL}/accounts/${await accountId('H3301000002')}/home`)).status).toBe(401);
    expect((await t.anonymous().get(`${HALL}/accounts`)).status).toBe(401);
  });

  it("answers 404 for another customer's account and bill", async () => {
    const customer = await signIn('13900000002', '13900000002');
    const mine = await accountId('H3301000002');
    const theirs = await accountId('H3301000004');
    const theirBill = await db()('bills').where({ customer_id: theirs }).first<{ id: string }>('id');
    expect((await customer.get(`${HALL}/accounts/${theirs}/home`)).status).toBe(404);
    expect((await customer.get(`${HALL}/accounts/${theirs}/bills`)).status).toBe(404);
    expect((await customer.get(`${HALL}/accounts/${theirs}/bills/${theirBill.id}`)).status).toBe(404);
    expect((await customer.get(`${HALL}/accounts/${mine}/bills/${theirBill.id}`)).status).toBe(404);
    expect((await customer.get(`${HALL}/accounts/${mine}/home`)).status).toBe(200);
    // one login, two accounts
    expect((await customer.get(`${HALL}/accounts`)).body.items.map((a: { accountNo: string }) => a.accountNo)).toEqual([
      'H3301000002',
      'H3301000003',
    ]);
  });

  it('requires the CSRF token on state-changing hall routes, and limits body size', async () => {
    const customer = await signIn('13900000004', '13900000004');
    const noToken = await customer.request('DELETE', `${HALL}/session`, undefined, { 'x-csrf-token': '' });
    expect(noToken.status).toBe(403);
    expect(noToken.body.code).toBe('CSRF_FAILED');
    expect((await customer.get(`${HALL}/me`)).status).toBe(200);
    const big = await t
      .anonymous()
      .post(`${HALL}/sms-codes`, { purpose: 'sign-in', loginName: 'x', pad: 'y'.repeat(20_000) });
    expect(big.status).toBe(413);
    expect((await customer.request('DELETE', `${HALL}/session`)).status).toBe(204);
    expect((await customer.get(`${HALL}/me`)).status).toBe(401);
  });

  it("shows the TOU household's tier progress and this month's estimate as computed by hand from its readings", async () => {
    const customer = await signIn('13900000001', '13900000001');
    const id = await accountId('H3301000001');
    const home = await customer.get(`${HALL}/accounts/${id}/home`);
    expect(home.status).toBe(200);

    const today = todayAt();
    const month = today.slice(0, 7);
    const readings = (await db()('readings as r')
      .join('meters as m', 'm.id', 'r.meter_id')
      .where('m.customer_id', id)
      .orderBy('r.period')
      .select('r.period', db().raw('r.peak::text as peak'), db().raw('r.valley::text as valley'))) as {
      period: string;
      peak: string;
      valley: string;
    }[];
    const byPeriod = new Map(readings.map((r) => [r.period, r]));
    const advance = (p: string) => {
      const now = byPeriod.get(p);
      const before = byPeriod.get(shiftPeriod(p, -1));
      if (!now || !before) return null;
      return { peak: dec(now.peak).minus(before.peak), valley: dec(now.valley).minus(before.valley) };
    };
    const kwhOf = (p: string) => {
      const a = advance(p);
      return a ? a.peak.plus(a.valley) : null;
    };
    // tier year: this calendar year's billed months before this one (the first month read has no bill)
    const first = readings[0]?.period as string;
    let used = dec(0);
    for (let p = `${month.slice(0, 4)}-01`; p < month; p = shiftPeriod(p, 1))
      if (p > first) used = used.plus(kwhOf(p) ?? 0);
    const [t1, t2] = [dec(2760), dec(4800)];
    expect(home.body.tiers).toMatchObject({
      usedKwh: used.toFixed(2),
      t1Kwh: '2760.00',
      t2Kwh: '4800.00',
      currentTier: used.lessThan(t1) ? 1 : used.lessThan(t2) ? 2 : 3,
    });

    // estimate: the last three billed months' kWh per calendar day × this month's days
    const history = [1, 2, 3].map((k) => shiftPeriod(month, -k)).filter((p) => p > first);
    const histKwh = history.reduce((s, p) => s.plus(kwhOf(p) ?? 0), dec(0));
    const histDays = history.reduce((n, p) => n + daysIn(p), 0);
    const e = round2(histKwh.times(daysIn(month)).dividedBy(histDays));
    const last = advance(shiftPeriod(month, -1))!;
    const factor = e.dividedBy(last.peak.plus(last.valley));
    const peak = round2(last.peak.times(factor));
    const valley = round2(last.valley.times(factor));
    const billed = peak.plus(valley);
    const q1 = Dec.max(0, Dec.min(t1.minus(used), billed));
    const q2 = Dec.max(0, Dec.min(t2.minus(Dec.max(used, t1)), billed.minus(q1)));
    const tiers = [q1, q2, billed.minus(q1).minus(q2)];
    const [peakPrice, valleyPrice] = [
      ['0.568', '0.618', '0.868'],
      ['0.288', '0.338', '0.588'],
    ];
    let cumulative = dec(0);
    let cumulativePeak = dec(0);
    let amount = dec(0);
    tiers.forEach((q, i) => {
      cumulative = cumulative.plus(q);
      const nextPeak = round2(cumulative.times(peak).dividedBy(billed));
      const qPeak = nextPeak.minus(cumulativePeak);
      cumulativePeak = nextPeak;
      amount = amount.plus(round2(qPeak.times(peakPrice![i]!))).plus(round2(q.minus(qPeak).times(valleyPrice![i]!)));
    });
    expect(home.body.estimate).toMatchObject({
      basis: 'calendar-days',
      days: daysIn(month),
      kwh: e.toFixed(2),
      amount: amount.toFixed(2),
    });
    expect(home.body.lateFeeToday).toBe('0.00');

    // usage: 12 months with the TOU split
    const usage = await customer.get(`${HALL}/accounts/${id}/usage?months=12`);
    expect(usage.status).toBe(200);
    expect(usage.body.touSplit).not.toBeNull();
    expect(usage.body.months.length).toBeGreaterThan(0);
  });

  it('shows the arrears customer the late fee accruing today, and bills with the lines the back office computed', async () => {
    const customer = await signIn('13900000004', '13900000004');
    const id = await accountId('H3301000004');
    const home = await customer.get(`${HALL}/accounts/${id}/home`);
    expect(home.status).toBe(200);
    const today = todayAt();
    const unpaid = (await db()('bills')
      .where({ customer_id: id })
      .whereIn('status', ['issued', 'partly_paid'])
      .select(db().raw('total::text as total'), db().raw(`to_char(due_date, 'YYYY-MM-DD') as due`))) as {
      total: string;
      due: string;
    }[];
    expect(unpaid.length).toBe(2);
    let fee = dec(0);
    for (const bill of unpaid) {
      const days = dayNo(today) - dayNo(bill.due);
      if (days <= 0) continue;
      // DOMAIN.md §6: residential 1 ‰ a day on the principal; a fee between 0 and 1 yuan is 1 yuan
      const exact = dec(bill.total).times(0.001).times(days);
      fee = fee.plus(exact.greaterThan(0) && exact.lessThan(1) ? dec(1) : round2(exact));
    }
    expect(fee.greaterThan(0)).toBe(true);
    expect(home.body.lateFeeToday).toBe(fee.toFixed(2));
    expect(home.body.arrears).toBe(unpaid.reduce((s, b) => s.plus(b.total), dec(0)).toFixed(2));
    expect(home.body.alerts.some((a: { code: string }) => a.code === 'overdue')).toBe(true);

    const list = await customer.get(`${HALL}/accounts/${id}/bills?limit=5`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(5);
    expect(list.body.hasMore).toBe(true);
    const detail = await customer.get(`${HALL}/accounts/${id}/bills/${list.body.items[0].id}`);
    const staff = await (await t.as('xh.auditor')).get(`/api/v1/customers/${id}/bills`);
    const backOffice = staff.body.items.find((b: { id: string }) => b.id === detail.body.id);
    expect(detail.body.lines).toEqual(backOffice.lines);
    expect(detail.body.total).toBe(backOffice.total);
  });

  it('resets a password by SMS, ending the sessions of the login', async () => {
    const before = await signIn('13900000005', '13900000005', 'demo1234', '198.51.100.9');
    aMinuteLater();
    expect((await requestCode({ purpose: 'reset', loginName: 'H3301000005' })).status).toBe(202);
    const reset = await t.anonymous().post(`${HALL}/password-resets`, {
      loginName: 'H3301000005',
      code: await codeSentTo('13900000005'),
      newPassword: 'newpass99',
    });
    expect(reset.status).toBe(204);
    expect((await before.get(`${HALL}/me`)).status).toBe(401);
    const after = await signIn('13900000005', '13900000005', 'newpass99', '198.51.100.9');
    expect((await after.get(`${HALL}/me`)).status).toBe(200);
    expect(await db()('audit_log').where({ action: 'hall.password-reset' }).first()).toBeTruthy();
  });

  it('declares the hall as its own section of the OpenAPI document', async () => {
    const doc = (await t.anonymous().get('/api/openapi.json')).body;
    const hall = Object.entries<Record<string, { tags: string[]; responses: Record<string, unknown> }>>(
      doc.paths,
    ).filter(([path]) => path.startsWith(HALL));
    expect(hall.length).toBeGreaterThanOrEqual(10);
    for (const [, ops] of hall) for (const op of Object.values(ops)) expect(op.tags).toEqual(['Customer hall']);
    expect(doc.components.securitySchemes.hallSession).toMatchObject({ in: 'cookie', name: 'pm_hall_session' });
  });
});
