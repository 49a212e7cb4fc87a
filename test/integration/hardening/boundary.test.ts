import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { Backend } from '../../support/database.js';

/** Requests no column could hold are refused at the boundary with a 400 naming the field, and change nothing. */
describe.each<Backend>(['postgres', 'pglite'])('the request boundary (%s)', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend, { processes: false });
  });
  afterAll(() => t?.close());

  const hostile = [
    ['a NUL byte', 'JL-\u0000-1'],
    ['a lone high surrogate', 'JL-\ud800-1'],
    ['a lone low surrogate', 'JL-\udc00-1'],
  ];

  it.each(hostile)('refuses %s in a body string with 400 naming the field', async (_what, value) => {
    const admin = await t.as('admin');
    const before = await t.database.db('customers').count<{ n: number }[]>('* as n');
    const res = await admin.post('/api/v1/customers', { accountNo: '3300000001', name: value, phone: '13800000000' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors[0].field).toBe('body.name');
    const after = await t.database.db('customers').count<{ n: number }[]>('* as n');
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
  });

  it('refuses a NUL byte in an object key, and in a query string', async () => {
    const admin = await t.as('admin');
    const key = await admin.post('/api/v1/messages', { name: 'x', variables: { ['a\u0000b']: 1 } });
    expect(key.status).toBe(400);
    expect(key.body.errors[0].reason).toMatch(/NUL/);
    const query = await admin.get('/api/v1/customers?q=%00');
    expect(query.status).toBe(400);
    expect(query.body.errors[0].field).toBe('query.q');
  });

  it('refuses a date outside the years 1–9999 with 400, not a database error', async () => {
    const admin = await t.as('admin');
    const res = await admin.post('/api/v1/auth/tokens', { name: 'far', expiresAt: '-271821-04-20T00:00:00.000Z' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toMatch(/expiresAt/);
  });

  it('opens a row whose id the database made without the UUID version bits (md5-style)', async () => {
    const admin = await t.as('admin');
    const created = await admin.post('/api/v1/customers', {
      accountNo: '3300000099',
      name: '旧数据客户',
      phone: '13800001234',
      elecTypeCode: '202',
      departmentId: 'ZJ-HZ-XH',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const md5Id = '0cc175b9-c0f1-b6a8-31c3-99e269772661'; // md5('a'): version nibble b, variant 3
    await t.database.db('customers').where({ id: created.body.id }).update({ id: md5Id });
    const res = await admin.get(`/api/v1/customers/${md5Id}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(md5Id);
  });

  it('gives API answers a deny-all CSP and the API reference a nonce for its one script', async () => {
    const api = await t.anonymous().get('/api/v1/auth/me');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(api.headers.get('strict-transport-security')).toBeNull(); // plain HTTP: no HSTS
    const docs = await t.anonymous().get('/api/docs');
    const csp = docs.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(docs.body).toContain(`<script nonce="${nonce}">`);
    expect(csp).not.toContain('unsafe-inline');
    const again = await t.anonymous().get('/api/docs');
    expect(again.headers.get('content-security-policy')).not.toBe(csp);
  });
});

describe('HSTS over HTTPS', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform('postgres', { processes: false, env: { COOKIE_SECURE: 'true' } });
  });
  afterAll(() => t?.close());

  it('sends Strict-Transport-Security when the platform is served over HTTPS (secure cookies)', async () => {
    const res = await t.anonymous().get('/healthz');
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });
});
