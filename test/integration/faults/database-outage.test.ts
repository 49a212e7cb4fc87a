import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from '../../../server/db/index.js';
import type { ApiClient } from '../../support/client.js';
import { ADMIN_DATABASE_URL, createTestDatabase, type TestDatabase } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { TcpProxy, throughProxy } from '../../support/tcp-proxy.js';
import { completeTask, deploy, fixture, openTasks, start, twoStepProcess } from '../../support/workflow.js';

const TWO_STEP = twoStepProcess('outage');

interface Answer {
  status: number;
  code?: string;
  type: string | null;
  ms: number;
  at: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * PostgreSQL goes away under load and comes back: requests fail fast with 503
 * DATABASE_UNAVAILABLE (never hang, never 500), the pool reconnects by itself, the job executor
 * keeps polling, and every step is either wholly done or not at all. The outage is a proxy cut —
 * the one PostgreSQL server is shared by every test file and must not be restarted.
 */
describe('a PostgreSQL outage while the platform runs', () => {
  let proxy: TcpProxy;
  let direct: TestDatabase;
  let proxied: Db;
  let t: TestPlatform;
  let clerk: ApiClient;

  beforeAll(async () => {
    const server = new URL(ADMIN_DATABASE_URL);
    proxy = new TcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    await proxy.start();
    direct = await createTestDatabase('postgres');
    const url = throughProxy(direct.url as string, proxy);
    proxied = createDatabase({ databaseUrl: url, poolMax: 10 });
    t = await startTestPlatform('postgres', { database: { db: proxied, url, drop: () => proxied.destroy() } });
    await deploy(await t.as('designer'), TWO_STEP);
    await deploy(await t.as('designer'), fixture('timer.intermediate.bpmn'));
    clerk = await t.as('xh.clerk');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await proxied?.destroy();
    await proxy?.close();
    await direct?.drop();
  });

  it('answers 503 while the database is gone, serves again when it is back, and leaves no step half-done', async () => {
    // given: clients starting instances and completing tasks as fast as they can
    const answers: Answer[] = [];
    const call = async (method: 'get' | 'post', path: string, body?: unknown) => {
      const began = Date.now();
      const res = method === 'get' ? await clerk.get(path) : await clerk.post(path, body);
      const code = (res.body as { code?: string } | undefined)?.code;
      answers.push({
        status: res.status,
        code,
        type: res.headers.get('content-type'),
        ms: Date.now() - began,
        at: began,
      });
      if (res.status >= 500) await sleep(20);
      return res;
    };
    let running = true;
    let completed = 0;
    const worker = async () => {
      while (running) {
        const started = await call('post', '/api/v1/process-instances', {
          definitionKey: 'outage',
          departmentId: 'ZJ-HZ-XH',
        });
        if (started.status !== 201) continue;
        const task = (started.body as { tasks: { id: string }[] }).tasks[0];
        if (!task || (await call('post', `/api/v1/tasks/${task.id}/claim`)).status !== 200) continue;
        if ((await call('post', `/api/v1/tasks/${task.id}/complete`, { variables: {} })).status === 200) completed++;
      }
    };
    const workers = [worker(), worker(), worker()];
    await eventually(async () => completed >= 10, 30_000, 'some progress before the outage');
    // and: a timer that falls due during the outage
    const waiting = await start(clerk, 'waitTimer', { departmentId: 'ZJ-HZ-XH', variables: { waitFor: 'PT2S' } });

    // when: the database goes away
    const cutAt = Date.now();
    proxy.cut();
    // then: requests fail fast with 503 and a stable code, and readiness says so
    await eventually(
      async () => answers.filter((a) => a.at >= cutAt && a.status === 503).length >= 5,
      10_000,
      '503 answers during the outage',
    );
    const firstFailure = answers.find((a) => a.at >= cutAt && a.status === 503);
    expect(firstFailure!.at + firstFailure!.ms - cutAt).toBeLessThan(5000);
    const ready = await t.anonymous().get('/readyz');
    expect(ready.status).toBe(503);
    await sleep(2500);
    const during = answers.filter((a) => a.at >= cutAt);
    expect(during.filter((a) => a.status === 500)).toEqual([]);
    for (const a of during.filter((x) => x.status === 503)) {
      expect(a).toMatchObject({
        code: 'DATABASE_UNAVAILABLE',
        type: expect.stringContaining('application/problem+json'),
      });
      expect(a.ms).toBeLessThan(6000);
    }

    // when: the database is back
    const restoredAt = Date.now();
    proxy.restore();
    // then: the same platform serves again, without a restart
    await eventually(async () => (await t.anonymous().get('/readyz')).status === 200, 10_000, 'readiness');
    const before = completed;
    await eventually(async () => completed >= before + 5, 15_000, 'progress after the outage');
    running = false;
    await Promise.all(workers);
    expect(answers.filter((a) => a.status === 500)).toEqual([]);
    expect(answers.some((a) => a.at > restoredAt && a.status < 300)).toBe(true);
    // and: the job executor survived: the timer that fell due during the outage fires
    await eventually(
      async () => (await openTasks(clerk, waiting.id)).some((task) => task.elementId === 'after'),
      15_000,
      'the timer to fire after the outage',
    );

    // and: every instance is wholly before or wholly after each step
    await expectConsistent(direct.db);
    // and: every instance can still be finished
    const instances = (await direct
      .db('process_instances')
      .where({ definition_key: 'outage', status: 'running' })
      .select('id')) as { id: string }[];
    for (const { id } of instances.slice(0, 10)) {
      for (const task of await openTasks(clerk, id)) {
        if (task.assignee && task.assignee !== 'xh.clerk') continue;
        if (task.assignee) {
          expect((await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} })).status).toBe(200);
        } else await completeTask(clerk, task.id);
      }
    }
    await expectConsistent(direct.db);
  }, 120_000);
});

