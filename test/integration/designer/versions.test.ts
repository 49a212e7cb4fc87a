import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { readFileSync } from 'node:fs';
import { deploy } from '../../support/workflow.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/designer/${name}`, import.meta.url), 'utf8');

describe.each(BACKENDS)('GET /api/v1/process-definitions/:key/versions (%s)', (backend) => {
  let t: TestPlatform;
  let designer: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    designer = await t.as('designer');
    admin = await t.as('admin');
  });
  afterAll(() => t?.close());

  it('lists every version newest first with who deployed it (login and display name) and when', async () => {
    // given two versions deployed by two different people
    const v1 = await deploy(designer, fixture('meter-check.v1.bpmn'));
    const v2 = await deploy(admin, fixture('meter-check.v2.bpmn'));

    // when
    const res = await designer.get('/api/v1/process-definitions/meter_check/versions');

    // then
    expect(res.status).toBe(200);
    const items = res.body.items as Array<Record<string, unknown>>;
    expect(items.map((i) => [i.id, i.version, i.deployedBy])).toEqual([
      [v2.id, 2, 'admin'],
      [v1.id, 1, 'designer'],
    ]);
    const nameOf = async (client: ApiClient) => {
      const me = (await client.get('/api/v1/auth/me')).body as { displayName?: string; display_name?: string };
      return me.displayName ?? me.display_name;
    };
    expect(items[0]!.deployedByName).toBe(await nameOf(admin));
    expect(items[1]!.deployedByName).toBe(await nameOf(designer));
    expect(typeof items[1]!.deployedByName).toBe('string');
    expect(Date.parse(String(items[0]!.deployedAt))).toBeGreaterThanOrEqual(Date.parse(String(items[1]!.deployedAt)));
  });

  it('answers 404 problem+json for a key never deployed', async () => {
    const res = await designer.get('/api/v1/process-definitions/no-such-process/versions');
    expect(res.status).toBe(404);
    expect(res.body.code).toBeTruthy();
  });

  it('is closed to anonymous callers', async () => {
    const res = await t.anonymous().get('/api/v1/process-definitions/meter_check/versions');
    expect(res.status).toBe(401);
  });
});
