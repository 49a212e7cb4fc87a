import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { openTasks, start } from '../../support/workflow.js';

const process = (formKey: string, key = 'formsDemo') => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <process id="${key}" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="survey" />
    <userTask id="survey" name="Site survey" camunda:candidateGroups="acceptance_clerk" camunda:formKey="${formKey}" camunda:dueDate="wd:2" />
    <sequenceFlow id="f2" sourceRef="survey" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;

const surveyForm = (label = 'Capacity (kVA)') => ({
  id: 'test.survey',
  type: 'default',
  components: [
    { type: 'textfield', key: 'customerName', label: 'Customer', readonly: true },
    { type: 'number', key: 'capacityKva', label, validate: { required: true, min: 1, max: 100000 } },
    { type: 'textfield', key: 'contactPhone', label: 'Phone', validate: { required: true, validationType: 'phone' } },
    {
      type: 'radio',
      key: 'supplyOk',
      label: 'Supply available',
      values: [
        { label: 'yes', value: 'yes' },
        { label: 'no', value: 'no' },
      ],
      validate: { required: true },
    },
  ],
});

describe.each(BACKENDS)('task forms: deploy, read, validate on completion (%s)', (backend) => {
  let t: TestPlatform;
  let designer: ApiClient;
  let clerk: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    designer = await t.as('designer');
    clerk = await t.as('xh.clerk');
  });
  afterAll(() => t?.close());

  it('deploys a process whose formKey names no deployed form, with a warning that names it', async () => {
    // when a file whose task names a form nobody deployed is deployed (as Camunda 7 files often do)
    const res = await designer.post('/api/v1/deployments', { xml: process('test.nowhere', 'formsMissing') });
    // then it deploys, and the answer says which task will open with the generic form
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.warnings).toContainEqual(
      expect.objectContaining({ elementId: 'survey', rule: 'platform/user-task-form', code: 'user-task.unknown-form' }),
    );
    expect((await designer.get('/api/v1/process-definitions?key=formsMissing')).body.items).toHaveLength(1);
  });

  it('refuses a form without an id', async () => {
    const { id: _id, ...noId } = surveyForm();
    const res = await designer.post('/api/v1/deployments', { xml: process('test.survey'), forms: [noId] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('FORM_SCHEMA_INVALID');
  });

  it('deploys forms with the process, versions them, and lists them', async () => {
    const first = await designer.post('/api/v1/deployments', { xml: process('test.survey'), forms: [surveyForm()] });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const v1 = await designer.get('/api/v1/forms/test.survey');
    expect(v1.body).toMatchObject({ formId: 'test.survey', version: 1 });
    // the same form again keeps its version; a changed one is version 2
    await designer.post('/api/v1/deployments', { xml: process('test.survey'), forms: [surveyForm()] });
    expect((await designer.get('/api/v1/forms/test.survey')).body.version).toBe(1);
    const changed = await designer.post('/api/v1/forms', { forms: [surveyForm('Capacity')] });
    expect(changed.status, JSON.stringify(changed.body)).toBe(201);
    expect((await designer.get('/api/v1/forms/test.survey')).body.version).toBe(2);
    expect((await designer.get('/api/v1/forms/test.survey?version=1')).body.schema.components[1].label).toBe(
      'Capacity (kVA)',
    );
    const list = await designer.get('/api/v1/forms');
    expect(list.body.items.map((f: { formId: string }) => f.formId)).toEqual(
      expect.arrayContaining(['generic.task', 'test.survey']),
    );
    expect((await designer.get('/api/v1/forms/test.none')).status).toBe(404);
  });

  it('accepts forms as *.form files in a multipart upload', async () => {
    const upload = new FormData();
    upload.append('file', new Blob([process('test.upload', 'formsUpload')], { type: 'application/xml' }), 'p.bpmn');
    upload.append(
      'forms',
      new Blob([JSON.stringify({ ...surveyForm(), id: 'test.upload' })], { type: 'application/json' }),
      'test.upload.form',
    );
    const res = await designer.post('/api/v1/deployments', upload);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await designer.get('/api/v1/forms/test.upload')).body.version).toBe(1);
  });

  it('reads camunda:formRef (Camunda 7.16+) like formKey', async () => {
    const xml = process('test.survey', 'formsRef').replace('camunda:formKey=', 'camunda:formRef=');
    expect((await designer.post('/api/v1/deployments', { xml })).status).toBe(201);
    const started = await start(clerk, 'formsRef', { departmentId: 'ZJ-HZ-XH' });
    const [task] = await openTasks(clerk, started.id);
    expect((await clerk.get(`/api/v1/tasks/${task!.id}/form`)).body.formKey).toBe('test.survey');
    const missing = await designer.post('/api/v1/deployments', {
      xml: process('test.nothing', 'formsRef2').replace('camunda:formKey=', 'camunda:formRef='),
    });
    // a formRef naming no deployed form is, like a formKey, a warning: the task gets the generic form
    expect(missing.status).toBe(201);
    expect(missing.body.warnings).toContainEqual(
      expect.objectContaining({ elementId: 'survey', code: 'user-task.unknown-form' }),
    );
  });

  it('serves a task its form with the values it shows, and refuses invalid completions with field errors', async () => {
    // given a task whose process was deployed with version 1 of the form
    const started = await start(clerk, 'formsDemo', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'FORM-1',
      variables: { customerName: '杭州某厂', unrelated: 'x' },
    });
    const [task] = await openTasks(clerk, started.id);
    const form = await clerk.get(`/api/v1/tasks/${task!.id}/form`);
    expect(form.status, JSON.stringify(form.body)).toBe(200);
    expect(form.body).toMatchObject({ formKey: 'test.survey', form: { formId: 'test.survey' } });
    expect(form.body.schema.components[1].label).toBe('Capacity (kVA)');
    expect(form.body.data).toEqual({ customerName: '杭州某厂' });
    // another county's clerk cannot read it
    expect((await (await t.as('yh.clerk')).get(`/api/v1/tasks/${task!.id}/form`)).status).toBe(404);

    // when the clerk completes it with invalid data
    await clerk.post(`/api/v1/tasks/${task!.id}/claim`);
    const bad = await clerk.post(`/api/v1/tasks/${task!.id}/complete`, {
      variables: { capacityKva: 0, contactPhone: '123', supplyOk: 'maybe' },
    });

    // then 400 FORM_INVALID names each field, and nothing changed
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('FORM_INVALID');
    expect(bad.body.details).toEqual([
      { field: 'capacityKva', reason: 'min', message: expect.stringContaining('Capacity (kVA)') },
      { field: 'contactPhone', reason: 'phone', message: expect.any(String) },
      { field: 'supplyOk', reason: 'option', message: expect.any(String) },
    ]);
    expect((await clerk.get(`/api/v1/tasks/${task!.id}`)).body.status).toBe('open');
    const instance = await clerk.get(`/api/v1/process-instances/${started.id}`);
    expect(instance.body.variables).toEqual({ customerName: '杭州某厂', unrelated: 'x' });
    const missing = await clerk.post(`/api/v1/tasks/${task!.id}/complete`, { variables: {} });
    expect(missing.body.details.map((d: { field: string; reason: string }) => `${d.field}:${d.reason}`)).toEqual([
      'capacityKva:required',
      'contactPhone:required',
      'supplyOk:required',
    ]);

    // and valid data completes it
    const good = await clerk.post(`/api/v1/tasks/${task!.id}/complete`, {
      variables: { capacityKva: 630, contactPhone: '13800138000', supplyOk: 'yes' },
    });
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect(good.body.instanceStatus).toBe('completed');
  });
});

describe.each(BACKENDS)('deploy warnings made blocking by the installation (%s)', (backend) => {
  let t: TestPlatform;
  let designer: ApiClient;
  beforeAll(async () => {
    t = await startTestPlatform(backend, { env: { DEPLOY_WARNINGS_BLOCK: 'true' } });
    designer = await t.as('designer');
  });
  afterAll(() => t?.close());

  it('refuses, with DEPLOY_WARNINGS_BLOCK=true, what otherwise deploys with warnings, and stores nothing', async () => {
    const res = await designer.post('/api/v1/deployments', { xml: process('test.nowhere', 'formsStrict') });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('LINT_FAILED');
    expect(res.body.details).toContainEqual(
      expect.objectContaining({ elementId: 'survey', code: 'user-task.unknown-form' }),
    );
    expect((await designer.get('/api/v1/process-definitions?key=formsStrict')).body.items).toEqual([]);
  });
});
