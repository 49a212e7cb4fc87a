import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { ApiClient, type Response } from '../../support/client.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';

const LIMITS = { maxFailures: 5, maxFailuresPerAddress: 12, firstDelaySeconds: 60, maxDelaySeconds: 200 };

function login(t: TestPlatform, username: string, password: string, from?: string): Promise<Response> {
  return t.anonymous().post('/api/v1/auth/login', { username, password }, from ? { 'x-forwarded-for': from } : {});
}

/** The delays of one address end now: what the clock would do after waiting them out. */
async function waitOutDelays(t: TestPlatform, address: string): Promise<void> {
  await t.database
    .db('login_throttle')
    .where('key', 'like', `%address:${address}`)
    .whereNotNull('blocked_until')
    .update({ blocked_until: new Date(Date.now() - 1000) });
}

function retryAfter(res: Response): number {
  return Number(res.headers.get('retry-after'));
}

describe.each(BACKENDS)('login throttling behind a trusted proxy (%s)', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend, { env: { TRUST_PROXY: 'true' }, auth: LIMITS });
  });
  afterAll(() => t?.close());

  it('checks at most the limit of 20 parallel wrong passwords; the rest are refused 429 without a check', async () => {
    // given an account nobody has failed against
    const user = await t.database.db('users').where({ username: 'xh.meter' }).first<{ id: string }>('id');

    // when 20 wrong passwords arrive at once from one address
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(t, 'xh.meter', `wrong-${i}`, '203.0.113.10')),
    );

    // then only the limit was checked, and the others say how long to wait
    const checked = answers.filter((a) => a.status === 401);
    const refused = answers.filter((a) => a.status === 429);
    expect(checked).toHaveLength(LIMITS.maxFailures);
    expect(refused).toHaveLength(20 - LIMITS.maxFailures);
    for (const res of refused) {
      expect(res.body.code).toBe('LOGIN_THROTTLED');
      expect(retryAfter(res)).toBeGreaterThan(0);
      expect(retryAfter(res)).toBeLessThanOrEqual(LIMITS.firstDelaySeconds);
    }
    const failures = await t.database
      .db('audit_log')
      .where({ action: 'auth.login.failed', object_id: user.id })
      .count<{ count: string }[]>('* as count')
      .first();
    expect(Number(failures?.count)).toBe(LIMITS.maxFailures);
  });

  it('does not keep the same account out from another address, nor the administrator', async () => {
    // given an attacker who failed past the limit for a named account
    for (let i = 0; i < LIMITS.maxFailures; i++)
      expect((await login(t, 'xh.surveyor', 'wrong', '203.0.113.20')).status).toBe(401);
    expect((await login(t, 'xh.surveyor', 'demo1234', '203.0.113.20')).status).toBe(429);

    // when its owner signs in from elsewhere, then the attacker's failures do not stand in the way
    expect((await login(t, 'xh.surveyor', 'demo1234', '198.51.100.20')).status).toBe(200);

    // given an address that failed past its limit across many accounts
    for (let i = 0; i < LIMITS.maxFailuresPerAddress; i++)
      expect((await login(t, `nobody${i}`, 'wrong', '203.0.113.21')).status).toBe(401);
    const slowed = await login(t, 'admin', 'demo1234', '203.0.113.21');
    expect(slowed.status).toBe(429);
    // a delay that grows, not a lockout
    expect(retryAfter(slowed)).toBeLessThanOrEqual(LIMITS.firstDelaySeconds);

    // then the administrator still signs in from any other address
    expect((await login(t, 'admin', 'demo1234', '198.51.100.21')).status).toBe(200);
  });

  it('doubles the delay with each further failure, up to the longest delay', async () => {
    const from = '203.0.113.30';
    for (let i = 0; i < LIMITS.maxFailures; i++) expect((await login(t, 'xh.auditor', 'wrong', from)).status).toBe(401);
    const delays: number[] = [];
    for (let round = 0; round < 4; round++) {
      const refused = await login(t, 'xh.auditor', 'wrong', from);
      expect(refused.status).toBe(429);
      delays.push(retryAfter(refused));
      await waitOutDelays(t, from);
      expect((await login(t, 'xh.auditor', 'wrong', from)).status).toBe(401);
    }
    // 60 s, then 120 s, then capped at 200 s; a second either way for the clock between the calls
    const expected = [60, 120, 200, 200];
    delays.forEach((delay, i) => expect(Math.abs(delay - (expected[i] as number))).toBeLessThanOrEqual(1));
  });

  it('starts the count for an account and address over after a successful login', async () => {
    const from = '203.0.113.40';
    for (let i = 0; i < LIMITS.maxFailures - 1; i++)
      expect((await login(t, 'xh.collector', 'wrong', from)).status).toBe(401);
    expect((await login(t, 'xh.collector', 'demo1234', from)).status).toBe(200);

    for (let i = 0; i < LIMITS.maxFailures - 1; i++)
      expect((await login(t, 'xh.collector', 'wrong', from)).status).toBe(401);
    expect((await login(t, 'xh.collector', 'demo1234', from)).status).toBe(200);
  });

  it('takes the address the trusted proxy wrote, not the ones a client put before it', async () => {
    for (let i = 0; i < LIMITS.maxFailures; i++)
      expect((await login(t, 'xh.account', 'wrong', `10.9.9.${i}, 203.0.113.50`)).status).toBe(401);
    expect((await login(t, 'xh.account', 'demo1234', '10.9.9.99, 203.0.113.50')).status).toBe(429);
  });

  it('ends the sessions and API tokens of a user an administrator locks, at once', async () => {
    // given a user signed in with a cookie and holding an API token
    const user = await new ApiClient(t.url).login('xh.clerk2');
    const created = await user.post('/api/v1/auth/tokens', { name: 'integration' });
    expect(created.status).toBe(201);
    const integration = t.anonymous();
    integration.bearer = created.body.token;
    expect((await user.get('/api/v1/auth/me')).status).toBe(200);
    expect((await integration.get('/api/v1/auth/me')).status).toBe(200);

    // when an administrator locks the user
    const admin = await new ApiClient(t.url).login('admin');
    const users = (await admin.get('/api/v1/admin/users?q=xh.clerk2')).body.items as { id: string; username: string }[];
    const target = users.find((u) => u.username === 'xh.clerk2')!;
    const locked = await admin.patch(`/api/v1/admin/users/${target.id}`, {
      lockedUntil: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(locked.status).toBe(200);

    // then neither the cookie nor the token works any more
    expect((await user.get('/api/v1/auth/me')).status).toBe(401);
    expect((await integration.get('/api/v1/auth/me')).status).toBe(401);
    expect(await t.database.db('sessions').where({ user_id: target.id }).first('id')).toBeUndefined();
    const token = await t.database.db('api_tokens').where({ id: created.body.id }).first('revoked_at');
    expect(token.revoked_at).not.toBeNull();

    // and once unlocked the user signs in again, but the token stays revoked
    expect((await admin.patch(`/api/v1/admin/users/${target.id}`, { lockedUntil: null })).status).toBe(200);
    expect((await login(t, 'xh.clerk2', 'demo1234')).status).toBe(200);
    expect((await integration.get('/api/v1/auth/me')).status).toBe(401);
  });
});

describe.each(BACKENDS)('login throttling without a trusted proxy (%s)', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend, { auth: LIMITS });
  });
  afterAll(() => t?.close());

  it('ignores X-Forwarded-For: a client cannot change its address to escape the delay', async () => {
    for (let i = 0; i < LIMITS.maxFailures; i++)
      expect((await login(t, 'xh.meter', 'wrong', `198.51.100.${i}`)).status).toBe(401);
    const refused = await login(t, 'xh.meter', 'demo1234', '198.51.100.200');
    expect(refused.status).toBe(429);
    const keys = (await t.database.db('login_throttle').pluck<string[]>('key')).sort();
    expect(keys).toEqual(['account:xh.meter|address:127.0.0.1', 'address:127.0.0.1']);
  });
});
