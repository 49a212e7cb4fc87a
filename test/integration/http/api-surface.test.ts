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

  it('declares a success response for every operation: a JSON schema, a raw content type or 204', async () => {
    const doc = (await t.anonymous().get('/api/openapi.json')).body;
    const undeclared: string[] = [];
    let operations = 0;
    for (const [path, ops] of Object.entries<Record<string, { responses: Record<string, any> }>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        operations++;
        const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
        const declared =
          success.length > 0 &&
          success.every(
            ([status, res]) => status === '204' || Object.values(res.content ?? {}).some((c: any) => c.schema),
          );
        if (!declared) undeclared.push(`${method} ${path}`);
      }
    }
    expect(operations).toBeGreaterThan(100);
    expect(undeclared).toEqual([]);
  });

  it('names no snake_case property in any declared response schema', async () => {
    const doc = (await t.anonymous().get('/api/openapi.json')).body;
    const snake: string[] = [];
    const walk = (schema: any, where: string) => {
      if (!schema || typeof schema !== 'object') return;
      for (const [key, value] of Object.entries<any>(schema.properties ?? {})) {
        if (/_/.test(key)) snake.push(`${where}.${key}`);
        walk(value, `${where}.${key}`);
      }
      for (const k of ['items', 'additionalProperties']) walk(schema[k], where);
      for (const k of ['anyOf', 'oneOf', 'allOf']) for (const s of schema[k] ?? []) walk(s, where);
    };
    for (const [path, ops] of Object.entries<Record<string, { responses: Record<string, any> }>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const res of Object.values(op.responses)) {
          walk(res.content?.['application/json']?.schema, `${method} ${path}`);
        }
      }
    }
    expect(snake).toEqual([]);
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

  it('answers 401 on every documented route without a session or token, except the sign-in routes', async () => {
    // The only routes without a session: staff login, and the customer hall's code request,
    // registration, sign-in and password reset, and the bank's signed payment callback (each
    // refuses an empty body with 400).
    const PUBLIC = new Set([
      'post /api/v1/auth/login',
      'post /api/hall/v1/sms-codes',
      'post /api/hall/v1/registrations',
      'post /api/hall/v1/session',
      'post /api/hall/v1/password-resets',
      'post /api/hall/v1/payment-callbacks/bank-simulator',
    ]);
    const doc = (await t.anonymous().get('/api/openapi.json')).body;
    const checked: string[] = [];
    for (const [path, operations] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(operations)) {
        const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const res = await t.anonymous().request(method.toUpperCase(), concrete, method === 'get' ? undefined : {});
        checked.push(`${method} ${path} ${res.status}`);
        if (PUBLIC.has(`${method} ${path}`)) expect(res.status, `${method} ${path}`).toBe(400);
        else expect(res.status, `${method} ${path}`).toBe(401);
        if (path.startsWith('/engine-rest/')) {
          // Camunda 7's REST API answers its errors as JSON {type, message}, as its clients expect
          expect(res.headers.get('content-type'), `${method} ${path}`).toContain('application/json');
          expect(res.body, `${method} ${path}`).toMatchObject({
            type: expect.any(String),
            message: expect.any(String),
          });
        } else expect(res.headers.get('content-type'), `${method} ${path}`).toContain('application/problem+json');
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
