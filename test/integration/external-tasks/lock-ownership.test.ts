import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { camundaClient } from '../../support/engine-rest.js';
import { camunda7Fixture } from '../../support/external-tasks.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { deploy, instance, start } from '../../support/workflow.js';

describe.each(BACKENDS)('external task locks and their owner (%s)', (backend) => {
  let t: TestPlatform;
  let worker: ApiClient;

  /** Starts an instance and locks its external task for `workerId`. */
  const locked = async (businessKey: string, workerId = 'worker-a', lockDuration = 60_000) => {
    const started = await start(await t.as('admin'), 'meter-reading-collection', { businessKey });
    const res = await worker.post('/external-task/fetchAndLock', {
      workerId,
      maxTasks: 1,
      topics: [{ topicName: 'ami-meter-reading', lockDuration, businessKey }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toHaveLength(1);
    return { instanceId: started.id, task: res.body[0] as { id: string; lockExpirationTime: string } };
  };

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    await deploy(await t.as('admin'), camunda7Fixture('meter-reading-collection.bpmn'));
    worker = camundaClient(t.url, 'worker');
  });
  afterAll(() => t?.close());

  it('lets only the locking worker complete, fail or extend, in Camunda’s words', async () => {
    // given a task locked by worker-a
    const { instanceId, task } = await locked('LO-owner');

    // when worker-b tries to complete, fail, throw an error or extend the lock
    const attempts = await Promise.all([
      worker.post(`/external-task/${task.id}/complete`, { workerId: 'worker-b' }),
      worker.post(`/external-task/${task.id}/failure`, { workerId: 'worker-b', errorMessage: 'x', retries: 1 }),
      worker.post(`/external-task/${task.id}/bpmnError`, { workerId: 'worker-b', errorCode: 'METER_UNREACHABLE' }),
      worker.post(`/external-task/${task.id}/extendLock`, { workerId: 'worker-b', newDuration: 1000 }),
    ]);

    // then each is refused with 400 and Camunda's message naming both workers
    expect(attempts.map((r) => [r.status, r.body])).toEqual([
      [
        400,
        {
          type: 'RestException',
          message: `External Task ${task.id} cannot be completed by worker 'worker-b'. It is locked by worker 'worker-a'.`,
          code: 0,
        },
      ],
      [
        400,
        expect.objectContaining({
          message: `Failure of External Task ${task.id} cannot be reported by worker 'worker-b'. It is locked by worker 'worker-a'.`,
        }),
      ],
      [
        400,
        expect.objectContaining({
          message: `Bpmn error of External Task ${task.id} cannot be reported by worker 'worker-b'. It is locked by worker 'worker-a'.`,
        }),
      ],
      [
        400,
        expect.objectContaining({
          message: `The lock of the External Task ${task.id} cannot be extended by worker 'worker-b'. It is locked by worker 'worker-a'.`,
        }),
      ],
    ]);
    // and the instance still waits at the task, which worker-a may still complete
    expect((await instance(await t.as('admin'), instanceId)).status).toBe('running');
    const done = await worker.post(`/external-task/${task.id}/complete`, {
      workerId: 'worker-a',
      variables: { reading: { value: 7, type: 'Integer' } },
    });
    expect(done.status).toBe(204);
    expect(await instance(await t.as('admin'), instanceId)).toMatchObject({
      status: 'completed',
      variables: expect.objectContaining({ reading: 7 }),
    });
  });

  it('extends the owner’s lock, and after unlock any worker may fetch the task', async () => {
    // given a task locked by worker-a
    const { task } = await locked('LO-extend');

    // when worker-a extends its lock
    const extended = await worker.post(`/external-task/${task.id}/extendLock`, {
      workerId: 'worker-a',
      newDuration: 120_000,
    });
    expect(extended.status).toBe(204);
    const read = await worker.get(`/external-task/${task.id}`);
    expect(new Date(read.body.lockExpirationTime).getTime()).toBeGreaterThan(
      new Date(task.lockExpirationTime).getTime(),
    );
    expect(read.body).toMatchObject({ id: task.id, workerId: 'worker-a', topicName: 'ami-meter-reading' });

    // then nobody else can fetch it until it is unlocked
    const fetch = (workerId: string) =>
      worker.post('/external-task/fetchAndLock', {
        workerId,
        maxTasks: 5,
        topics: [{ topicName: 'ami-meter-reading', lockDuration: 1000, businessKey: 'LO-extend' }],
      });
    expect((await fetch('worker-b')).body).toEqual([]);
    expect((await worker.post(`/external-task/${task.id}/unlock`)).status).toBe(204);
    expect((await fetch('worker-b')).body).toEqual([expect.objectContaining({ id: task.id, workerId: 'worker-b' })]);
  });

  it('answers a task that does not exist with 404 and Camunda’s message', async () => {
    const id = '0b7e1f52-9c1d-4d59-8a41-3f2f3c3d9e11';
    for (const res of [
      await worker.get(`/external-task/${id}`),
      await worker.post(`/external-task/${id}/complete`, { workerId: 'worker-a' }),
      await worker.post(`/external-task/not-an-id/unlock`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        type: 'RestException',
        message: expect.stringMatching(/^External task with id .+ does not exist$/),
      });
    }
  });

  it('lists and counts external tasks with Camunda’s filters', async () => {
    // given one task locked and one not
    const { task } = await locked('LO-query');
    await start(await t.as('admin'), 'meter-reading-collection', { businessKey: 'LO-query-2' });

    // then the query filters by lock, worker and topic, as GET and as POST
    const lockedOnes = await worker.get('/external-task?locked=true&workerId=worker-a&topicName=ami-meter-reading');
    expect(lockedOnes.status).toBe(200);
    expect(lockedOnes.body.map((x: { id: string }) => x.id)).toContain(task.id);
    const count = await worker.post('/external-task/count', { notLocked: true, topicName: 'ami-meter-reading' });
    expect(count.status).toBe(200);
    expect(count.body.count).toBeGreaterThanOrEqual(1);
    const byId = await worker.post('/external-task?maxResults=5', { externalTaskIdIn: [task.id] });
    expect(byId.body).toEqual([
      expect.objectContaining({ id: task.id, activityId: 'CollectMeterReading', suspended: false, tenantId: null }),
    ]);
  });

  it('refuses external task requests to a user without the external-task permission', async () => {
    const clerk = camundaClient(t.url, 'xh.clerk');
    const res = await clerk.post('/external-task/fetchAndLock', {
      workerId: 'clerk',
      maxTasks: 1,
      topics: [{ topicName: 'ami-meter-reading', lockDuration: 1000 }],
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ type: 'AuthorizationException' });
  });
});
