import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { lintXml } from '../../../server/lint/runner.js';
import type { PlatformLintData } from '../../../server/lint/rules/support.js';

/** start → user task → exclusive gateway → two ends; `taskAttrs` and the gateway decide the findings. */
function approval(key: string, taskAttrs: string, gatewayAttrs = 'default="no"'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="t">
  <process id="${key}" name="Designer test" isExecutable="true">
    <startEvent id="start" name="Start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <userTask id="review" name="Review" ${taskAttrs}/>
    <sequenceFlow id="f2" sourceRef="review" targetRef="decide"/>
    <exclusiveGateway id="decide" name="Approved?" ${gatewayAttrs}/>
    <sequenceFlow id="yes" sourceRef="decide" targetRef="approved"><conditionExpression xsi:type="tFormalExpression">\${approved}</conditionExpression></sequenceFlow>
    <sequenceFlow id="no" sourceRef="decide" targetRef="rejected"/>
    <endEvent id="approved" name="Approved"/>
    <endEvent id="rejected" name="Rejected"/>
  </process>
</definitions>`;
}

const FORM = {
  id: 'designer.review',
  type: 'default',
  components: [{ type: 'textfield', key: 'note', label: 'Note' }],
};
const GOOD_TASK = 'camunda:candidateGroups="acceptance_clerk" camunda:formKey="designer.review"';

describe.each(BACKENDS)('designer API: drafts, catalog and the deploy lint (%s)', (backend) => {
  let t: TestPlatform;
  let designer: ApiClient;
  let clerk: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    designer = await t.as('designer');
    clerk = await t.as('xh.clerk');
  });
  afterAll(() => t?.close());

  describe('the deploy lint', () => {
    it.each([
      ['a user task without candidates', approval('lintNoCandidates', 'camunda:formKey="designer.review"')],
      ['a user task without a form', approval('lintNoForm', 'camunda:candidateGroups="acceptance_clerk"')],
      [
        'an unknown role',
        approval('lintUnknownRole', 'camunda:candidateGroups="astronaut" camunda:formKey="designer.review"'),
      ],
    ])('deploys %s, answering the warnings the designer shows', async (_, xml) => {
      // given the rule config the designer fetches, and the same rules run here (as in the browser)
      // (the designer adds the forms it deploys along, as the server does)
      const config = (await designer.get('/api/v1/designer/lint-config')).body as PlatformLintData;
      const withForm = { ...config, forms: [...(config.forms ?? []), FORM.id] };
      const local = (await lintXml(xml, withForm)).filter((i) => i.rule.startsWith('platform/user-task'));
      expect(local.length).toBeGreaterThan(0);
      expect(local.every((i) => i.severity === 'warn')).toBe(true);
      // when the server is asked to deploy, then it deploys and answers those warnings
      const res = await designer.post('/api/v1/deployments', { xml, forms: [FORM] });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const answered = (res.body.warnings as { elementId: string; rule: string; message: string }[]).filter((w) =>
        w.rule.startsWith('platform/user-task'),
      );
      expect(answered.map((w) => [w.elementId, w.rule, w.message])).toEqual(
        local.map((i) => [i.elementId, i.rule, i.message]),
      );
    });

    it.each([['a gateway with an unconditioned flow and no default', approval('lintGateway', GOOD_TASK, '')]])(
      'refuses %s with the messages the designer shows, and deploys nothing',
      async (_, xml) => {
        // given the rule config the designer fetches
        const config = await designer.get('/api/v1/designer/lint-config');
        expect(config.status).toBe(200);

        // when the same rules run here (as in the browser) and the server is asked to deploy
        const local = (await lintXml(xml, config.body as PlatformLintData)).filter((i) => i.severity === 'error');
        const res = await designer.post('/api/v1/deployments', { xml, forms: [FORM] });

        // then the server refuses with exactly those findings
        expect(local.length).toBeGreaterThan(0);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body.code).toBe('LINT_FAILED');
        expect(
          res.body.details.map((d: { elementId: string; rule: string; message: string }) => [
            d.elementId,
            d.rule,
            d.message,
          ]),
        ).toEqual(local.map((i) => [i.elementId, i.rule, i.message]));
        const key = /process id="(\w+)"/.exec(xml)?.[1];
        expect((await designer.get(`/api/v1/process-definitions?key=${key}`)).body.items).toEqual([]);
      },
    );

    it('deploys what the lint passes, with its form, and warnings do not block', async () => {
      // no BPMNDI: a warning (no-bpmndi) only
      const xml = approval('lintClean', GOOD_TASK);
      const config = (await designer.get('/api/v1/designer/lint-config')).body as PlatformLintData;
      const issues = await lintXml(xml, config);
      expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
      expect(issues.some((i) => i.rule === 'no-bpmndi')).toBe(true);
      const res = await designer.post('/api/v1/deployments', { xml, forms: [FORM] });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    });

    it('refuses a script task with the lint rule the designer shows', async () => {
      const xml = approval('lintScript', GOOD_TASK).replace(
        '<endEvent id="rejected" name="Rejected"/>',
        '<endEvent id="rejected" name="Rejected"/><scriptTask id="s" name="S"><script>1</script></scriptTask>',
      );
      const res = await designer.post('/api/v1/deployments', { xml, forms: [FORM] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('LINT_FAILED');
      expect(res.body.details).toContainEqual(
        expect.objectContaining({
          elementId: 's',
          rule: 'platform/no-script-task',
          message: 'Script task "S" is not allowed: scripts cannot run on this platform; use a service task',
        }),
      );
    });

    it('lints without deploying (POST /designer/lint)', async () => {
      const res = await designer.post('/api/v1/designer/lint', { xml: approval('lintOnly', 'camunda:formKey="x"') });
      expect(res.status).toBe(200);
      expect(res.body.issues).toContainEqual(
        expect.objectContaining({
          elementId: 'review',
          rule: 'platform/user-task-candidates',
          severity: 'warn',
          message:
            'User task "Review" names no candidate groups, candidate users or assignee: its tasks go to team leaders as unassigned',
        }),
      );
      const bad = await designer.post('/api/v1/designer/lint', { xml: '<definitions' });
      expect(bad.status).toBe(400);
    });
  });

  describe('drafts', () => {
    it('saves, lists, reads and deletes a draft with its forms', async () => {
      const xml = approval('draftOne', GOOD_TASK);
      const saved = await designer.put('/api/v1/designer/drafts/draftOne', {
        xml,
        name: 'Draft one',
        forms: [{ id: 'designer.review', schema: FORM }],
        revision: 0,
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body).toMatchObject({ key: 'draftOne', revision: 1, updatedBy: 'designer', baseVersion: null });

      const list = await designer.get('/api/v1/designer/drafts');
      expect(list.body.items).toContainEqual(
        expect.objectContaining({ key: 'draftOne', name: 'Draft one', revision: 1 }),
      );
      expect(list.body.items[0]).not.toHaveProperty('xml');

      const read = await designer.get('/api/v1/designer/drafts/draftOne');
      expect(read.body).toMatchObject({ xml, forms: [{ id: 'designer.review', schema: FORM }] });

      expect((await designer.delete('/api/v1/designer/drafts/draftOne?revision=1')).status).toBe(204);
      expect((await designer.get('/api/v1/designer/drafts/draftOne')).status).toBe(404);
    });

    it('refuses a stale save with 409 and keeps the newer draft', async () => {
      const first = await designer.put('/api/v1/designer/drafts/draftRace', {
        xml: approval('draftRace', GOOD_TASK),
        revision: 0,
      });
      expect(first.body.revision).toBe(1);
      const admin = await t.as('admin');
      // two designers loaded revision 1; the admin saves first
      const theirs = await admin.put('/api/v1/designer/drafts/draftRace', {
        xml: approval('draftRace', GOOD_TASK).replace('Review', 'Theirs'),
        revision: 1,
      });
      expect(theirs.body).toMatchObject({ revision: 2, updatedBy: 'admin' });
      const mine = await designer.put('/api/v1/designer/drafts/draftRace', {
        xml: approval('draftRace', 'x'),
        revision: 1,
      });
      expect(mine.status).toBe(409);
      expect(mine.body).toMatchObject({ code: 'DRAFT_STALE', currentRevision: 2 });
      expect((await designer.get('/api/v1/designer/drafts/draftRace')).body.xml).toContain('Theirs');
      // a second "new" draft under a taken key is stale too
      expect((await designer.put('/api/v1/designer/drafts/draftRace', { xml: 'x', revision: 0 })).status).toBe(409);
      expect((await designer.delete('/api/v1/designer/drafts/draftRace?revision=1')).status).toBe(409);
    });

    it.each([
      ['a bad key', '/api/v1/designer/drafts/1bad', { xml: 'x', revision: 0 }],
      ['no XML', '/api/v1/designer/drafts/ok', { xml: '', revision: 0 }],
      ['no revision', '/api/v1/designer/drafts/ok', { xml: 'x' }],
      [
        'forms sharing an id',
        '/api/v1/designer/drafts/ok',
        {
          xml: 'x',
          revision: 0,
          forms: [
            { id: 'a', schema: {} },
            { id: 'a', schema: {} },
          ],
        },
      ],
    ])('answers 400 to %s and saves nothing', async (_, path, body) => {
      const res = await designer.put(path, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect((await designer.get('/api/v1/designer/drafts/ok')).status).toBe(404);
    });
  });

  it("offers the pickers' catalog: roles, users, services and deployed processes", async () => {
    const res = await designer.get('/api/v1/designer/catalog');
    expect(res.status).toBe(200);
    expect(res.body.roles).toContainEqual({
      code: 'acceptance_clerk',
      name: '业务受理员',
      nameEn: 'Business acceptance clerk',
    });
    expect(res.body.users).toContainEqual(expect.objectContaining({ username: 'xh.clerk', departmentId: 'ZJ-HZ-XH' }));
    expect(res.body.users[0]).not.toHaveProperty('password_hash');
    expect(res.body.services).toContainEqual(expect.objectContaining({ name: 'noop', inputs: [], outputs: [] }));
    // every service the platform ships says what it does in Chinese as well as English
    const services = res.body.services as { name: string; description: string; descriptionZh: string | null }[];
    expect(services.length).toBeGreaterThan(40);
    expect(services.filter((s) => !/[\u4e00-\u9fff]/.test(s.descriptionZh ?? '')).map((s) => s.name)).toEqual([]);
    expect(services.find((s) => s.name === 'arrearsPlanReconnection')?.descriptionZh).toBe(
      '欠费已结清：须在 24 小时内复电（DOMAIN.md §6）。',
    );
    expect(res.body.processes).toContainEqual(expect.objectContaining({ key: 'lintClean', version: 1 }));
    expect(res.body.forms).toContain('designer.review');
  });

  it('is for designers only', async () => {
    for (const [method, path] of [
      ['get', '/api/v1/designer/drafts'],
      ['get', '/api/v1/designer/catalog'],
      ['get', '/api/v1/designer/lint-config'],
      ['put', '/api/v1/designer/drafts/x'],
    ] as const) {
      const res = method === 'put' ? await clerk.put(path, { xml: 'x', revision: 0 }) : await clerk.get(path);
      expect(res.status, path).toBe(403);
    }
    expect((await clerk.post('/api/v1/deployments', { xml: approval('clerkDeploy', GOOD_TASK) })).status).toBe(403);
    expect((await t.anonymous().get('/api/v1/designer/drafts')).status).toBe(401);
  });
});
