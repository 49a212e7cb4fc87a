import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../support/client.js';
import { type Backend } from '../../support/database.js';
import { eventually, serverDatabase } from '../../support/platform.js';
import { freePort, ServerProcess } from '../../support/server-process.js';
import { fixture, twoStepProcess } from '../../support/workflow.js';

const TWO_STEP = twoStepProcess('crash');

/**
 * Issue 2 §11: a crash (kill -9) at any point loses no committed step and leaves no half-done
 * step. Clients drive instances as fast as they can; the server is killed in the middle; after a
 * restart every acknowledged step is there, every instance is consistent, and all of them finish.
 */
describe.each(['postgres', 'pglite'] as Backend[])('crash recovery with kill -9 (%s)', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('keeps every acknowledged step, leaves no half-done step, and continues after a restart', async () => {
    const { env, drop } = await serverDatabase(backend);
    const server = new ServerProcess(await freePort(), env);
    cleanups.push(async () => {
      await server.kill();
      await drop();
    });
    await server.start();
    const designer = await new ApiClient(server.url).login('designer');
    expect((await designer.post('/api/v1/deployments', { xml: TWO_STEP })).status).toBe(201);
    const clerk = await new ApiClient(server.url).login('xh.clerk');

    // given: clients starting instances and completing tasks as fast as they can
    const acknowledged = { started: new Set<string>(), completed: new Set<string>() };
    let running = true;
    const worker = async () => {
      while (running) {
        try {
          const started = await clerk.post('/api/v1/process-instances', {
            definitionKey: 'crash',
            departmentId: 'ZJ-HZ-XH',
          });
          if (started.status !== 201) continue;
          acknowledged.started.add(started.body.id);
          const task = started.body.tasks[0];
          if ((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status !== 200) continue;
          const done = await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: { n: 1 } });
          if (done.status === 200) acknowledged.completed.add(task.id);
        } catch {
          // the server is gone: stop
          return;
        }
      }
    };
    const workers = [worker(), worker(), worker(), worker()];
    await eventually(async () => acknowledged.completed.size >= 20, 30_000, 'some progress');

    // when: the server is killed mid-run
    await server.kill();
    running = false;
    await Promise.all(workers);

    // then: after a restart every acknowledged step is there and every instance is consistent
    await server.start();
    const admin = await new ApiClient(server.url).login('admin');
    const fresh = await new ApiClient(server.url).login('xh.clerk');
    for (const id of acknowledged.started) {
      const res = await admin.get(`/api/v1/process-instances/${id}`);
      expect(res.status).toBe(200);
      const open = res.body.tasks.map((t: { elementId: string }) => t.elementId);
      const ended = res.body.history
        .filter((h: { endedAt: string | null }) => h.endedAt)
        .map((h: { elementId: string }) => h.elementId);
      // exactly one open task while running, and it matches the history
      expect(open.length).toBe(1);
      if (open[0] === 'second') expect(ended).toContain('first');
      else expect(ended).not.toContain('first');
    }
    for (const taskId of acknowledged.completed) {
      expect((await admin.get(`/api/v1/tasks/${taskId}`)).body.status).toBe('completed');
    }

    // and: every instance can still be finished
    for (const id of acknowledged.started) {
      for (;;) {
        const res = await fresh.get(`/api/v1/tasks?instanceId=${id}`);
        const task = res.body.items[0];
        if (!task) break;
        await fresh.post(`/api/v1/tasks/${task.id}/claim`);
        expect((await fresh.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} })).status).toBe(200);
      }
      expect((await admin.get(`/api/v1/process-instances/${id}`)).body.status).toBe('completed');
    }
    await server.stop();
  }, 180_000);

  it('fires a timer that fell due while the server was down', async () => {
    const { env, drop } = await serverDatabase(backend);
    const server = new ServerProcess(await freePort(), env);
    cleanups.push(async () => {
      await server.kill();
      await drop();
    });
    await server.start();
    const designer = await new ApiClient(server.url).login('designer');
    await designer.post('/api/v1/deployments', { xml: fixture('timer.intermediate.bpmn') });
    const clerk = await new ApiClient(server.url).login('xh.clerk');
    const started = await clerk.post('/api/v1/process-instances', {
      definitionKey: 'waitTimer',
      departmentId: 'ZJ-HZ-XH',
      variables: { waitFor: 'PT2S' },
    });
    expect(started.status).toBe(201);
    await server.kill();
    await new Promise((r) => setTimeout(r, 2500));
    await server.start();
    const after = await new ApiClient(server.url).login('xh.clerk');
    await eventually(
      async () => (await after.get(`/api/v1/tasks?instanceId=${started.body.id}`)).body.items.length === 1,
      10_000,
      'the timer to fire',
    );
    await server.stop();
  }, 120_000);
});
