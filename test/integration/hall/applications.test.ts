import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDateOf } from '../../../server/domain/calendar/index.js';
import { seedDemoHallApplication, seedDemoHallCustomers } from '../../../server/hall/demo-customers.js';
import { TestClock } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { ApiClient } from '../../support/client.js';
import { HALL, signInToHallApi } from './sign-in.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { waitForTask, work } from '../../support/processes.js';
import { camundaClient } from '../../support/engine-rest.js';

const LIMITS = { maxFailures: 3, maxFailuresPerAddress: 50, firstDelaySeconds: 60, maxDelaySeconds: 200 };
// Demo logins (server/hall/demo-customers.ts): 赵丽 in Xihu, 王芳 in Xihu too, 陈刚 (business).
const ZHAO = { phone: '13900000006', accountNo: 'H3301000006' };
const WANG = { phone: '13900000001', accountNo: 'H3301000001' };

describe.each(BACKENDS)('applications from the customer hall (%s)', (backend) => {
  let t: TestPlatform;
  const db = () => t.database.db;
  const clock = new TestClock(`${shanghaiDateOf(new Date())}T10:00:00+08:00`);
  let zhao: ApiClient;
  let wang: ApiClient;
  let zhaoAccount: string;
  let zhaoLogin: string;

  const signIn = (phone: string) => signInToHallApi(t, clock, phone);

  async function applyForConnection(client: ApiClient, accountId: string) {
    const res = await client.post(`${HALL}/applications/new-connection`, {
      accountId,
      address: '杭州市西湖区留下街道 杨家牌楼 10 号',
      capacityKva: 8,
      category: 'residential',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; number: string; state: string; tasks: { id: string; code: string }[] };
  }

  beforeAll(async () => {
    t = await startTestPlatform(backend, { auth: LIMITS, clock });
    await seedDemoHallCustomers(t.database.db, undefined, new Date(clock.now()));
    zhaoAccount = (await db()('customers').where({ account_no: ZHAO.accountNo }).first<{ id: string }>('id')).id;
    zhaoLogin = (await db()('customer_logins').where({ phone: ZHAO.phone }).first<{ id: string }>('id')).id;
    zhao = await signIn(ZHAO.phone);
    wang = await signIn(WANG.phone);
  }, 240_000);
  afterAll(() => t?.close());

  it('starts the real new-connection process with channel "online hall" and the applicant on the instance', async () => {
    // when
    const app = await applyForConnection(zhao, zhaoAccount);

    // then: the instance carries the applicant, the first step is the Xihu clerk's acceptance
    const row = await db()('process_instances')
      .where({ id: app.id })
      .first<{ definition_key: string; department_id: string; variables: Record<string, unknown> }>(
        'definition_key',
        'department_id',
        'variables',
      );
    expect(row.definition_key).toBe('new-connection');
    expect(row.department_id).toBe('ZJ-HZ-XH');
    expect(row.variables).toMatchObject({ channel: 'online hall', applicantLoginId: zhaoLogin, acceptClass: '01' });
    expect(app.number).toMatch(/^YK-H\d{8}-\d{6}$/);
    expect(app.state).toBe('in-progress');
    const detail = (await zhao.get(`${HALL}/applications/${app.id}`)).body;
    expect(detail.currentStep).toEqual({ zh: '受理申请', en: 'Application checked' });
    expect(detail.department.zh).toContain('西湖');
    expect(detail.timeline.map((s: { code: string }) => s.code)).toEqual(['A01']);
    expect(detail.tasks).toEqual([]);
    const list = (await zhao.get(`${HALL}/applications`)).body.items;
    expect(list.map((a: { id: string }) => a.id)).toContain(app.id);
    // the clerk sees it in the worklist
    const clerk = await t.as('xh.clerk');
    const claimable = await clerk.get('/api/v1/worklist?view=claimable&limit=100');
    expect(claimable.body.items.map((x: { instanceId: string }) => x.instanceId)).toContain(app.id);
  });

  it('refuses an account of another login and bad input, writing nothing', async () => {
    const before = Number((await db()('process_instances').count<{ n: string }[]>('* as n'))[0]!.n);
    const other = await wang.post(`${HALL}/applications/new-connection`, {
      accountId: zhaoAccount,
      address: '杭州市西湖区留下街道 1 号',
      capacityKva: 8,
      category: 'residential',
    });
    expect(other.status).toBe(404);
    const bad = await zhao.post(`${HALL}/applications/new-connection`, {
      accountId: zhaoAccount,
      address: 'x',
      capacityKva: 5000,
      category: 'residential',
    });
    expect(bad.status).toBe(400);
    const unsigned = await t.anonymous().get(`${HALL}/applications`);
    expect(unsigned.status).toBe(401);
    expect(Number((await db()('process_instances').count<{ n: string }[]>('* as n'))[0]!.n)).toBe(before);
  });

  it("answers 404 for another login's application, task and document", async () => {
    // given Zhao's application with a document
    const app = await applyForConnection(zhao, zhaoAccount);
    const form = new FormData();
    form.append('file', new Blob(['申请书'], { type: 'application/pdf' }), '申请书.pdf');
    const uploaded = await zhao.request('POST', `${HALL}/applications/${app.id}/documents`, form);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    const doc = uploaded.body as { id: string };

    // then Wang sees none of it
    expect((await wang.get(`${HALL}/applications/${app.id}`)).status).toBe(404);
    expect((await wang.get(`${HALL}/applications/${app.id}/documents/${doc.id}`)).status).toBe(404);
    expect((await wang.get(`${HALL}/applications`)).body.items.map((a: { id: string }) => a.id)).not.toContain(app.id);
    const anyTask = await db()('tasks').where({ instance_id: app.id }).first<{ id: string }>('id');
    expect(
      (await wang.post(`${HALL}/applications/${app.id}/tasks/${anyTask.id}/complete`, { variables: {} })).status,
    ).toBe(404);
    // and Zhao downloads it; a staff task is no customer step
    const download = await zhao.get(`${HALL}/applications/${app.id}/documents/${doc.id}`);
    expect(download.status).toBe(200);
    expect(
      (await zhao.post(`${HALL}/applications/${app.id}/tasks/${anyTask.id}/complete`, { variables: {} })).status,
    ).toBe(404);
  });

  it('routes the customer steps to the applicant: hidden from staff, done in the hall, the timeline moves', async () => {
    // given an application accepted with documents missing
    const app = await applyForConnection(zhao, zhaoAccount);
    await work(t, 'xh.clerk', app.id, 'A01', {
      acceptClass: '01',
      elecTypeCode: '202',
      capacityKva: 8,
      documentsMissing: true,
    });
    let detail = (await zhao.get(`${HALL}/applications/${app.id}`)).body;
    const row = await db()('process_instances').where({ id: app.id }).first('status', 'end_reason');
    expect(detail.state, JSON.stringify(row)).toBe('waiting-for-you');
    expect(detail.tasks.map((x: { code: string }) => x.code)).toEqual(['C01']);
    expect(detail.customerDueAt).not.toBeNull();
    const customerTask = detail.tasks[0] as { id: string };

    // then no staff path shows, claims or completes it
    const admin = await t.as('admin');
    const clerk = await t.as('xh.clerk');
    const leader = await t.as('xh.leader');
    for (const [username, staff] of [
      ['admin', admin],
      ['xh.clerk', clerk],
      ['xh.leader', leader],
    ] as const) {
      expect((await staff.get(`/api/v1/tasks/${customerTask.id}`)).status).toBe(404);
      expect((await staff.post(`/api/v1/tasks/${customerTask.id}/claim`)).status).toBe(404);
      expect((await staff.post(`/api/v1/tasks/${customerTask.id}/complete`, { variables: {} })).status).toBe(404);
      for (const view of ['claimable', 'mine', 'unassigned']) {
        const list = await staff.get(`/api/v1/worklist?view=${view}&limit=100`);
        expect(list.body.items.map((x: { id: string }) => x.id)).not.toContain(customerTask.id);
      }
      const camunda = camundaClient(t.url, username);
      const rest = await camunda.get(`/task?processInstanceId=${app.id}`);
      expect(rest.status).toBe(200);
      expect(rest.body.map((x: { id: string }) => x.id)).not.toContain(customerTask.id);
      const candidate = await camunda.get(`/task?candidateGroup=applicant`);
      expect(candidate.body.map((x: { id: string }) => x.id)).not.toContain(customerTask.id);
      expect((await camunda.get(`/task/${customerTask.id}`)).status).toBe(404);
      expect((await camunda.post(`/task/${customerTask.id}/claim`, { userId: username })).status).toBe(404);
      expect((await camunda.post(`/task/${customerTask.id}/complete`, {})).status).toBe(404);
    }

    // when the customer completes it without the required value: refused, nothing moves
    const invalid = await zhao.post(`${HALL}/applications/${app.id}/tasks/${customerTask.id}/complete`, {
      variables: { supplyNote: 'x' },
    });
    expect(invalid.status).toBe(400);
    // and with it
    const done = await zhao.post(`${HALL}/applications/${app.id}/tasks/${customerTask.id}/complete`, {
      variables: { documentsSupplied: true, supplyNote: '房产证已上传' },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.state).toBe('in-progress');
    expect(done.body.timeline.map((s: { code: string; state: string }) => `${s.code}:${s.state}`)).toEqual([
      'A01:done',
      'C01:done',
      'A01:current',
    ]);
    const again = await zhao.post(`${HALL}/applications/${app.id}/tasks/${customerTask.id}/complete`, {
      variables: { documentsSupplied: true },
    });
    expect(again.status).toBe(409);
    const task = await db()('tasks').where({ id: customerTask.id }).first<{ completed_by: string }>('completed_by');
    expect(task.completed_by).toBe(`customer:${zhaoLogin}`);

    // the clerk accepts again; survey; then the contract is the customer's to sign
    await work(t, 'xh.clerk', app.id, 'A01', {
      acceptClass: '01',
      elecTypeCode: '202',
      capacityKva: 8,
      documentsMissing: false,
    });
    await work(t, 'xh.surveyor', app.id, 'A02', {
      surveyDate: shanghaiDateOf(new Date(clock.now())),
      surveyFindings: '可接入',
    });
    detail = (await zhao.get(`${HALL}/applications/${app.id}`)).body;
    expect(detail.tasks.map((x: { code: string }) => x.code)).toEqual(['C17']);
    const sign = await zhao.post(`${HALL}/applications/${app.id}/tasks/${detail.tasks[0].id}/complete`, {
      variables: { contractAccepted: true, contractSignatory: '赵丽' },
    });
    expect(sign.status, JSON.stringify(sign.body)).toBe(200);
    expect(sign.body.currentStep).toEqual({ zh: '装表接电', en: 'Meter installation' });
    const audit = await db()('audit_log')
      .where({ action: 'hall.application.task.complete', object_id: detail.tasks[0].id })
      .first<{ actor_id: string; details: Record<string, unknown> }>('actor_id', 'details');
    expect(audit).toMatchObject({ actor_id: `customer:${zhaoLogin}`, details: { actorType: 'customer' } });
  });

  it('a counter application (no applicant) passes the customer steps by: the clerk accepts, the surveyor surveys, installation follows', async () => {
    const clerk = await t.as('xh.clerk');
    const started = await clerk.post('/api/v1/process-instances', {
      definitionKey: 'new-connection',
      departmentId: 'ZJ-HZ-XH',
      businessKey: 'YK-COUNTER-0001',
      variables: { customerName: '柜台客户', phone: '13900009999', address: '杭州市西湖区 1 号', capacityKva: 8 },
    });
    expect(started.status).toBe(201);
    await work(t, 'xh.clerk', started.body.id, 'A01', {
      acceptClass: '01',
      elecTypeCode: '202',
      capacityKva: 8,
      documentsMissing: true,
    });
    await work(t, 'xh.surveyor', started.body.id, 'A02', {
      surveyDate: shanghaiDateOf(new Date(clock.now())),
      surveyFindings: '可接入',
    });
    await waitForTask(await t.as('xh.meter'), started.body.id, 'A17');
  });

  it('starts a meter test for one of the account’s meters', async () => {
    const res = await zhao.post(`${HALL}/applications/meter-test`, { accountId: zhaoAccount, reason: '电表走得太快' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.kind).toBe('meter-test');
    expect(res.body.number).toMatch(/^JY-H/);
    const row = await db()('process_instances')
      .where({ id: res.body.id })
      .first<{ variables: Record<string, unknown> }>('variables');
    expect(row.variables).toMatchObject({ origin: 'customer', channel: 'online hall', applicantLoginId: zhaoLogin });
    await t.platform.executor.drain();
    const detail = (await zhao.get(`${HALL}/applications/${res.body.id}`)).body;
    expect(detail.currentStep).toEqual({ zh: '受理校验申请', en: 'Request checked' });
    expect(detail.utilityDueAt).not.toBeNull();
    // a meter of another account is 404
    const wangMeter = await db()('meters as m')
      .join('customers as c', 'c.id', 'm.customer_id')
      .where('c.account_no', WANG.accountNo)
      .first<{ id: string }>('m.id');
    const other = await zhao.post(`${HALL}/applications/meter-test`, {
      accountId: zhaoAccount,
      meterId: wangMeter.id,
      reason: '电表走得太快',
    });
    expect(other.status).toBe(404);
  });

  it('declares the application routes in the hall section of the OpenAPI document', async () => {
    const doc = (await t.anonymous().get('/api/openapi.json')).body;
    for (const path of [
      '/api/hall/v1/applications',
      '/api/hall/v1/applications/new-connection',
      '/api/hall/v1/applications/meter-test',
      '/api/hall/v1/applications/{applicationId}',
      '/api/hall/v1/applications/{applicationId}/tasks/{taskId}/complete',
      '/api/hall/v1/applications/{applicationId}/documents',
      '/api/hall/v1/applications/{applicationId}/documents/{documentId}',
    ]) {
      const ops = doc.paths[path] as Record<string, { tags: string[]; security: unknown[] }> | undefined;
      expect(ops, path).toBeDefined();
      for (const op of Object.values(ops!)) {
        expect(op.tags).toEqual(['Customer hall']);
        expect(op.security).toEqual([{ hallSession: [] }]);
      }
    }
  });

  it("seeds the demo application as 赵丽's online application, waiting for her to sign the contract", async () => {
    // given the demo application started and worked as `npm start` does
    const services = t.platform.services;
    const actorOf = async (username: string) => {
      const user = await db()('users').where({ username }).first<{ id: string } | undefined>('id');
      return user ? services.auth.loadActor(user.id, 'user') : null;
    };
    await seedDemoHallApplication(db(), services.instances, (await actorOf('xh.clerk'))!, {
      tasks: services.tasks,
      actorOf,
    });
    await t.platform.executor.drain();

    // then it is hers, in the hall, at her signature
    const demo = (await zhao.get(`${HALL}/applications`)).body.items.find(
      (a: { number: string }) => a.number === 'YK-HALL-0001',
    );
    expect(demo).toMatchObject({
      state: 'waiting-for-you',
      currentStep: { zh: '签订供用电合同', en: 'Sign the supply contract' },
    });
    expect((await wang.get(`${HALL}/applications/${demo.id}`)).status).toBe(404);
  });
});
