import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { ApiClient } from '../../support/client.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';

describe.each(BACKENDS)('authentication (%s)', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend, { auth: { maxFailures: 3, maxFailuresPerAddress: 8, firstDelaySeconds: 60 } });
  });
  afterAll(() => t?.close());

  it('logs in with an httpOnly SameSite cookie and tells the user what they may do', async () => {
    const res = await t.anonymous().post('/api/v1/auth/login', { username: 'xh.clerk', password: 'demo1234' });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pm_session='))!;
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=strict/i);
    const client = await new ApiClient(t.url).login('xh.clerk');
    const me = await client.get('/api/v1/auth/me');
    expect(me.body).toMatchObject({
      username: 'xh.clerk',
      department: { id: 'ZJ-HZ-XH' },
      roles: [
        {
          role: 'acceptance_clerk',
          departmentId: 'ZJ-HZ-XH',
          departmentName: '西湖区供电分公司',
          departmentNameEn: 'Xihu County Office',
        },
      ],
    });
    expect(me.body.actions).toContain('task:claim');
    expect(me.body.actions).not.toContain('deployment:create');
  });

  it('stores argon2id hashes, never passwords', async () => {
    const row = await t.database.db('users').where({ username: 'xh.clerk' }).first('password_hash');
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a cookie-authenticated write without the CSRF token, and accepts it with one', async () => {
    const client = await new ApiClient(t.url).login('xh.clerk');
    const csrf = client.csrf;
    client.csrf = null;
    const res = await client.post('/api/v1/process-instances', { definitionKey: 'none' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('CSRF_FAILED');
    expect(
      (await client.post('/api/v1/process-instances', { definitionKey: 'none' }, { 'x-csrf-token': 'forged' })).body
        .code,
    ).toBe('CSRF_FAILED');
    client.csrf = csrf;
    expect((await client.post('/api/v1/process-instances', { definitionKey: 'none' })).status).toBe(404);
  });

  it('logs out: the session no longer works', async () => {
    const client = await new ApiClient(t.url).login('xh.clerk2');
    expect((await client.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('expires sessions', async () => {
    const client = await new ApiClient(t.url).login('xh.surveyor');
    await t.database.db('sessions').update({ expires_at: new Date(Date.now() - 1000) });
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('rate-limits failed logins per account', async () => {
    const anon = t.anonymous();
    for (let i = 0; i < 3; i++)
      expect((await anon.post('/api/v1/auth/login', { username: 'jn.meter', password: 'wrong' })).status).toBe(401);
    const blocked = await anon.post('/api/v1/auth/login', { username: 'jn.meter', password: 'demo1234' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('LOGIN_THROTTLED');
    const audit = await t.database
      .db('audit_log')
      .where({ action: 'auth.login.failed' })
      .count<{ count: number }[]>('* as count')
      .first();
    expect(Number(audit?.count)).toBeGreaterThanOrEqual(3);
  });

  it('rate-limits failed logins per address, across accounts', async () => {
    const anon = t.anonymous();
    let last = 0;
    // 3 failures were already counted for this address by the previous test
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5'])
      last = (await anon.post('/api/v1/auth/login', { username: name, password: 'x' })).status;
    expect(last).toBe(401);
    expect((await anon.post('/api/v1/auth/login', { username: 'a6', password: 'x' })).status).toBe(429);
    // lift the block for the tests that follow
    await t.database.db('login_throttle').delete();
  });

  it('refuses inactive and locked users', async () => {
    const admin = await new ApiClient(t.url).login('admin');
    const users = (await admin.get('/api/v1/admin/users?q=jn.')).body.items as { id: string; username: string }[];
    const inactive = users.find((u) => u.username === 'jn.auditor')!;
    const locked = users.find((u) => u.username === 'jn.account')!;
    await admin.patch(`/api/v1/admin/users/${inactive.id}`, { active: false });
    await admin.patch(`/api/v1/admin/users/${locked.id}`, {
      lockedUntil: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(
      (await t.anonymous().post('/api/v1/auth/login', { username: 'jn.auditor', password: 'demo1234' })).body.code,
    ).toBe('ACCOUNT_INACTIVE');
    expect(
      (await t.anonymous().post('/api/v1/auth/login', { username: 'jn.account', password: 'demo1234' })).body.code,
    ).toBe('ACCOUNT_LOCKED');
  });

  it('accepts personal API tokens as bearer tokens until they are revoked; stores only their hash', async () => {
    const owner = await new ApiClient(t.url).login('jn.clerk');
    const created = await owner.post('/api/v1/auth/tokens', { name: 'integration' });
    expect(created.status).toBe(201);
    const integration = t.anonymous();
    integration.bearer = created.body.token;
    expect((await integration.get('/api/v1/auth/me')).body.username).toBe('jn.clerk');
    // bearer calls need no CSRF token
    expect((await integration.post('/api/v1/process-instances', { definitionKey: 'none' })).status).toBe(404);
    const stored = await t.database.db('api_tokens').where({ id: created.body.id }).first('token_hash');
    expect(stored.token_hash).not.toContain(created.body.token);
    expect((await owner.delete(`/api/v1/auth/tokens/${created.body.id}`)).status).toBe(204);
    expect((await integration.get('/api/v1/auth/me')).status).toBe(401);
  });
});
