import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { fixture } from '../../support/workflow.js';

const wrap = (body: string, executable = true) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="t">
  <process id="p" isExecutable="${executable}">${body}</process>
</definitions>`;

describe.each(BACKENDS)('POST /api/v1/deployments (%s)', (backend) => {
  let t: TestPlatform;
  let designer: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    designer = await t.as('designer');
  });
  afterAll(() => t?.close());

  it('stores a file as version 1, then a changed file as version 2, and identical XML as the same version', async () => {
    const v1 = await designer.post('/api/v1/deployments', { xml: fixture('user-task.gateway.bpmn'), name: 'Approval' });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ created: true, definition: { key: 'approval', version: 1, name: 'Approval' } });

    const again = await designer.post('/api/v1/deployments', { xml: fixture('user-task.gateway.bpmn') });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, definition: { id: v1.body.definition.id, version: 1 } });

    const changed = fixture('user-task.gateway.bpmn').replace('Review application', 'Review the application');
    const v2 = await designer.post('/api/v1/deployments', { xml: changed });
    expect(v2.body.definition.version).toBe(2);

    const latest = await designer.get('/api/v1/process-definitions?key=approval');
    expect(latest.body.items.map((d: { version: number }) => d.version)).toEqual([2]);
    const all = await designer.get('/api/v1/process-definitions?key=approval&allVersions=true');
    expect(all.body.items.map((d: { version: number }) => d.version)).toEqual([2, 1]);
    const xml = await designer.get(`/api/v1/process-definitions/${v1.body.definition.id}/xml`);
    expect(xml.headers.get('content-type')).toContain('application/xml');
    expect(xml.body).toBe(fixture('user-task.gateway.bpmn'));
  });

  it('accepts a multipart upload and text/xml', async () => {
    const form = new FormData();
    form.append('file', new Blob([fixture('parallel.split-join.bpmn')], { type: 'application/xml' }), 'parallel.bpmn');
    form.append('name', 'Uploaded');
    const uploaded = await designer.post('/api/v1/deployments', form);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    expect(uploaded.body.definition.key).toBe('parallel');
    const text = await designer.post('/api/v1/deployments', fixture('terminate.end.bpmn'), {
      'content-type': 'text/xml',
    });
    expect(text.status).toBe(201);
    expect(text.body.definition.key).toBe('terminate');
  });

  it('keeps a running instance on the version it started with', async () => {
    const xml = wrap(
      '<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="u"/><userTask id="u" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task"/><sequenceFlow id="g" sourceRef="u" targetRef="e"/><endEvent id="e"/>',
    ).replace('id="p"', 'id="pinned"');
    const v1 = await designer.post('/api/v1/deployments', { xml });
    const clerk = await t.as('xh.clerk');
    const started = await clerk.post('/api/v1/process-instances', { definitionKey: 'pinned' });
    await designer.post('/api/v1/deployments', { xml: xml.replace('id="e"/>', 'id="e" name="changed"/>') });
    const after = await clerk.get(`/api/v1/process-instances/${started.body.id}`);
    expect(after.body).toMatchObject({ definitionId: v1.body.definition.id, definitionVersion: 1 });
    const fresh = await clerk.post('/api/v1/process-instances', { definitionKey: 'pinned' });
    expect(fresh.body.definitionVersion).toBe(2);
  });

  it.each([
    ['malformed XML, with line and column', '<definitions><process></definitions>', 'BPMN_XML_INVALID', { line: 1 }],
    [
      'a DOCTYPE with entities',
      '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x "boom">]>\n<definitions>&x;</definitions>',
      'BPMN_XML_INVALID',
      { line: 2, reason: expect.stringContaining('DOCTYPE') },
    ],
    [
      'a non-executable process',
      wrap('<startEvent id="s"/>', false),
      'LINT_FAILED',
      { element: 'p', reason: expect.stringContaining('No executable process') },
    ],
    [
      'a script task',
      wrap(
        '<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="sc"/><scriptTask id="sc" scriptFormat="javascript"><script>process.exit(1)</script></scriptTask>',
      ),
      'LINT_FAILED',
      {
        element: 'sc',
        reason: 'Script task "sc" is not allowed: scripts cannot run on this platform; use a service task',
      },
    ],
    [
      'an unknown service',
      wrap(
        '<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="svc"/><serviceTask id="svc" camunda:delegateExpression="${rocketLauncher}"/>',
      ),
      'LINT_FAILED',
      {
        element: 'svc',
        reason: 'Service task "svc": service "rocketLauncher" is not in the platform\'s service registry',
      },
    ],
    [
      'a Java class service',
      wrap('<serviceTask id="svc" camunda:class="com.acme.Thing"/>'),
      'LINT_FAILED',
      { element: 'svc', reason: expect.stringContaining('camunda:class "com.acme.Thing" names Java code') },
    ],
    [
      'a malformed instance deadline',
      wrap(
        '<extensionElements><camunda:properties><camunda:property name="dueDate" value="wd:many"/></camunda:properties></extensionElements><startEvent id="s"/>',
      ),
      'LINT_FAILED',
      { element: 'p', reason: expect.stringContaining('"p": dueDate "wd:many" is not a deadline') },
    ],
    [
      'an instance deadline paused by an element the process lacks',
      wrap(
        '<extensionElements><camunda:properties><camunda:property name="dueDate" value="P10D"/><camunda:property name="dueDatePausedBy" value="s,nowhere"/></camunda:properties></extensionElements><startEvent id="s"/>',
      ),
      'LINT_FAILED',
      { element: 'p', reason: 'Process "p": dueDatePausedBy names "nowhere", which is not an element of the process' },
    ],
    [
      'an unsupported element',
      wrap('<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="cg"/><complexGateway id="cg"/>'),
      'LINT_FAILED',
      { element: 'cg', reason: '"cg": ComplexGateway is not supported by the platform' },
    ],
    [
      'a script condition',
      wrap(
        '<startEvent id="s"/><exclusiveGateway id="g"/><endEvent id="e"/><sequenceFlow id="f0" sourceRef="s" targetRef="g"/><sequenceFlow id="f" sourceRef="g" targetRef="e"><conditionExpression xsi:type="tFormalExpression" language="javascript">next(null, true)</conditionExpression></sequenceFlow>',
      ),
      'LINT_FAILED',
      { element: 'f', reason: expect.stringContaining('script conditions (language "javascript") are not allowed') },
    ],
    [
      'a condition with a function call',
      wrap(
        '<startEvent id="s"/><exclusiveGateway id="g"/><endEvent id="e"/><sequenceFlow id="f0" sourceRef="s" targetRef="g"/><sequenceFlow id="f" sourceRef="g" targetRef="e"><conditionExpression xsi:type="tFormalExpression">${require("fs")}</conditionExpression></sequenceFlow>',
      ),
      'LINT_FAILED',
      { element: 'f', reason: expect.stringContaining('function calls are not allowed') },
    ],
    [
      'an execution listener with a Java class',
      wrap(
        '<startEvent id="s"><extensionElements><camunda:executionListener class="x" event="start"/></extensionElements></startEvent>',
      ),
      'LINT_FAILED',
      {
        element: 's',
        reason: expect.stringContaining(
          'ExecutionListener with a Java class, a delegate expression or a script is not run',
        ),
      },
    ],
    ['a document that is not BPMN', '<html><body/></html>', 'BPMN_INVALID', {}],
  ])('refuses %s with a problem that names it', async (_, xml, code, detail) => {
    const before = (await designer.get('/api/v1/process-definitions?allVersions=true')).body.items.length;
    const res = await designer.post('/api/v1/deployments', { xml });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe(code);
    // the lint, the deploy's check, names every problem: the one at stake is among them
    expect(res.body.errors).toContainEqual(expect.objectContaining(detail));
    expect((await designer.get('/api/v1/process-definitions?allVersions=true')).body.items.length).toBe(before);
  });

  it('refuses an empty body and an unsupported media type', async () => {
    expect((await designer.post('/api/v1/deployments', { xml: '' })).body.code).toBe('VALIDATION_FAILED');
    expect(
      (await designer.post('/api/v1/deployments', 'xml', { 'content-type': 'application/octet-stream' })).status,
    ).toBe(415);
  });

  it('lets only those who may deploy do so', async () => {
    const clerk = await t.as('xh.clerk');
    const res = await clerk.post('/api/v1/deployments', { xml: fixture('parallel.split-join.bpmn') });
    expect(res.status).toBe(403);
  });
});
