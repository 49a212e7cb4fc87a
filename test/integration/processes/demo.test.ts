import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONTRIBUTORS } from '../../../server/processes/demo/index.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';

/**
 * Issue 5: "with npm start, the demo data has instances of every process in flight at different
 * steps". npm start runs the embedded PostgreSQL (PGlite), so that is the backend tested here.
 */
describe('demo process instances (npm start, embedded database)', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform('pglite', { demoProcesses: true, env: { DEMO_CUSTOMERS: '40' } });
  }, 180_000);
  afterAll(() => t?.close());

  it.each(DEMO_CONTRIBUTORS.map((c) => [c.name, c.definitionKey] as const))(
    '%s has demo instances in flight, none failed',
    async (_name, key) => {
      const db = t.platform.db;
      const instances = await db('process_instances').where({ definition_key: key }).select('id', 'status');
      expect(instances.filter((i) => i.status === 'running').length).toBeGreaterThan(0);
      expect(instances.filter((i) => i.status === 'failed')).toEqual([]);
      const incidents = await db('incidents as x')
        .join('process_instances as i', 'i.id', 'x.instance_id')
        .where({ 'i.definition_key': key, 'x.status': 'open' })
        .count('* as n')
        .first();
      expect(Number(incidents?.n)).toBe(0);
    },
  );

  it.each(['new-connection', 'meter-verification'])('%s is in flight at several different steps', async (key) => {
    const running = await t.platform.db('process_instances').where({ definition_key: key, status: 'running' });
    expect(running.length).toBeGreaterThanOrEqual(4);
    const open = await t.platform.db('tasks').where({ definition_key: key, status: 'open' }).distinct('element_id');
    expect(open.length).toBeGreaterThanOrEqual(4);
  });

  it('lets a county clerk see their own demo work, and seeds once', async () => {
    const clerk = await t.as('xh.clerk');
    const tasks = await clerk.get('/api/v1/tasks?definitionKey=new-connection&limit=200');
    expect(tasks.body.items.length).toBeGreaterThan(0);
    expect(new Set(tasks.body.items.map((x: { departmentId: string }) => x.departmentId))).toEqual(
      new Set(['ZJ-HZ-XH']),
    );
    const { seedDemoProcesses } = await import('../../../server/processes/demo/index.js');
    const before = await t.platform.db('process_instances').count('* as n').first();
    await seedDemoProcesses(t.platform.services, t.platform.executor, t.platform.clock, t.platform.logger);
    expect(await t.platform.db('process_instances').count('* as n').first()).toEqual(before);
  });
});
