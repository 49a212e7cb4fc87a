import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { camundaClient } from '../../support/engine-rest.js';
import { completeAt, deploy, fixture, instance, openTasks, start } from '../../support/workflow.js';

const XH = { departmentId: 'ZJ-HZ-XH' };

async function elementsOf(client: ApiClient, instanceId: string): Promise<string[]> {
  return (await openTasks(client, instanceId)).map((t) => t.elementId).sort();
}

/** Waits until the instance's open tasks are exactly `elements` (signals thrown by a process arrive as jobs). */
function tasksBecome(client: ApiClient, instanceId: string, elements: string[]) {
  return eventually(
    async () => JSON.stringify(await elementsOf(client, instanceId)) === JSON.stringify([...elements].sort()),
    5000,
    `tasks ${elements.join(', ')} in ${instanceId}`,
  );
}

describe.each(BACKENDS)('signal events (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let collector: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    const designer = await t.as('designer');
    for (const name of [
      'signal.start.bpmn',
      'signal.catch.bpmn',
      'signal.end-throw.bpmn',
      'signal.boundary.bpmn',
      'signal.event-gateway.bpmn',
    ])
      await deploy(designer, fixture(name));
    clerk = await t.as('xh.clerk');
    collector = await t.as('xh.collector');
  });
  afterAll(() => t?.close());

  it('starts the latest version of the process whose signal start event has the name', async () => {
    const res = await collector.post('/api/v1/signals', { name: 'tariffChanged', variables: { tariff: 'T2' }, ...XH });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.started).toHaveLength(1);
    expect(res.body.started[0].definitionKey).toBe('signalStarted');
    const started = res.body.started[0].instanceId as string;
    expect(await elementsOf(clerk, started)).toEqual(['review']);
    expect((await instance(clerk, started)).variables).toMatchObject({ tariff: 'T2' });
  });

  it('reaches the catch events of two instances with one throw from another process end event, with its camunda:in variables', async () => {
    // given: two instances waiting for gridAlarm
    const a = await start(clerk, 'waitsForAlarm', XH);
    const b = await start(clerk, 'waitsForAlarm', XH);
    const thrower = await start(clerk, 'raisesAlarm', { ...XH, variables: { feeder: 'F-12', secret: 'x' } });
    // when: the thrower ends in its signal end event
    await completeAt(clerk, thrower.id, 'raise');
    // then: both waiting instances move on, with the variable camunda:in passes and no other
    for (const id of [a.id, b.id]) {
      await tasksBecome(clerk, id, ['afterAlarm']);
      const variables = (await instance(clerk, id)).variables as Record<string, unknown>;
      expect(variables.alarmFeeder).toBe('F-12');
      expect(variables.secret).toBeUndefined();
    }
    expect((await instance(clerk, thrower.id)).status).toBe('completed');
  });

  it('reaches only the instances the sender may correlate into', async () => {
    const yhClerk = await t.as('yh.clerk');
    const elsewhere = await start(yhClerk, 'waitsForAlarm', { departmentId: 'ZJ-HZ-YH' });
    const here = await start(clerk, 'waitsForAlarm', XH);
    const res = await collector.post('/api/v1/signals', { name: 'gridAlarm' });
    expect(res.body.delivered.map((d: { instanceId: string }) => d.instanceId)).toContain(here.id);
    expect(res.body.delivered.map((d: { instanceId: string }) => d.instanceId)).not.toContain(elsewhere.id);
    expect(await elementsOf(yhClerk, elsewhere.id)).toEqual([]);
  });

  it('fires a non-interrupting boundary event (the task stays) and an interrupting one (the task goes)', async () => {
    const i = await start(clerk, 'signalBoundaries', XH);
    expect((await collector.post('/api/v1/signals', { name: 'meterNotice' })).status).toBe(200);
    expect(await elementsOf(clerk, i.id)).toEqual(['checkNotice', 'work']);
    expect((await collector.post('/api/v1/signals', { name: 'applicationWithdrawn' })).status).toBe(200);
    expect(await elementsOf(clerk, i.id)).toEqual(['checkNotice', 'closeFile']);
  });

  it('takes the signal path of an event-based gateway, the signal name resolved from variables', async () => {
    const i = await start(clerk, 'signalGateway', { ...XH, variables: { region: 'west' } });
    const other = await start(clerk, 'signalGateway', { ...XH, variables: { region: 'east' } });
    const res = await collector.post('/api/v1/signals', { name: 'goAhead-west' });
    expect(res.body.delivered).toEqual([{ instanceId: i.id, elementId: 'go' }]);
    expect(await elementsOf(clerk, i.id)).toEqual(['proceed']);
    expect(await elementsOf(clerk, other.id)).toEqual([]);
    // the timer of the path not taken is gone
    expect(await t.platform.db('jobs').where({ instance_id: i.id })).toEqual([]);
  });

  it('POST /engine-rest/signal delivers with Camunda variables and answers 204', async () => {
    const i = await start(clerk, 'waitsForAlarm', XH);
    const camunda = camundaClient(t.url, 'xh.collector');
    const res = await camunda.post('/signal', {
      name: 'gridAlarm',
      variables: { alarmLevel: { value: 3, type: 'Integer' } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expect(await elementsOf(clerk, i.id)).toEqual(['afterAlarm']);
    expect((await instance(clerk, i.id)).variables).toMatchObject({ alarmLevel: 3 });
  });

  it('POST /engine-rest/signal with an executionId reaches that execution only, and errs for one that does not wait', async () => {
    const a = await start(clerk, 'waitsForAlarm', XH);
    const b = await start(clerk, 'waitsForAlarm', XH);
    const waits = await clerk.get(`/api/v1/process-instances/${a.id}`);
    expect(waits.status).toBe(200);
    const executionId = (await t.platform.db('signal_subscriptions').where({ instance_id: a.id }).first()).execution_id;
    const camunda = camundaClient(t.url, 'xh.collector');
    expect((await camunda.post('/signal', { name: 'gridAlarm', executionId })).status).toBe(204);
    expect(await elementsOf(clerk, a.id)).toEqual(['afterAlarm']);
    expect(await elementsOf(clerk, b.id)).toEqual([]);
    const again = await camunda.post('/signal', { name: 'gridAlarm', executionId: 'nowhere' });
    expect(again.status).toBe(500);
    expect(again.body.type).toBe('NullValueException');
  });

  it('refuses a signal without a name, and a sender without the permission to correlate messages', async () => {
    expect((await collector.post('/api/v1/signals', { variables: {} })).status).toBe(400);
    const surveyor = await t.as('xh.surveyor');
    const waiting = await start(clerk, 'waitsForAlarm', XH);
    expect((await surveyor.post('/api/v1/signals', { name: 'gridAlarm' })).status).toBe(403);
    expect((await camundaClient(t.url, 'xh.surveyor').post('/signal', { name: 'gridAlarm' })).status).toBe(403);
    expect(await elementsOf(clerk, waiting.id)).toEqual([]);
  });
});

describe.each(BACKENDS)('signal subscriptions across a restart (%s)', (backend) => {
  let database: TestDatabase;
  let second: TestPlatform;
  let waitingId: string;
  let throwerId: string;

  beforeAll(async () => {
    // given: an instance waiting for a signal, and the platform that made it stopped
    database = await createTestDatabase(backend);
    const first = await startTestPlatform(backend, { database });
    const clerk = await first.as('xh.clerk');
    await deploy(await first.as('designer'), fixture('signal.catch.bpmn'));
    await deploy(await first.as('designer'), fixture('signal.end-throw.bpmn'));
    waitingId = (await start(clerk, 'waitsForAlarm', XH)).id;
    throwerId = (await start(clerk, 'raisesAlarm', { ...XH, variables: { feeder: 'F-7' } })).id;
    await first.close();
    second = await startTestPlatform(backend, { database });
  });
  afterAll(async () => {
    await second?.close();
    await database?.drop();
  });

  it('delivers a signal thrown on a new platform to a subscription made before the restart', async () => {
    // when: the new platform on the same database throws the signal
    const clerk = await second.as('xh.clerk');
    await completeAt(clerk, throwerId, 'raise');
    // then
    await tasksBecome(clerk, waitingId, ['afterAlarm']);
    expect((await instance(clerk, waitingId)).variables).toMatchObject({ alarmFeeder: 'F-7' });
  });
});

describe.each(BACKENDS)('escalation events (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    const designer = await t.as('designer');
    await deploy(designer, fixture('escalation.boundary.bpmn'));
    await deploy(designer, fixture('escalation.event-subprocess.bpmn'));
    clerk = await t.as('xh.clerk');
  });
  afterAll(() => t?.close());

  it('a non-interrupting boundary catches an escalation thrown in the sub-process, which keeps running', async () => {
    const i = await start(clerk, 'escalations', XH);
    await completeAt(clerk, i.id, 'visit', { refused: false });
    expect(await elementsOf(clerk, i.id)).toEqual(['informCustomer', 'report']);
    // each task completed in its own step: the sub-process still waits after the boundary fired
    await completeAt(clerk, i.id, 'informCustomer');
    expect(await elementsOf(clerk, i.id)).toEqual(['report']);
    await completeAt(clerk, i.id, 'report');
    expect(await elementsOf(clerk, i.id)).toEqual(['done']);
  });

  it('an interrupting boundary catches an escalation end event and ends the sub-process', async () => {
    const i = await start(clerk, 'escalations', XH);
    await completeAt(clerk, i.id, 'visit', { refused: true });
    expect(await elementsOf(clerk, i.id)).toEqual(['reviewRefusal']);
    await completeAt(clerk, i.id, 'reviewRefusal');
    expect((await instance(clerk, i.id)).status).toBe('completed');
  });

  it('a non-interrupting escalation event sub-process catches an escalation end event', async () => {
    const i = await start(clerk, 'escalationEventSub', XH);
    await completeAt(clerk, i.id, 'visit');
    expect(await elementsOf(clerk, i.id)).toEqual(['done', 'informCustomer']);
    await completeAt(clerk, i.id, 'informCustomer');
    await completeAt(clerk, i.id, 'done');
    expect((await instance(clerk, i.id)).status).toBe('completed');
  });
});
