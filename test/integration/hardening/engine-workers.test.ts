import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { deploy, fixture } from '../../support/workflow.js';

/**
 * The engine runs on worker threads: a step that keeps the engine busy for seconds holds its own
 * request and its worker, never the node. Shown by order, not by timing: while one start loops
 * for four seconds, health checks answer before it does; on PostgreSQL so do reads and another
 * start. (The embedded database has one connection: there, what needs the database waits for
 * the step's transaction, which the step's time limit bounds.)
 */
describe.each(BACKENDS)('engine work off the event loop (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend, {
      env: { ENGINE_WORKERS: '2', STEP_MAX_MS: '4000', STEP_MAX_ACTIVITY_EXECUTIONS: '1000000000' },
    });
    clerk = await t.as('xh.clerk');
    await deploy(await t.as('designer'), fixture('loop.endless.bpmn'));
  });
  afterAll(() => t?.close());

  const startLoop = (forever: boolean) =>
    clerk.post('/api/v1/process-instances', {
      definitionKey: 'endlessLoop',
      departmentId: 'ZJ-HZ-XH',
      businessKey: `BK-loop-${Math.random()}`,
      variables: { forever },
    });

  it('answers every other request while one step keeps the engine busy for seconds', async () => {
    // given a start whose loop runs until the step's 4 s limit
    let runawayAnswered = false;
    const runaway = startLoop(true).then((res) => {
      runawayAnswered = true;
      return res;
    });
    // when health checks, reads and another start come in meanwhile
    const answeredBefore: string[] = [];
    for (let i = 0; i < 10; i++) {
      const health = await t.anonymous().get('/healthz');
      expect(health.status).toBe(200);
      if (!runawayAnswered) answeredBefore.push(`healthz ${i}`);
    }
    if (backend === 'postgres') {
      const tasks = await clerk.get('/api/v1/tasks');
      expect(tasks.status).toBe(200);
      if (!runawayAnswered) answeredBefore.push('tasks');
      const other = await startLoop(false);
      expect(other.body).toMatchObject({ status: 'completed' });
      if (!runawayAnswered) answeredBefore.push('another start, on the other worker');
    }
    // then all of them answered before the looping start did
    expect(answeredBefore).toHaveLength(backend === 'postgres' ? 12 : 10);
    // and the looping start ends as a failed instance with its incident, stopped at the time limit
    const res = await runaway;
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'failed', openIncidents: 1 });
    expect(res.body.endReason).toMatch(/engine busy|4000 ms/);
  });
});
