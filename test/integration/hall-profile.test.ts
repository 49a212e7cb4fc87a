import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDateOf } from '../../server/domain/calendar/index.js';
import { seedDemoHallCustomers } from '../../server/hall/demo-customers.js';
import { TestClock } from '../../server/lib/clock.js';
import { BACKENDS } from '../support/database.js';
import { ApiClient } from '../support/client.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const HALL = '/api/hall/v1';

/**
 * The hall's profile (contact phone changed with a code sent to the new phone, e-mail, mailing
 * address, subscriptions, e-bill) and message centre (own notices only, read state), on both
 * backends, through the HTTP API with responses checked against the OpenAPI document.
 */
describe.each(BACKENDS)('the hall profile and message centre (%s)', (backend) => {
  let t: TestPlatform;
  const db = () => t.database.db;
  // Noon of today (Asia/Shanghai), moved by the test: the daily code limit counts from midnight.
  const clock = new TestClock(`${shanghaiDateOf(new Date())}T12:00:00+08:00`);
  const aMinuteLater = () => clock.advance(61_000);

  async function codesTo(phone: string): Promise<string[]> {
    const rows = await db()('notifications')
      .where({ recipient: phone, template: 'hall_sms_code' })
      .orderBy('created_at', 'asc')
      .select<{ body: string }[]>('body');
    return rows.map((r) => /(\d{6})/.exec(r.body)?.[1] ?? '');
  }

  async function newestCodeTo(phone: string): Promise<string> {
    const code = (await codesTo(phone)).at(-1);
    if (!code) throw new Error(`no code was sent to ${phone}`);
    return code;
  }

  async function signIn(loginName: string, phone: string) {
    aMinuteLater();
    expect((await t.anonymous().post(`${HALL}/sms-codes`, { purpose: 'sign-in', loginName })).status).toBe(202);
    const client = new ApiClient(t.url);
    const res = await client.post(`${HALL}/session`, {
      loginName,
      password: 'demo1234',
      code: await newestCodeTo(phone),
    });
    if (res.status !== 200) throw new Error(`sign-in ${loginName}: ${res.status} ${JSON.stringify(res.body)}`);
    client.csrf = res.body.csrfToken;
    return client;
  }

  const accountId = async (accountNo: string) =>
    (await db()('customers').where({ account_no: accountNo }).first<{ id: string }>('id')).id;
  const loginOf = async (phone: string) =>
    (await db()('customer_logins').where({ phone }).first<{ id: string } | undefined>('id'))?.id;

  /** A notice the back office sent about an account, through the platform's own notification service. */
  async function notice(accountNo: string, key: string, template = 'arrears_reminder') {
    const params =
      template === 'reconnected' ? {} : { asOf: '2026-11-30', arrears: '120.50', lateFee: '1.20', period: '2026-11' };
    return t.platform.services.notifications.send(
      { template, customerId: await accountId(accountNo), params },
      { idempotencyKey: key, by: 'system' },
    );
  }

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock });
    await seedDemoHallCustomers(t.database.db, undefined, new Date(clock.now()));
  }, 240_000);
  afterAll(() => t?.close());

  it('answers the profile with the phone masked and every notice subscribed by default', async () => {
    const customer = await signIn('13900000001', '13900000001');
    const profile = await customer.get(`${HALL}/profile`);
    expect(profile.status).toBe(200);
    expect(profile.body).toEqual({
      phone: '139****0001',
      email: null,
      mailingAddress: null,
      subscriptions: { billIssued: true, dueSoon: true, arrears: true, outage: true },
      eBill: false,
      updatedAt: null,
    });
  });

  it('changes the phone only with the code sent to the new phone; a wrong code changes nothing', async () => {
    // given a customer who asks for a code to a new phone
    const customer = await signIn('13900000005', '13900000005');
    const loginId = await loginOf('13900000005');
    const oldCodes = (await codesTo('13900000005')).length;
    aMinuteLater();
    const sent = await customer.post(`${HALL}/profile/phone-codes`, { phone: '13700000005' });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ expiresInSeconds: 300, resendAfterSeconds: 60 });
    // then the code went to the new phone, not the old one, and is kept only hashed
    expect(await codesTo('13900000005')).toHaveLength(oldCodes);
    const code = await newestCodeTo('13700000005');
    const stored = await db()('sms_codes')
      .where({ recipient_key: '13700000005', purpose: 'change-phone' })
      .first<{ code_hash: string }>('code_hash');
    expect(stored.code_hash).not.toContain(code);

    // when a wrong code is sent, then 400 with the field, and the phone stays
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const refused = await customer.put(`${HALL}/profile/phone`, { phone: '13700000005', code: wrong });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('SMS_CODE_INVALID');
    expect(refused.body.errors).toEqual([{ field: 'body.code', reason: 'wrong, expired or already used' }]);
    expect(await loginOf('13900000005')).toBe(loginId);
    expect(await loginOf('13700000005')).toBeUndefined();

    // when the right code is sent, then the login's phone (and login name) is the new one
    const changed = await customer.put(`${HALL}/profile/phone`, { phone: '13700000005', code });
    expect(changed.status).toBe(200);
    expect(changed.body.phone).toBe('137****0005');
    expect(await loginOf('13700000005')).toBe(loginId);
    expect(await loginOf('13900000005')).toBeUndefined();
    expect((await customer.get(`${HALL}/me`)).body.phone).toBe('137****0005');
    // the code is single use (another login asking with it is refused too)
    const other = await signIn('13900000001', '13900000001');
    const again = await other.put(`${HALL}/profile/phone`, { phone: '13700000005', code });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('SMS_CODE_INVALID');

    // and the audit log holds the failure and the change, with the customer as actor and masked phones
    const audit = await db()('audit_log')
      .where({ actor_id: `customer:${loginId}` })
      .whereIn('action', ['hall.profile.phone', 'hall.profile.phone.failed'])
      .orderBy('id')
      .select<{ action: string; details: unknown }[]>('action', 'details');
    expect(audit.map((a) => a.action)).toEqual(['hall.profile.phone.failed', 'hall.profile.phone']);
    const details = (typeof audit[1]?.details === 'string' ? JSON.parse(audit[1].details) : audit[1]?.details) as {
      from: string;
      to: string;
    };
    expect(details).toMatchObject({ from: '139****0005', to: '137****0005', actorType: 'customer' });

    // the new phone signs in
    const again2 = await signIn('13700000005', '13700000005');
    expect((await again2.get(`${HALL}/profile`)).body.phone).toBe('137****0005');
  });

  it("keeps the code rules for the new phone: one a minute, ten a day, nothing sent to another login's phone", async () => {
    const customer = await signIn('13900000006', '13900000006');
    const ask = (phone: string) => customer.post(`${HALL}/profile/phone-codes`, { phone });
    aMinuteLater();
    expect((await ask('13700000006')).status).toBe(202);
    const tooSoon = await ask('13700000006');
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.code).toBe('SMS_CODE_TOO_SOON');
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(0);
    for (let i = 1; i < 10; i++) {
      aMinuteLater();
      expect((await ask('13700000006')).status).toBe(202);
    }
    aMinuteLater();
    const eleventh = await ask('13700000006');
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.code).toBe('SMS_CODE_DAILY_LIMIT');
    expect(await codesTo('13700000006')).toHaveLength(10);

    // a phone another login has: the same answer, but no code leaves, so the change cannot succeed
    aMinuteLater();
    const before = (await codesTo('13900000004')).length;
    expect((await ask('13900000004')).status).toBe(202);
    expect(await codesTo('13900000004')).toHaveLength(before);
    // the current phone is refused with the field named
    const same = await ask('13900000006');
    expect(same.status).toBe(400);
    expect(same.body.errors).toEqual([{ field: 'body.phone', reason: 'the current phone' }]);
    // a malformed phone names the field
    const bad = await ask('12345');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((d: { field: string }) => d.field)).toEqual(['body.phone']);
  });

  it('validates the e-mail and changes nothing on bad input', async () => {
    const customer = await signIn('13900000002', '13900000002');
    const loginId = await loginOf('13900000002');
    expect((await customer.put(`${HALL}/profile`, { email: 'Zhang.Wei@Example.com' })).status).toBe(200);
    for (const body of [
      { email: 'not-an-email', eBill: true },
      { mailingAddress: 'x'.repeat(201), eBill: true },
      { subscriptions: { billIssued: 'no' }, eBill: true },
      { eBill: true, role: 'admin' },
      {},
    ]) {
      const res = await customer.put(`${HALL}/profile`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    const emailRefused = await customer.put(`${HALL}/profile`, { email: 'not-an-email' });
    expect(emailRefused.body.errors.map((d: { field: string }) => d.field)).toEqual(['body.email']);
    // nothing changed: the e-mail stays, e-bill is still off
    const row = await db()('customer_profiles')
      .where({ login_id: loginId })
      .first<{ email: string; e_bill: boolean }>('email', 'e_bill');
    expect(row).toEqual({ email: 'zhang.wei@example.com', e_bill: false });
    const profile = (await customer.get(`${HALL}/profile`)).body;
    expect(profile.email).toBe('z***@example.com');
    expect(profile.eBill).toBe(false);
  });

  it('round-trips subscriptions, e-bill and the mailing address, each change audited', async () => {
    const customer = await signIn('13900000004', '13900000004');
    const loginId = await loginOf('13900000004');
    const changed = await customer.put(`${HALL}/profile`, {
      subscriptions: { billIssued: false, outage: false },
      eBill: true,
      mailingAddress: '杭州市西湖区文三路 90 号',
    });
    expect(changed.status).toBe(200);
    const profile = (await customer.get(`${HALL}/profile`)).body;
    expect(profile.subscriptions).toEqual({ billIssued: false, dueSoon: true, arrears: true, outage: false });
    expect(profile.eBill).toBe(true);
    expect(profile.mailingAddress).toBe('杭州市西湖区文三路 90 号');
    expect((await customer.put(`${HALL}/profile`, { subscriptions: { outage: true } })).body.subscriptions).toEqual({
      billIssued: false,
      dueSoon: true,
      arrears: true,
      outage: true,
    });
    const audit = await db()('audit_log')
      .where({ actor_id: `customer:${loginId}`, action: 'hall.profile.update' })
      .orderBy('id')
      .select<{ object_id: string; details: unknown }[]>('object_id', 'details');
    expect(audit).toHaveLength(2);
    expect(audit[0]?.object_id).toBe(loginId);
    const details = (typeof audit[0]?.details === 'string' ? JSON.parse(audit[0].details) : audit[0]?.details) as {
      fields: string[];
    };
    expect(details.fields.sort()).toEqual(['e_bill', 'mailing_address', 'notify_bill_issued', 'notify_outage']);
  });

  it('sends no bill-issued notice to a customer who turned it off, but still the arrears reminder', async () => {
    // given H3301000004's login turned bill notices off (previous test) and H3301000001's did not
    const off = await accountId('H3301000004');
    const on = await accountId('H3301000001');
    const notices = t.platform.services.notifications;
    const bill = (customerId: string, key: string) => ({
      input: {
        template: 'bill_issued',
        customerId,
        params: { period: '2026-11', amount: '88.00', dueDate: '2026-12-20' },
      },
      origin: { idempotencyKey: key, by: 'system' },
    });
    await notices.sendMany([bill(off, 'profile-test:bill:off'), bill(on, 'profile-test:bill:on')]);
    const one = await notices.send(bill(off, 'profile-test:bill:off:single').input, {
      idempotencyKey: 'profile-test:bill:off:single',
      by: 'system',
    });
    const rows = await db()('notifications')
      .whereIn('idempotency_key', ['profile-test:bill:off', 'profile-test:bill:on'])
      .orderBy('idempotency_key')
      .select<{ status: string; error: string | null }[]>('status', 'error');
    expect(rows.map((r) => r.status)).toEqual(['failed', 'sent']);
    expect(rows[0]?.error).toMatch(/turned this notice off/);
    expect(one.status).toBe('failed');
    // the reminder a disconnection needs first (DOMAIN.md §6) is not a subscription
    expect((await notice('H3301000004', 'profile-test:reminder:off')).status).toBe('sent');
  });

  it("lists only the login's own notices, newest first, paged, without codes; another's notice is 404", async () => {
    // given notices about A's accounts (13900000002 holds H3301000002 and H3301000003) and B's
    const a = await signIn('13900000002', '13900000002');
    const b = await signIn('13900000001', '13900000001');
    const first = await notice('H3301000002', 'profile-test:a1');
    clock.advance(1000);
    const second = await notice('H3301000003', 'profile-test:a2', 'reconnected');
    clock.advance(1000);
    const theirs = await notice('H3301000001', 'profile-test:b1');

    // when A lists the message centre
    const list = await a.get(`${HALL}/messages?limit=1`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 2, unread: 2, offset: 0, limit: 1, hasMore: true });
    expect(list.body.items.map((m: { id: string }) => m.id)).toEqual([second.id]);
    expect(list.body.items[0]).toMatchObject({ template: 'reconnected', accountNo: 'H3301000003', read: false });
    expect(list.body.items[0].bodyEn).toBe('Supply to account H3301000003 is restored.');
    const next = await a.get(`${HALL}/messages?offset=1&limit=1`);
    expect(next.body.items.map((m: { id: string }) => m.id)).toEqual([first.id]);
    expect(next.body.hasMore).toBe(false);
    expect((await a.get(`${HALL}/messages/unread-count`)).body).toEqual({ unread: 2 });

    // then opening one marks it read, for A only
    const opened = await a.get(`${HALL}/messages/${first.id}`);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ id: first.id, read: true, template: 'arrears_reminder' });
    expect((await a.get(`${HALL}/messages/unread-count`)).body).toEqual({ unread: 1 });
    expect((await a.get(`${HALL}/messages/${first.id}`)).body.read).toBe(true);

    // and B sees only B's own, and A's notice does not exist for B (nor B's for A)
    const bIds = (await b.get(`${HALL}/messages`)).body.items.map((m: { id: string }) => m.id);
    expect(bIds).toContain(theirs.id);
    expect(bIds).not.toContain(first.id);
    expect(bIds).not.toContain(second.id);
    expect((await b.get(`${HALL}/messages/${first.id}`)).status).toBe(404);
    expect((await a.get(`${HALL}/messages/${theirs.id}`)).status).toBe(404);
    // a code sent to A's phone is a notice of the outbox, but not a message
    const code = await db()('notifications')
      .where({ recipient: '13900000002', template: 'hall_sms_code' })
      .first<{ id: string }>('id');
    expect((await a.get(`${HALL}/messages/${code.id}`)).status).toBe(404);
    expect((await a.get(`${HALL}/messages/not-an-id`)).status).toBe(400);
    expect(await db()('customer_notice_reads').where({ notification_id: theirs.id })).toHaveLength(0);
  });

  it('refuses staff sessions and anonymous callers (401), and writes without the CSRF token (403)', async () => {
    const staff = await t.as('xh.clerk');
    const someNotice = await db()('notifications').first<{ id: string }>('id');
    for (const path of ['/profile', '/messages', '/messages/unread-count', `/messages/${someNotice.id}`]) {
      expect((await staff.get(`${HALL}${path}`)).status, path).toBe(401);
      expect((await t.anonymous().get(`${HALL}${path}`)).status, path).toBe(401);
    }
    expect((await staff.put(`${HALL}/profile`, { eBill: true })).status).toBe(401);
    expect((await staff.put(`${HALL}/profile/phone`, { phone: '13700000009', code: '123456' })).status).toBe(401);
    expect((await staff.post(`${HALL}/profile/phone-codes`, { phone: '13700000009' })).status).toBe(401);
    const customer = await signIn('13900000001', '13900000001');
    const noToken = await customer.request('PUT', `${HALL}/profile`, { eBill: true }, { 'x-csrf-token': '' });
    expect(noToken.status).toBe(403);
    expect(noToken.body.code).toBe('CSRF_FAILED');
    expect((await customer.get(`${HALL}/profile`)).body.eBill).toBe(false);
  });

  it('declares the new routes in the hall section of the OpenAPI document', async () => {
    const doc = (await t.anonymous().get('/api/openapi.json')).body;
    for (const [path, method] of [
      ['/profile', 'get'],
      ['/profile', 'put'],
      ['/profile/phone-codes', 'post'],
      ['/profile/phone', 'put'],
      ['/messages', 'get'],
      ['/messages/unread-count', 'get'],
      ['/messages/{messageId}', 'get'],
    ] as const) {
      const op = doc.paths[`${HALL}${path}`]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.tags).toEqual(['Customer hall']);
      expect(op.security).toEqual([{ hallSession: [] }]);
    }
  });
});
