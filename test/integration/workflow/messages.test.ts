import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { deploy, fixture, openTasks, start } from '../../support/workflow.js';

describe.each(BACKENDS)('POST /api/v1/messages (%s)', (backend) => {
  let t: TestPlatform;
  let collector: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    const designer = await t.as('designer');
    await deploy(designer, fixture('message.catch-and-boundary.bpmn'));
    await deploy(designer, fixture('message.start.bpmn'));
    collector = await t.as('xh.collector');
  });
  afterAll(() => t?.close());

  it('answers 404 when nothing waits and no process starts with the message', async () => {
    const res = await collector.post('/api/v1/messages', { name: 'paymentReceived', businessKey: 'nobody' });
    expect(res.status).toBe(404);
  });

  it('answers 409 when more than one instance waits, and delivers nothing', async () => {
    const clerk = await t.as('xh.clerk');
    const a = await start(clerk, 'collection', { departmentId: 'ZJ-HZ-XH', businessKey: 'SAME' });
    const b = await start(clerk, 'collection', { departmentId: 'ZJ-HZ-XH', businessKey: 'SAME' });
    const res = await collector.post('/api/v1/messages', { name: 'documentsReceived', businessKey: 'SAME' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('MESSAGE_AMBIGUOUS');
    for (const id of [a.id, b.id]) expect(await openTasks(collector, id)).toHaveLength(0);
  });

  it('correlates by process variables', async () => {
    const clerk = await t.as('xh.clerk');
    const a = await start(clerk, 'collection', { departmentId: 'ZJ-HZ-XH', variables: { accountNo: '3300001' } });
    await start(clerk, 'collection', { departmentId: 'ZJ-HZ-XH', variables: { accountNo: '3300002' } });
    const res = await collector.post('/api/v1/messages', {
      name: 'documentsReceived',
      correlationKeys: { accountNo: '3300001' },
    });
    expect(res.body).toMatchObject({ resultType: 'delivered', instanceId: a.id });
  });

  it('starts the process whose message start event has the name', async () => {
    const res = await collector.post('/api/v1/messages', {
      name: 'applicationSubmitted',
      businessKey: 'APP-1',
      departmentId: 'ZJ-HZ-XH',
      variables: { applicant: 'Li' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resultType: 'started', definitionKey: 'byMessage' });
    const clerk = await t.as('xh.clerk');
    const tasks = await openTasks(clerk, res.body.instanceId);
    expect(tasks.map((x) => x.elementId)).toEqual(['accept']);
  });

  it('refuses unknown fields', async () => {
    expect((await collector.post('/api/v1/messages', { name: 'x', bogus: 1 })).status).toBe(400);
  });
});
