import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { ApiClient } from '../../support/client.js';
import { camundaClient } from '../../support/engine-rest.js';

describe.each(BACKENDS)('engine-rest: engine, version and authentication (%s)', (backend) => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
  });
  afterAll(() => t?.close());

  it('answers the default engine and the version to a Basic-authenticated client', async () => {
    const client = camundaClient(t.url, 'designer');
    expect((await client.get('/engine')).body).toEqual([{ name: 'default' }]);
    const version = await client.get('/version');
    expect(version.status).toBe(200);
    expect(version.body.version).toMatch(/^7\.24\./);
  });

  it('answers 401 with a Basic challenge and Camunda’s error body without credentials', async () => {
    const res = await new ApiClient(`${t.url}/engine-rest`).get('/engine');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
    expect(res.body).toMatchObject({ type: 'AuthenticationException', message: expect.any(String) });
  });

  it('answers 401 to a wrong password and to an unknown token', async () => {
    const wrong = await camundaClient(t.url, 'xh.clerk2', 'not-the-password').get('/engine');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    const bearer = new ApiClient(`${t.url}/engine-rest`);
    bearer.bearer = 'not-a-token';
    expect((await bearer.get('/engine')).status).toBe(401);
  });

  it('takes a personal API token as Bearer', async () => {
    const web = await t.as('xh.clerk');
    const created = await web.post('/api/v1/auth/tokens', { name: 'camunda client' });
    expect(created.status).toBe(201);
    const bearer = new ApiClient(`${t.url}/engine-rest`);
    bearer.bearer = created.body.token;
    expect((await bearer.get('/engine')).status).toBe(200);
  });

  it('ignores the session cookie: a browser session is not a Camunda client', async () => {
    const web = await t.as('xh.clerk');
    const res = await web.get('/engine-rest/engine');
    expect(res.status).toBe(401);
  });

  it('answers an unknown resource with Camunda’s error body', async () => {
    const res = await camundaClient(t.url, 'designer').get('/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ type: expect.any(String), message: expect.any(String) });
  });

  it('lists its operations in the OpenAPI document under their own tag', async () => {
    const doc = (await t.anonymous().get('/api/openapi.json')).body;
    expect(doc.paths['/engine-rest/engine'].get.tags).toEqual(['Camunda 7 REST (engine-rest)']);
    expect(doc.paths['/engine-rest/engine'].get.security).toEqual([{ basic: [] }, { bearer: [] }]);
    expect(doc.paths['/api/v1/tasks']).toBeDefined();
  });
});
