import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { deploy, fixture, instance, start } from '../../support/workflow.js';
import { TestSocket } from '../realtime/socket-client.js';

/** A review task, then a timer of an hour, then a message catch. */
const WAITING = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <message id="M" name="opsPing" />
  <process id="opsWaiting" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="review" />
    <userTask id="review" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task" />
    <sequenceFlow id="f2" sourceRef="review" targetRef="hour" />
    <intermediateCatchEvent id="hour"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
    <sequenceFlow id="f3" sourceRef="hour" targetRef="ping" />
    <intermediateCatchEvent id="ping"><messageEventDefinition messageRef="M" /></intermediateCatchEvent>
    <sequenceFlow id="f4" sourceRef="ping" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;

const audits = (t: TestPlatform, action: string, objectId: string) =>
  t.platform.db('audit_log').where({ action, object_id: objectId }).select('actor_name', 'details');

describe.each(BACKENDS)('operating instances: search, actions, incidents, batches (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let leader: ApiClient;
  let socket: TestSocket;
  const clock = new TestClock('2026-03-02T01:00:00Z');

  beforeAll(async () => {
    // Jobs and batches run when the test drains them, so that it decides what happens first.
    t = await startTestPlatform(backend, {
      jobs: false,
      clock,
      services: [
        {
          name: 'alwaysDown',
          description: 'fails every time',
          handler: () => {
            throw new Error('billing gateway down');
          },
        },
      ],
    });
    const designer = await t.as('designer');
    await deploy(designer, WAITING);
    await deploy(
      designer,
      fixture('service-task.echo.bpmn').replace('${$service}', '${alwaysDown}').replace('id="service"', 'id="opsDown"'),
    );
    clerk = await t.as('xh.clerk');
    leader = await t.as('xh.leader');
    socket = await TestSocket.as(t.url, 'xh.leader');
    expect((await socket.subscribe('department:ZJ-HZ-XH')).ok).toBe(true);
  });
  afterAll(async () => {
    socket?.close();
    await t?.close();
  });

  const begin = (businessKey: string, variables: Record<string, unknown> = {}) =>
    start(clerk, 'opsWaiting', { departmentId: 'ZJ-HZ-XH', businessKey, variables });
  const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((i) => i.id);

  it('searches by business key prefix, customer, current step, state, dates and sorts', async () => {
    // given three instances, one of them for customer Zhang at account 3300001
    const a = await begin('OPS-SEARCH-1', { accountNo: '3300001', customerName: 'Zhang San' });
    const b = await begin('OPS-SEARCH-2');
    const c = await begin('OPS-OTHER-3');

    // then each filter finds what it names
    const prefix = await leader.get(
      '/api/v1/process-instances?businessKeyStartsWith=ops-search&sortBy=businessKey&sortOrder=asc',
    );
    expect(prefix.status, JSON.stringify(prefix.body)).toBe(200);
    expect(ids(prefix)).toEqual([a.id, b.id]);
    expect(ids(await leader.get('/api/v1/process-instances?customer=3300001'))).toEqual([a.id]);
    expect(ids(await leader.get('/api/v1/process-instances?customer=zhang'))).toEqual([a.id]);
    const atReview = ids(
      await leader.get('/api/v1/process-instances?currentElementId=review&definitionKey=opsWaiting&limit=200'),
    );
    expect(atReview).toEqual(expect.arrayContaining([a.id, b.id, c.id]));
    const item = (await leader.get(`/api/v1/process-instances?businessKey=OPS-SEARCH-1`)).body.items[0];
    expect(item).toMatchObject({ accountNo: '3300001', customerName: 'Zhang San', suspended: false, overdue: false });
    expect(
      ids(await leader.get('/api/v1/process-instances?status=completed,cancelled&businessKeyStartsWith=OPS-')),
    ).toEqual([]);
    expect(ids(await leader.get('/api/v1/process-instances?departmentId=ZJ&businessKey=OPS-OTHER-3'))).toEqual([c.id]);
    expect(
      ids(await leader.get('/api/v1/process-instances?startedAfter=2030-01-01T00:00:00Z&businessKeyStartsWith=OPS-')),
    ).toEqual([]);
    // and the leader of another county sees none of them
    const other = await t.as('yh.leader');
    expect(ids(await other.get('/api/v1/process-instances?businessKeyStartsWith=OPS-SEARCH'))).toEqual([]);
    // bad input is a 400
    expect((await leader.get('/api/v1/process-instances?status=sleeping')).status).toBe(400);
    expect((await leader.get('/api/v1/process-instances?startedAfter=yesterday')).status).toBe(400);
    expect((await leader.get('/api/v1/process-instances?sortBy=variables')).status).toBe(400);
  });

  it('names the departments whose instances the reader may read, in both languages', async () => {
    const mine = await leader.get('/api/v1/departments');
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.items.map((d: { id: string }) => d.id)).toEqual(['ZJ-HZ-XH', 'ZJ-HZ-XH-LY', 'ZJ-HZ-XH-XX']);
    expect(mine.body.items[0]).toMatchObject({ name: '西湖区供电分公司', nameEn: 'Xihu County Office' });
    const hq = await (await t.as('hq.supervisor')).get('/api/v1/departments');
    expect(hq.body.items.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(['HQ', 'ZJ', 'JS-NJ-JN']));
    expect((await t.anonymous().get('/api/v1/departments')).status).toBe(401);
  });

  it('cancels only with a reason, by a role that may, audited and pushed live', async () => {
    const { id } = await begin('OPS-CANCEL');
    // a missing reason changes nothing; a clerk may not cancel
    expect((await leader.post(`/api/v1/process-instances/${id}/cancel`, {})).status).toBe(400);
    expect((await clerk.post(`/api/v1/process-instances/${id}/cancel`, { reason: 'no' })).status).toBe(403);
    expect((await instance(leader, id)).status).toBe('running');
    // when the leader cancels with a reason
    const res = await leader.post(`/api/v1/process-instances/${id}/cancel`, { reason: 'duplicate application' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', endReason: 'duplicate application' });
    expect(await audits(t, 'instance.cancel', id)).toHaveLength(1);
    await socket.waitFor((e) => e.topic === 'instance:cancelled' && e.instanceId === id, 'instance:cancelled');
  });

  it('suspends: no task completion, timer or message until resumed; due timers fire after resume', async () => {
    // given an instance waiting at its review task
    const { id, tasks } = await begin('OPS-SUSPEND');
    const review = tasks[0]!.id;
    expect((await clerk.post(`/api/v1/process-instances/${id}/suspend`, { reason: 'x' })).status).toBe(403);
    expect((await leader.post(`/api/v1/process-instances/${id}/suspend`, {})).status).toBe(400);

    // when it is suspended
    const suspended = await leader.post(`/api/v1/process-instances/${id}/suspend`, { reason: 'customer complaint' });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    expect(suspended.body).toMatchObject({ suspended: true, suspendedBy: 'xh.leader' });
    await socket.waitFor((e) => e.topic === 'instance:suspended' && e.instanceId === id, 'instance:suspended');
    expect(await audits(t, 'instance.suspend', id)).toHaveLength(1);
    expect((await leader.post(`/api/v1/process-instances/${id}/suspend`, { reason: 'again' })).status).toBe(409);
    expect(ids(await leader.get('/api/v1/process-instances?suspended=true&businessKey=OPS-SUSPEND'))).toEqual([id]);

    // then its task cannot be completed
    await clerk.post(`/api/v1/tasks/${review}/claim`);
    const refused = await clerk.post(`/api/v1/tasks/${review}/complete`, { variables: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INSTANCE_SUSPENDED');

    // when resumed, the task completes and the timer waits an hour
    expect((await leader.post(`/api/v1/process-instances/${id}/resume`, { reason: 'resolved' })).status).toBe(200);
    expect((await clerk.post(`/api/v1/tasks/${review}/complete`, { variables: {} })).status).toBe(200);
    // suspended again while the timer runs, the timer does not fire though it falls due
    await leader.post(`/api/v1/process-instances/${id}/suspend`, { reason: 'hold' });
    clock.advance(2 * 3600_000);
    await t.platform.executor.drain();
    const waiting = (await instance(leader, id)).waitingActivities.map((w: { elementId: string }) => w.elementId);
    expect(waiting).toEqual(['hour']);
    // and resumed, it fires; the message it then waits for is not delivered while suspended
    await leader.post(`/api/v1/process-instances/${id}/resume`, { reason: 'go on' });
    await t.platform.executor.drain();
    await eventually(async () =>
      (await instance(leader, id)).waitingActivities.some((w: { elementId: string }) => w.elementId === 'ping'),
    );
    await leader.post(`/api/v1/process-instances/${id}/suspend`, { reason: 'hold' });
    const ping = await clerk.post('/api/v1/messages', { name: 'opsPing', businessKey: 'OPS-SUSPEND' });
    expect(ping.status).toBe(404);
    await leader.post(`/api/v1/process-instances/${id}/resume`, { reason: 'go on' });
    expect((await clerk.post('/api/v1/messages', { name: 'opsPing', businessKey: 'OPS-SUSPEND' })).status).toBe(200);
    expect((await instance(leader, id)).status).toBe('completed');
    await socket.waitFor((e) => e.topic === 'instance:resumed' && e.instanceId === id, 'instance:resumed');
  });

  it('edits typed variables with a reason and keeps their history; bad input changes nothing', async () => {
    const { id } = await begin('OPS-VARS', { amount: 10, note: 'old' });
    const base = `/api/v1/process-instances/${id}`;
    const amountOne = { amount: { type: 'number', value: 1 } };
    // a value that is not of its type, no reason, or a clerk: nothing changes
    const bad = await leader.patch(`${base}/variables`, {
      typedVariables: { amount: { type: 'number', value: 'ten' } },
      reason: 'fix',
    });
    expect(bad.status).toBe(400);
    expect((await leader.patch(`${base}/variables`, { typedVariables: amountOne })).status).toBe(400);
    expect((await clerk.patch(`${base}/variables`, { typedVariables: amountOne, reason: 'x' })).status).toBe(403);
    expect((await instance(leader, id)).variables).toMatchObject({ amount: 10, note: 'old' });
    expect((await leader.get(`${base}/variable-history`)).body.items).toEqual([]);

    // when the leader sets amount, a date, and removes note
    const res = await leader.patch(`${base}/variables`, {
      typedVariables: { amount: { type: 'number', value: '12.5' }, visitOn: { type: 'date', value: '2026-03-05' } },
      removeVariables: ['note'],
      reason: 'customer corrected the amount',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.variables).toEqual({ amount: 12.5, visitOn: '2026-03-05' });
    const history = await leader.get(`${base}/variable-history`);
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'amount', type: 'number', oldValue: 10, newValue: 12.5, actor: 'xh.leader' }),
        expect.objectContaining({
          name: 'note',
          removed: true,
          oldValue: 'old',
          reason: 'customer corrected the amount',
        }),
      ]),
    );
    expect(await audits(t, 'instance.variables', id)).toHaveLength(1);
    await socket.waitFor((e) => e.topic === 'instance:variables-updated' && e.instanceId === id, 'variables event');
  });

  it('lists incidents by process, groups them by error and retries them in bulk', async () => {
    // given two instances whose service fails until an incident is raised
    const first = await start(clerk, 'opsDown', { departmentId: 'ZJ-HZ-XH' });
    const second = await start(clerk, 'opsDown', { departmentId: 'ZJ-HZ-XH' });
    for (let i = 0; i < 6; i++) {
      clock.advance(60_000);
      await t.platform.executor.drain();
    }
    await eventually(async () => {
      const open = await leader.get('/api/v1/incidents?definitionKey=opsDown');
      return open.body.items.length === 2;
    });
    const groups = await leader.get('/api/v1/incidents/groups?definitionKey=opsDown');
    expect(groups.status, JSON.stringify(groups.body)).toBe(200);
    expect(groups.body.items).toEqual([
      expect.objectContaining({
        definitionKey: 'opsDown',
        message: 'billing gateway down',
        count: 2,
        elementId: 'call',
      }),
    ]);
    expect((await leader.get('/api/v1/incidents?departmentId=JS')).body.items).toEqual([]);
    expect((await leader.get('/api/v1/incidents?createdAfter=tomorrow')).status).toBe(400);
    // a clerk may not retry; a bulk retry with neither ids nor filter is a 400
    expect((await clerk.post('/api/v1/incidents/retry', { filter: { definitionKey: 'opsDown' } })).status).toBe(403);
    expect((await leader.post('/api/v1/incidents/retry', {})).status).toBe(400);

    // when the leader retries all of them by filter
    const retried = await leader.post('/api/v1/incidents/retry', { filter: { message: 'billing gateway down' } });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({ retried: 2, failed: 0 });
    expect((await leader.get('/api/v1/incidents?definitionKey=opsDown')).body.items).toEqual([]);
    expect((await instance(leader, first.id)).openIncidents).toBe(0);
    expect((await instance(leader, second.id)).openIncidents).toBe(0);
  });

  it('runs a batch one instance per transaction: results per instance, progress pushed live', async () => {
    // given three running instances and one already cancelled
    const running = [await begin('OPS-BATCH-1'), await begin('OPS-BATCH-2'), await begin('OPS-BATCH-3')];
    const done = await begin('OPS-BATCH-4');
    await leader.post(`/api/v1/process-instances/${done.id}/cancel`, { reason: 'gone' });

    // bad input, refusals and unknown types change nothing
    expect((await clerk.post('/api/v1/batches', { type: 'cancel', reason: 'x', filter: {} })).status).toBe(403);
    expect((await leader.post('/api/v1/batches', { type: 'cancel', filter: {} })).status).toBe(400);
    expect((await leader.post('/api/v1/batches', { type: 'explode', reason: 'x', filter: {} })).status).toBe(400);
    // the migrate type (registered by instance migration) checks its own params
    const migrate = await leader.post('/api/v1/batches', { type: 'migrate', reason: 'x', filter: {}, params: {} });
    expect(migrate.status).toBe(400);
    const refused = await leader.post('/api/v1/batches', {
      type: 'cancel',
      reason: 'x',
      instanceIds: [running[0]!.id, done.id],
    });
    expect(refused.status).toBe(400);
    expect(Number((await t.platform.db('batches').count('* as n').first())?.n)).toBe(0);

    // when the leader sets a variable on the three by search, and cancels them by id
    const set = await leader.post('/api/v1/batches', {
      type: 'setVariables',
      reason: 'new tariff',
      filter: { businessKeyStartsWith: 'OPS-BATCH-', status: ['running'] },
      params: { typedVariables: { tariff: { type: 'string', value: 'T2' } } },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(201);
    expect(set.body).toMatchObject({ type: 'setVariables', total: 3, status: 'running' });
    await t.platform.batchRunner.drain();
    const cancel = await leader.post('/api/v1/batches', {
      type: 'cancel',
      reason: 'campaign withdrawn',
      instanceIds: running.map((r) => r.id),
    });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(201);
    await t.platform.batchRunner.drain();

    // then each ran once, with its results, and the progress arrived on the socket
    const read = await leader.get(`/api/v1/batches/${cancel.body.id}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({ status: 'completed', total: 3, succeeded: 3, failed: 0, pending: 0 });
    const statuses = read.body.items.items.map((i: { status: string }) => i.status);
    expect(statuses).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // each result names its case: business key and process, not only the instance id
    expect(
      read.body.items.items.map((i: { businessKey: string; definitionKey: string; definitionVersion: number }) => [
        i.businessKey,
        i.definitionKey,
        i.definitionVersion,
      ]),
    ).toEqual(running.map((_, k) => [`OPS-BATCH-${k + 1}`, 'opsWaiting', 1]));
    for (const r of running) {
      const detail = await instance(leader, r.id);
      expect(detail).toMatchObject({ status: 'cancelled', endReason: 'campaign withdrawn' });
      expect(detail.variables).toMatchObject({ tariff: 'T2' });
    }
    await socket.waitFor(
      (e) => e.topic === 'batch:completed' && e.payload.batchId === cancel.body.id,
      'batch:completed',
    );
    expect(await audits(t, 'batch.cancel', cancel.body.id)).toHaveLength(1);
    const list = await leader.get('/api/v1/batches');
    expect(list.body.items.map((b: { id: string }) => b.id)).toEqual([cancel.body.id, set.body.id]);
    // a clerk reads no batch
    expect((await clerk.get(`/api/v1/batches/${cancel.body.id}`)).status).toBe(403);

    // and a batch whose instance cannot be done records the failure for that one only
    const again = await begin('OPS-BATCH-5');
    const racing = await leader.post('/api/v1/batches', { type: 'cancel', reason: 'r', instanceIds: [again.id] });
    await leader.post(`/api/v1/process-instances/${again.id}/cancel`, { reason: 'first' });
    await t.platform.batchRunner.drain();
    const failed = await leader.get(`/api/v1/batches/${racing.body.id}?status=failed`);
    expect(failed.body).toMatchObject({ status: 'completed', succeeded: 0, failed: 1 });
    expect(failed.body.items.items[0]).toMatchObject({ instanceId: again.id, errorCode: 'INSTANCE_NOT_RUNNING' });
  });
});
