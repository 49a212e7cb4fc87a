import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../support/client.js';
import type { TestDatabase } from '../../support/database.js';
import { serverDatabase } from '../../support/platform.js';
import { freePort, ServerProcess } from '../../support/server-process.js';

/** Issue 3 §3: a policy change made through one server process is enforced by another at once. */
describe('two server processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    const prepared = await serverDatabase('postgres');
    database = prepared.database;
    const env = prepared.env;
    a = new ServerProcess(await freePort(), { ...env, NODE_ID: 'node-a' });
    await a.start();
    b = new ServerProcess(await freePort(), { ...env, NODE_ID: 'node-b' });
    await b.start();
  }, 120_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it('enforces a grant and a revocation made on node A on node B with the very next request', async () => {
    const onB = await new ApiClient(b.url).login('xh.clerk');
    expect((await onB.get('/api/v1/incidents')).status).toBe(403);

    const adminOnA = await new ApiClient(a.url).login('admin');
    const granted = await adminOnA.post('/api/v1/admin/policies', {
      role: 'acceptance_clerk',
      object: 'incident',
      action: 'read',
    });
    expect(granted.status).toBe(201);
    expect((await onB.get('/api/v1/incidents')).status).toBe(200);

    const revoked = await adminOnA.delete('/api/v1/admin/policies', {
      role: 'acceptance_clerk',
      object: 'incident',
      action: 'read',
    });
    expect(revoked.status).toBe(204);
    expect((await onB.get('/api/v1/incidents')).status).toBe(403);
  });

  it('enforces a role assignment removed on node A on node B at once', async () => {
    const onB = await new ApiClient(b.url).login('xh.clerk2');
    expect((await onB.get('/api/v1/tasks')).status).toBe(200);
    const adminOnA = await new ApiClient(a.url).login('admin');
    const user = (await adminOnA.get('/api/v1/admin/users?q=xh.clerk2')).body.items[0];
    await adminOnA.delete(`/api/v1/admin/users/${user.id}/roles`, {
      role: 'acceptance_clerk',
      departmentId: 'ZJ-HZ-XH',
    });
    expect((await onB.get('/api/v1/tasks')).status).toBe(403);
  });

  it('lets either node continue an instance the other started', async () => {
    const designer = await new ApiClient(a.url).login('designer');
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <process id="twoNodes" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t1"/>
    <userTask id="t1" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task"/><sequenceFlow id="f2" sourceRef="t1" targetRef="t2"/>
    <userTask id="t2" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task"/><sequenceFlow id="f3" sourceRef="t2" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>`;
    expect((await designer.post('/api/v1/deployments', { xml })).status).toBe(201);
    const onA = await new ApiClient(a.url).login('yh.clerk');
    const onB = await new ApiClient(b.url).login('yh.clerk');
    const started = await onA.post('/api/v1/process-instances', { definitionKey: 'twoNodes' });
    const first = started.body.tasks[0].id;
    await onB.post(`/api/v1/tasks/${first}/claim`);
    const done = await onB.post(`/api/v1/tasks/${first}/complete`, { variables: {} });
    const second = done.body.nextTasks[0].id;
    await onA.post(`/api/v1/tasks/${second}/claim`);
    expect((await onA.post(`/api/v1/tasks/${second}/complete`, { variables: {} })).body.instanceStatus).toBe(
      'completed',
    );
  });
});
