import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Variables, type Client } from 'camunda-external-task-client-js';
import { BACKENDS } from '../../support/database.js';
import { camundaClient } from '../../support/engine-rest.js';
import { camunda7Fixture, externalTaskClient } from '../../support/external-tasks.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { deploy, instance, start } from '../../support/workflow.js';

const TOPIC = 'ami-meter-reading';

/**
 * The official camunda-external-task-client-js, unmodified, working the external tasks of a
 * Camunda Modeler 7 file (test/fixtures/camunda7/meter-reading-collection.bpmn) on a real server.
 * Each scenario has its own business key, so the workers of one never take another's task.
 */
describe.each(BACKENDS)('external tasks with the Camunda 7 JavaScript client (%s)', (backend) => {
  let t: TestPlatform;
  let admin: ApiClient;
  const clients: Client[] = [];

  const worker = (workerId: string, options: Parameters<typeof externalTaskClient>[2] = {}) => {
    const client = externalTaskClient(t.url, workerId, options);
    clients.push(client);
    return client;
  };

  const finished = (id: string) =>
    eventually(
      async () => {
        const found = await instance(admin, id);
        return found.status === 'completed' ? found : null;
      },
      15_000,
      `instance ${id} to complete`,
    );

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    admin = await t.as('admin');
    await deploy(admin, camunda7Fixture('meter-reading-collection.bpmn'));
  });
  afterAll(async () => {
    for (const client of clients) client.stop();
    await t?.close();
  });

  it('completes a task with variables: the instance continues and ends with them', async () => {
    // given an instance waiting at the external task
    const started = await start(admin, 'meter-reading-collection', {
      businessKey: 'MR-complete',
      variables: { meterNo: 'ZJ-HZ-000123', lastReading: 1200 },
    });
    const seen: { variables: Record<string, unknown>; priority: number; retries: number | null }[] = [];

    // when a worker fetches it and completes it with the reading
    const client = worker('ami-gateway-1');
    client.subscribe(TOPIC, { businessKey: 'MR-complete' }, async ({ task, taskService }) => {
      seen.push({ variables: task.variables.getAll(), priority: task.priority, retries: task.retries });
      const result = new Variables().setAll({ reading: 1234.5, readingOk: true, readBy: 'ami' });
      await taskService.complete(task, result);
    });
    client.start();

    // then the worker saw the instance's variables and the task's input parameter, at its priority
    const done = await finished(started.id);
    client.stop();
    expect(seen).toEqual([
      {
        variables: { meterNo: 'ZJ-HZ-000123', lastReading: 1200, channel: 'AMI' },
        priority: 20,
        retries: null,
      },
    ]);
    // and the instance ended at the normal end with the worker's variables merged into its own
    expect(done.variables).toMatchObject({ meterNo: 'ZJ-HZ-000123', reading: 1234.5, readingOk: true, readBy: 'ami' });
    expect(done.history.map((h: { elementId: string }) => h.elementId)).toContain('ReadingRecorded');
    expect(done.history.map((h: { elementId: string }) => h.elementId)).not.toContain('SiteVisitNeeded');
  });

  it('counts retries down to an incident, and setting retries resolves it and lets the task run again', async () => {
    // given a worker that fails while the gateway is down, counting the retries down
    const started = await start(admin, 'meter-reading-collection', { businessKey: 'MR-failure' });
    let gatewayUp = false;
    const attempts: (number | null)[] = [];
    const client = worker('ami-gateway-2');
    client.subscribe(TOPIC, { businessKey: 'MR-failure' }, async ({ task, taskService }) => {
      attempts.push(task.retries);
      if (gatewayUp) return taskService.complete(task, new Variables().set('reading', 88));
      return taskService.handleFailure(task, {
        errorMessage: 'AMI gateway timeout',
        errorDetails: 'no answer from concentrator 17 within 30 s',
        retries: task.retries === null ? 2 : task.retries - 1,
        retryTimeout: 100,
      });
    });
    client.start();

    // when the retries run out, an incident is open and visible through the incidents API
    const incident = await eventually(
      async () => {
        const res = await admin.get(`/api/v1/incidents?instanceId=${started.id}`);
        return res.body.items?.[0] as { id: string; type: string; message: string; status: string } | undefined;
      },
      15_000,
      'an incident',
    );
    expect(incident).toMatchObject({ type: 'failed-external-task', message: 'AMI gateway timeout', status: 'open' });
    expect(attempts).toEqual([null, 2, 1]);
    const waiting = (await instance(admin, started.id)).waitingActivities;
    expect(waiting).toEqual([
      expect.objectContaining({ kind: 'external-task', topic: TOPIC, retries: 0, lastError: 'AMI gateway timeout' }),
    ]);
    // and the task is not fetched again while it has no retries
    await new Promise((r) => setTimeout(r, 500));
    expect(attempts).toHaveLength(3);

    // when an operator sets retries again (Camunda's PUT /external-task/{id}/retries) and the gateway is back
    gatewayUp = true;
    const rest = camundaClient(t.url, 'admin');
    const listed = await rest.get(`/external-task?processInstanceId=${started.id}`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const [task] = listed.body as { id: string }[];
    expect((await rest.get(`/external-task/${task!.id}/errorDetails`)).body).toBe(
      'no answer from concentrator 17 within 30 s',
    );
    const set = await rest.put(`/external-task/${task!.id}/retries`, { retries: 1 });
    expect(set.status).toBe(204);

    // then the incident is resolved, the worker takes the task again, and the instance ends
    const done = await finished(started.id);
    client.stop();
    expect(attempts).toEqual([null, 2, 1, 1]);
    expect(done.variables).toMatchObject({ reading: 88 });
    const incidents = await admin.get(`/api/v1/incidents?instanceId=${started.id}&status=resolved`);
    expect(incidents.body.items).toEqual([expect.objectContaining({ id: incident.id, status: 'resolved' })]);
  });

  it('throws a BPMN error that the error boundary event catches', async () => {
    // given an instance at the external task, whose meter is offline
    const started = await start(admin, 'meter-reading-collection', { businessKey: 'MR-offline' });

    // when the worker reports the BPMN error METER_UNREACHABLE with a variable
    const client = worker('ami-gateway-3');
    client.subscribe(TOPIC, { businessKey: 'MR-offline' }, async ({ task, taskService }) => {
      await taskService.handleBpmnError(
        task,
        'METER_UNREACHABLE',
        'no signal from the meter',
        new Variables().set('lastSeen', '2026-11-30'),
      );
    });
    client.start();

    // then the boundary event takes the instance to the site visit end, with the variable
    const done = await finished(started.id);
    client.stop();
    const path = done.history.map((h: { elementId: string }) => h.elementId);
    expect(path).toContain('MeterUnreachable');
    expect(path).toContain('SiteVisitNeeded');
    expect(path).not.toContain('ReadingRecorded');
    expect(done.variables).toMatchObject({ lastSeen: '2026-11-30' });
  });

  it('gives a task whose lock expired to another worker', async () => {
    // given a worker that locks the task for 300 ms and never finishes it
    const started = await start(admin, 'meter-reading-collection', { businessKey: 'MR-expired' });
    const stuck = worker('ami-gateway-stuck', { lockDuration: 300 });
    const lockedBy: string[] = [];
    stuck.subscribe(TOPIC, { businessKey: 'MR-expired' }, ({ task }) => {
      lockedBy.push(task.workerId);
      stuck.stop();
    });
    stuck.start();
    await eventually(async () => lockedBy.length === 1, 10_000, 'the first lock');

    // when another worker polls for the topic
    const healthy = worker('ami-gateway-4');
    healthy.subscribe(TOPIC, { businessKey: 'MR-expired' }, async ({ task, taskService }) => {
      lockedBy.push(task.workerId);
      await taskService.complete(task, new Variables().set('reading', 42));
    });
    healthy.start();

    // then it gets the task once the first lock has expired, and completes it
    const done = await finished(started.id);
    healthy.stop();
    expect(lockedBy).toEqual(['ami-gateway-stuck', 'ami-gateway-4']);
    expect(done.variables).toMatchObject({ reading: 42 });
  });
});
