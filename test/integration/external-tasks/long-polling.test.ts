import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { camundaClient } from '../../support/engine-rest.js';
import { camunda7Fixture } from '../../support/external-tasks.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { deploy, start } from '../../support/workflow.js';

const fetchFor = (businessKey: string, asyncResponseTimeout: number) => ({
  workerId: `poller-${businessKey}`,
  maxTasks: 1,
  asyncResponseTimeout,
  topics: [{ topicName: 'ami-meter-reading', lockDuration: 10_000, businessKey }],
});

describe.each(BACKENDS)('fetchAndLock long polling (%s)', (backend) => {
  let t: TestPlatform;

  beforeAll(async () => {
    // A slow periodic look (JOB_POLL_MS sets it, 20 s here): only a wake-up can answer in time.
    t = await startTestPlatform(backend, { env: { JOB_POLL_MS: '20000' } });
    await deploy(await t.as('admin'), camunda7Fixture('meter-reading-collection.bpmn'));
  });
  afterAll(() => t?.close());

  it('answers an empty list at once without asyncResponseTimeout', async () => {
    const worker = camundaClient(t.url, 'worker');
    const began = Date.now();
    const res = await worker.post('/external-task/fetchAndLock', fetchFor('LP-none', 0));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toEqual([]);
    // Waiting at all would mean waiting for the 20 s periodic look; half of it tells the two apart
    // even when a loaded machine makes a plain request take seconds.
    expect(Date.now() - began).toBeLessThan(10_000);
  });

  it('answers as soon as a task of the topic is created, long before the timeout', async () => {
    // given a worker waiting up to 15 s for a task
    const worker = camundaClient(t.url, 'worker');
    const began = Date.now();
    const waiting = worker.post('/external-task/fetchAndLock', fetchFor('LP-created', 15_000));
    await new Promise((r) => setTimeout(r, 300));

    // when an instance reaches the external task
    const started = await start(await t.as('admin'), 'meter-reading-collection', { businessKey: 'LP-created' });

    // then the waiting request answers with the task, locked for the worker
    const res = await waiting;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Date.now() - began).toBeLessThan(8000);
    expect(res.body).toEqual([
      expect.objectContaining({
        topicName: 'ami-meter-reading',
        workerId: 'poller-LP-created',
        processInstanceId: started.id,
        processDefinitionKey: 'meter-reading-collection',
        activityId: 'CollectMeterReading',
        businessKey: 'LP-created',
        priority: 20,
        retries: null,
        variables: { channel: { type: 'String', value: 'AMI', valueInfo: {} } },
      }),
    ]);
  });

  it('answers an empty list when the timeout passes without a task', async () => {
    const worker = camundaClient(t.url, 'worker');
    const began = Date.now();
    const res = await worker.post('/external-task/fetchAndLock', fetchFor('LP-never', 700));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
    expect(Date.now() - began).toBeGreaterThanOrEqual(650);
  });

  it('refuses a timeout above 30 minutes as Camunda does', async () => {
    const res = await camundaClient(t.url, 'worker').post('/external-task/fetchAndLock', fetchFor('LP-x', 1_800_001));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      type: 'InvalidRequestException',
      message: 'The asynchronous response timeout cannot be set to a value greater than 1800000 milliseconds',
    });
  });
});

describe('fetchAndLock long polling across nodes (postgres)', () => {
  let a: TestPlatform;
  let b: TestPlatform;

  beforeAll(async () => {
    a = await startTestPlatform('postgres', { env: { JOB_POLL_MS: '20000' } });
    b = await startTestPlatform('postgres', { database: a.database, env: { JOB_POLL_MS: '20000', NODE_ID: 'node-b' } });
    await deploy(await a.as('admin'), camunda7Fixture('meter-reading-collection.bpmn'));
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('wakes a worker waiting on one node when a task is created on another', async () => {
    // given a worker long polling node B
    const began = Date.now();
    const waiting = camundaClient(b.url, 'worker').post('/external-task/fetchAndLock', fetchFor('LP-nodes', 15_000));
    await new Promise((r) => setTimeout(r, 300));

    // when an instance reaches the external task on node A
    const started = await start(await a.as('admin'), 'meter-reading-collection', { businessKey: 'LP-nodes' });

    // then node B answers with the task well before its 20 s periodic look
    const res = await waiting;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual([expect.objectContaining({ processInstanceId: started.id })]);
    expect(Date.now() - began).toBeLessThan(8000);
  });
});
