import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { camundaClient, modelerDeployment } from '../../support/engine-rest.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/engine-rest/${name}`, import.meta.url), 'utf8');
const BPMN = fixture('service-request.camunda7.bpmn');
const FORM = fixture('engine-rest.accept.form');
const KEY = 'engineRestServiceRequest';

describe.each(BACKENDS)('engine-rest: deploy, start, work on tasks (%s)', (backend) => {
  let t: TestPlatform;
  let designer: ApiClient;
  let xhClerk: ApiClient;
  let yhClerk: ApiClient;
  let deploymentId: string;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    designer = camundaClient(t.url, 'designer');
    xhClerk = camundaClient(t.url, 'xh.clerk');
    yhClerk = camundaClient(t.url, 'yh.clerk');
    const res = await designer.post(
      '/deployment/create',
      modelerDeployment('service request', [
        { name: 'service-request.bpmn', content: BPMN },
        { name: 'engine-rest.accept.form', content: FORM },
      ]),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    deploymentId = res.body.id;
  });
  afterAll(() => t?.close());

  async function startOne(businessKey: string, client = xhClerk) {
    const res = await client.post(`/process-definition/key/${KEY}/start`, {
      businessKey,
      variables: { customerName: { value: '张三', type: 'String' }, amount: { value: 120, type: 'Integer' } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { id: string };
  }

  it('answers deployment/create as Camunda does, with the deployed definition', async () => {
    const deployment = await designer.get(`/deployment/${deploymentId}`);
    expect(deployment.body).toMatchObject({ id: deploymentId, name: 'service request', source: 'Camunda Modeler' });
    expect(deployment.body.deploymentTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    const list = await designer.get('/deployment?source=Camunda%20Modeler&sortBy=deploymentTime&sortOrder=desc');
    expect(list.body.map((d: { id: string }) => d.id)).toContain(deploymentId);
    expect((await designer.get('/deployment/count?name=service%20request')).body).toEqual({ count: 1 });
  });

  it('leaves an unchanged file out of a changed-only redeployment', async () => {
    const again = await designer.post(
      '/deployment/create',
      modelerDeployment('service request', [{ name: 'service-request.bpmn', content: BPMN }]),
    );
    expect(again.status).toBe(200);
    expect(again.body.deployedProcessDefinitions).toBeNull();
    expect((await designer.get(`/process-definition/count?key=${KEY}`)).body).toEqual({ count: 1 });
  });

  it('refuses a broken BPMN file as a ParseException, and other files as bad requests', async () => {
    const broken = await designer.post(
      '/deployment/create',
      modelerDeployment('broken', [{ name: 'broken.bpmn', content: '<bpmn:definitions' }]),
    );
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({
      type: 'ParseException',
      details: { 'broken.bpmn': { errors: expect.any(Array) } },
    });
    const other = await designer.post(
      '/deployment/create',
      modelerDeployment('x', [{ name: 'notes.txt', content: 'x' }]),
    );
    expect(other.status).toBe(400);
    expect(other.body.type).toBe('InvalidRequestException');
    const json = await designer.post('/deployment/create', {});
    expect(json.status).toBe(415);
  });

  it('reads process definitions by key, by id, and their XML', async () => {
    const byKey = await xhClerk.get(`/process-definition/key/${KEY}`);
    expect(byKey.body).toMatchObject({ key: KEY, version: 1, deploymentId, suspended: false, tenantId: null });
    expect((await xhClerk.get(`/process-definition/${byKey.body.id}`)).body.id).toBe(byKey.body.id);
    const xml = await xhClerk.get(`/process-definition/key/${KEY}/xml`);
    expect(xml.body).toEqual({ id: byKey.body.id, bpmn20Xml: BPMN });
    const list = await xhClerk.get(`/process-definition?latestVersion=true&sortBy=key&sortOrder=asc&maxResults=100`);
    expect(list.body.some((d: { key: string }) => d.key === KEY)).toBe(true);
    const missing = await xhClerk.get('/process-definition/key/noSuchProcess');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      type: 'InvalidRequestException',
      message: expect.stringContaining('noSuchProcess'),
    });
    expect((await xhClerk.get('/process-definition/not-a-uuid')).status).toBe(404);
  });

  it('starts an instance with typed variables and answers them back when asked', async () => {
    const res = await xhClerk.post(`/process-definition/key/${KEY}/start`, {
      businessKey: 'ER-START',
      withVariablesInReturn: true,
      variables: {
        customerName: { value: '李四', type: 'String' },
        amount: { value: '42.5', type: 'Double' },
        address: { value: '{"city":"杭州"}', type: 'Json' },
        urgent: { value: true, type: 'Boolean' },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      businessKey: 'ER-START',
      ended: false,
      suspended: false,
      links: [{ method: 'GET', rel: 'self', href: expect.stringMatching(/\/engine-rest\/process-instance\//) }],
      variables: {
        customerName: { value: '李四', type: 'String', valueInfo: {} },
        amount: { value: 42.5, type: 'Double' },
        address: { value: '{"city":"杭州"}', type: 'Json' },
        urgent: { value: true, type: 'Boolean' },
      },
    });
    const bad = await xhClerk.post(`/process-definition/key/${KEY}/start`, {
      variables: { amount: { value: 'many', type: 'Integer' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ type: 'InvalidRequestException', message: expect.stringContaining('amount') });
  });

  it('lists, reads and counts instances within the caller’s scope (GET and POST queries)', async () => {
    const started = await startOne('ER-LIST');
    const one = await xhClerk.get(`/process-instance/${started.id}`);
    expect(one.body).toMatchObject({ id: started.id, definitionKey: KEY, businessKey: 'ER-LIST', ended: false });
    const listed = await xhClerk.get(`/process-instance?businessKey=ER-LIST&processDefinitionKey=${KEY}`);
    expect(listed.body.map((i: { id: string }) => i.id)).toEqual([started.id]);
    const posted = await xhClerk.post('/process-instance?maxResults=10', {
      processInstanceIds: [started.id],
      sorting: [{ sortBy: 'businessKey', sortOrder: 'asc' }],
    });
    expect(posted.body.map((i: { id: string }) => i.id)).toEqual([started.id]);
    expect((await xhClerk.post('/process-instance/count', { businessKey: 'ER-LIST' })).body).toEqual({ count: 1 });
    // A Yuhang clerk does not see a Xihu instance: absent from lists, 404 on reads.
    expect((await yhClerk.get('/process-instance/count?businessKey=ER-LIST')).body).toEqual({ count: 0 });
    expect((await yhClerk.get(`/process-instance/${started.id}`)).status).toBe(404);
    const badSort = await xhClerk.get('/process-instance?sortBy=nonsense&sortOrder=asc');
    expect(badSort.status).toBe(400);
    expect(badSort.body.type).toBe('InvalidRequestException');
    expect((await xhClerk.get('/process-instance?maxResults=999999')).status).toBe(400);
  });

  it('reads and modifies instance variables', async () => {
    const { id } = await startOne('ER-VARS');
    const vars = await xhClerk.get(`/process-instance/${id}/variables`);
    expect(vars.body).toMatchObject({
      customerName: { value: '张三', type: 'String' },
      amount: { value: 120, type: 'Integer' },
    });
    expect((await xhClerk.get(`/process-instance/${id}/variables/amount`)).body).toEqual({
      value: 120,
      type: 'Integer',
      valueInfo: {},
    });
    const missing = await xhClerk.get(`/process-instance/${id}/variables/nothing`);
    expect(missing.status).toBe(404);
    const manager = camundaClient(t.url, 'xh.manager');
    const put = await manager.put(`/process-instance/${id}/variables/amount`, { value: 130, type: 'Long' });
    expect(put.status, JSON.stringify(put.body)).toBe(204);
    const modified = await manager.post(`/process-instance/${id}/variables`, {
      modifications: { note: { value: 'checked', type: 'String' } },
      deletions: ['customerName'],
    });
    expect(modified.status).toBe(204);
    expect((await manager.delete(`/process-instance/${id}/variables/note`)).status).toBe(204);
    const after = (await xhClerk.get(`/process-instance/${id}/variables`)).body;
    expect(after.amount).toMatchObject({ value: 130 });
    expect(after.customerName).toBeUndefined();
    expect(after.note).toBeUndefined();
  });

  it('works on a task: query by candidate group, claim, form, complete with variables', async () => {
    const { id } = await startOne('ER-TASK');
    const tasks = await xhClerk.get(`/task?processInstanceId=${id}&candidateGroup=acceptance_clerk`);
    expect(tasks.body).toHaveLength(1);
    const task = tasks.body[0];
    expect(task).toMatchObject({
      name: 'Accept the request',
      taskDefinitionKey: 'AcceptRequest',
      processInstanceId: id,
      assignee: null,
      formKey: 'camunda-forms:deployment:engine-rest.accept.form',
      suspended: false,
    });
    expect((await xhClerk.get(`/task/count?processInstanceId=${id}&unassigned=true`)).body).toEqual({ count: 1 });
    expect((await xhClerk.get(`/task?processInstanceId=${id}&candidateUser=xh.clerk`)).body).toHaveLength(1);
    // Department scope: a Yuhang clerk cannot see a Xihu task.
    expect((await yhClerk.get(`/task?processInstanceId=${id}`)).body).toEqual([]);
    expect((await yhClerk.get(`/task/${task.id}`)).status).toBe(404);
    expect((await yhClerk.post(`/task/${task.id}/claim`, { userId: 'yh.clerk' })).status).toBe(404);

    expect((await xhClerk.get(`/task/${task.id}/form`)).body).toMatchObject({
      key: 'camunda-forms:deployment:engine-rest.accept.form',
    });
    expect((await xhClerk.get(`/task/${task.id}/form-variables`)).body).toMatchObject({
      customerName: { value: '张三', type: 'String' },
    });
    expect((await xhClerk.post(`/task/${task.id}/claim`, { userId: 'xh.clerk' })).status).toBe(204);
    const second = await camundaClient(t.url, 'xh.clerk2').post(`/task/${task.id}/claim`, { userId: 'xh.clerk2' });
    expect(second.status).toBe(500);
    expect(second.body.type).toBe('TaskAlreadyClaimedException');
    expect((await xhClerk.get(`/task/${task.id}`)).body.assignee).toBe('xh.clerk');
    expect((await xhClerk.post(`/task/${task.id}/unclaim`)).status).toBe(204);
    expect((await xhClerk.post(`/task/${task.id}/assignee`, { userId: 'xh.clerk' })).status).toBe(204);

    const done = await xhClerk.post(`/task/${task.id}/complete`, {
      variables: { amount: { value: 150, type: 'Integer' } },
      withVariablesInReturn: true,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.amount).toEqual({ value: 150, type: 'Integer', valueInfo: {} });
    expect((await xhClerk.get(`/task/${task.id}`)).status).toBe(404);
    expect((await xhClerk.get(`/task?processInstanceId=${id}`)).body).toEqual([]);
  });

  it('answers 204 to a completion without variables in return, and refuses one by a non-holder', async () => {
    const { id } = await startOne('ER-COMPLETE');
    const [task] = (await xhClerk.get(`/task?processInstanceId=${id}`)).body;
    const early = await xhClerk.post(`/task/${task.id}/complete`, {});
    expect(early.status).toBe(400);
    expect(early.body.type).toBe('BadUserRequestException');
    await xhClerk.post(`/task/${task.id}/claim`, { userId: 'xh.clerk' });
    const done = await xhClerk.post(`/task/${task.id}/complete`, { variables: {} });
    expect(done.status).toBe(204);
  });

  it('deletes an instance, and answers 404 for one that is gone', async () => {
    const { id } = await startOne('ER-DELETE');
    const manager = camundaClient(t.url, 'xh.manager');
    expect((await manager.delete(`/process-instance/${id}`)).status).toBe(204);
    const again = await manager.delete(`/process-instance/${id}`);
    expect(again.status).toBe(404);
    expect(again.body.type).toBe('InvalidRequestException');
    expect((await manager.delete(`/process-instance/${id}?failIfNotExists=false`)).status).toBe(204);
  });

  it('refuses to delete a deployment with running instances unless cascading', async () => {
    const source = BPMN.replaceAll(KEY, 'engineRestDeletable');
    const created = await designer.post(
      '/deployment/create',
      modelerDeployment('deletable', [{ name: 'deletable.bpmn', content: source }]),
    );
    expect(created.status).toBe(200);
    const started = await xhClerk.post('/process-definition/key/engineRestDeletable/start', {});
    expect(started.status).toBe(200);
    const refused = await designer.delete(`/deployment/${created.body.id}`);
    expect(refused.status).toBe(500);
    expect(refused.body).toMatchObject({ type: 'ProcessEngineException', message: expect.stringContaining('cascad') });
    const admin = camundaClient(t.url, 'admin');
    const deleted = await admin.delete(`/deployment/${created.body.id}?cascade=true`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
    expect((await admin.get(`/deployment/${created.body.id}`)).status).toBe(404);
    expect((await admin.get(`/process-instance/${started.body.id}`)).status).toBe(404);
    expect((await admin.get('/process-definition/count?key=engineRestDeletable')).body).toEqual({ count: 0 });
  });
});
