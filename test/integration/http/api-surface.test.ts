import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';

/** Issue 2 §12 and issue 3 §4: the documented surface, and no route that answers anonymously. */
describe('the HTTP surface', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform('pglite');
  });
  afterAll(() => t?.close());

  it('serves an OpenAPI document generated from the request schemas, and a reference page', async () => {
    const doc = await t.anonymous().get('/api/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    const deploy = doc.body.paths['/api/v1/deployments'].post;
    expect(deploy.requestBody.content['application/json'].schema.properties.xml.type).toBe('string');
    expect(doc.body.paths['/api/v1/tasks'].get.parameters.map((p: { name: string }) => p.name)).toContain(
      'candidateGroup',
    );
    const page = await t.anonymous().get('/api/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('/api/openapi.json');
  });

  it('answers the root with the browser app (built by the vitest globalSetup)', async () => {
    const root = await t.anonymous().get('/');
    expect(root.headers.get('content-type')).toContain('text/html');
    expect(root.body).toContain('<div id="app">');
  });

  it('answers /healthz and /readyz', async () => {
    expect((await t.anonymous().get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await t.anonymous().get('/readyz')).body).toEqual({ status: 'ready' });
  });

  it('answers 401 on every documented route without a session or token, except login', async () => {
    const doc = (await t.anonymous().get('/api/openapi.json')).body;
    const checked: string[] = [];
    for (const [path, operations] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(operations)) {
        const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const res = await t.anonymous().request(method.toUpperCase(), concrete, method === 'get' ? undefined : {});
        checked.push(`${method} ${path} ${res.status}`);
        if (path === '/api/v1/auth/login') expect(res.status).toBe(400);
        else expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    expect(checked.length).toBeGreaterThan(30);
  });

  it('protects /metrics and exposes step, job and incident metrics to an authorised token', async () => {
    expect((await t.anonymous().get('/metrics')).status).toBe(401);
    const clerk = await t.as('xh.clerk');
    expect((await clerk.get('/metrics')).status).toBe(403);
    const admin = await t.as('admin');
    const token = (await admin.post('/api/v1/auth/tokens', { name: 'prometheus' })).body.token;
    const scraper = t.anonymous();
    scraper.bearer = token;
    const metrics = await scraper.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('bpm_step_duration_seconds');
    expect(metrics.body).toContain('http_request_duration_seconds');
  });

  it('answers errors as problem+json with a stable code and no stack', async () => {
    const admin = await t.as('admin');
    const missing = await admin.get('/api/v1/process-instances/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const invalid = await admin.get('/api/v1/process-instances/not-a-uuid');
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    const route = await admin.get('/api/v1/nowhere');
    expect(route.body.code).toBe('ROUTE_NOT_FOUND');
    const json = await admin.request('POST', '/api/v1/process-instances', '{not json', {
      'content-type': 'application/json',
    });
    expect(json.body.code).toBe('BODY_NOT_JSON');
    expect(JSON.stringify(json.body)).not.toMatch(/\\n\s+at |\.ts:\d+/);
  });

  it('limits request bodies', async () => {
    const admin = await t.as('admin');
    const huge = await admin.post('/api/v1/process-instances', {
      definitionKey: 'x',
      variables: { blob: 'x'.repeat(3 * 1024 * 1024) },
    });
    expect(huge.status).toBe(413);
  });
});