/**
 * A completed task's step advanced its instance (the next task exists, the history ended the
 * element), and an element whose history ended has its task completed: nothing half-done.
 */
async function expectConsistent(db: Db): Promise<void> {
  const instances = (await db('process_instances').where({ definition_key: 'outage' }).select('id', 'status')) as {
    id: string;
    status: string;
  }[];
  const tasks = (await db('tasks')
    .join('process_instances', 'process_instances.id', 'tasks.instance_id')
    .where('process_instances.definition_key', 'outage')
    .select('tasks.instance_id', 'tasks.element_id', 'tasks.status')) as {
    instance_id: string;
    element_id: string;
    status: string;
  }[];
  const ended = (await db('activity_history')
    .where({ definition_key: 'outage' })
    .whereNotNull('ended_at')
    .whereIn('element_id', ['first', 'second'])
    .select('instance_id', 'element_id')) as { instance_id: string; element_id: string }[];
  expect(instances.length).toBeGreaterThan(10);
  for (const instance of instances) {
    const mine = tasks.filter((task) => task.instance_id === instance.id);
    const state = (element: string) => mine.filter((task) => task.element_id === element).map((task) => task.status);
    const endedHere = ended.filter((h) => h.instance_id === instance.id).map((h) => h.element_id);
    const summary = {
      id: instance.id,
      status: instance.status,
      first: state('first'),
      second: state('second'),
      endedHere,
    };
    expect(state('first'), JSON.stringify(summary)).toHaveLength(1);
    if (state('first')[0] === 'completed') {
      expect(state('second'), JSON.stringify(summary)).toHaveLength(1);
      expect(endedHere, JSON.stringify(summary)).toContain('first');
    } else {
      expect(state('first'), JSON.stringify(summary)).toEqual(['open']);
      expect(state('second'), JSON.stringify(summary)).toEqual([]);
      expect(endedHere, JSON.stringify(summary)).not.toContain('first');
    }
    const open = mine.filter((task) => task.status === 'open').length;
    expect(open, JSON.stringify(summary)).toBe(instance.status === 'running' ? 1 : 0);
    if (state('second')[0] === 'completed') expect(instance.status, JSON.stringify(summary)).toBe('completed');
  }
}
