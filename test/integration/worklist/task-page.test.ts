import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { openTasks, start } from '../../support/workflow.js';
import { deployWithForms } from './support.js';

const MAX_ATTACHMENT = 64 * 1024;

describe.each(BACKENDS)('task page: drafts, comments, attachments, delegation, context (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let clerk2: ApiClient;
  let yhClerk: ApiClient;
  const customerId = randomUUID();
  const billIds = [randomUUID(), randomUUID()];

  async function newTask(variables: Record<string, unknown> = {}) {
    const { id } = await start(clerk, 'worklist_review', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: `APP-${randomUUID().slice(0, 8)}`,
      variables,
    });
    return (await openTasks(clerk, id))[0]!;
  }

  function upload(name: string, type: string, bytes: Buffer) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    return form;
  }

  beforeAll(async () => {
    t = await startTestPlatform(backend, { env: { ATTACHMENT_MAX_BYTES: String(MAX_ATTACHMENT) } });
    await deployWithForms(await t.as('designer'), 'worklist.review.bpmn');
    await deployWithForms(await t.as('designer'), 'user-task.gateway.bpmn');
    clerk = await t.as('xh.clerk');
    clerk2 = await t.as('xh.clerk2');
    yhClerk = await t.as('yh.clerk');
    const db = t.platform.db;
    await db('customers').insert({
      id: customerId,
      account_no: 'XH7001',
      name: '西湖印染厂',
      address: '杭州市西湖区文三路 1 号',
      phone: '0571-88880001',
      department_id: 'ZJ-HZ-XH',
      elec_type_code: '200',
      credit_grade: 'A',
    });
    await db('bills').insert([
      {
        id: billIds[0],
        customer_id: customerId,
        period: '2026-09',
        total: '1200.00',
        due_date: '2026-10-15',
        status: 'issued',
        issued_by: 'test',
      },
      {
        id: billIds[1],
        customer_id: customerId,
        period: '2026-10',
        total: '800.50',
        due_date: '2026-11-15',
        status: 'issued',
        issued_by: 'test',
        audit_flags: JSON.stringify([{ rule: 3, code: 'consumption-spike', message: '电量突增 250%' }]),
      },
    ]);
  });
  afterAll(() => t?.close());

  describe('drafts', () => {
    it('keeps a draft per task and user; another user has their own', async () => {
      const task = await newTask();
      const saved = await clerk.request('PUT', `/api/v1/tasks/${task.id}/draft`, { data: { opinion: '同意', n: 3 } });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      const read = await clerk.get(`/api/v1/tasks/${task.id}/draft`);
      expect(read.body.data).toEqual({ opinion: '同意', n: 3 });
      expect(Date.parse(read.body.savedAt)).not.toBeNaN();
      expect((await clerk2.get(`/api/v1/tasks/${task.id}/draft`)).body).toEqual({ data: null, savedAt: null });
      expect((await clerk.delete(`/api/v1/tasks/${task.id}/draft`)).status).toBe(204);
      expect((await clerk.get(`/api/v1/tasks/${task.id}/draft`)).body.data).toBeNull();
    });

    it('lets only the assignee or a candidate save; others get 403, other counties 404', async () => {
      const task = await newTask();
      expect((await yhClerk.request('PUT', `/api/v1/tasks/${task.id}/draft`, { data: { x: 1 } })).status).toBe(404);
      expect((await yhClerk.get(`/api/v1/tasks/${task.id}/draft`)).status).toBe(404);
      await clerk2.post(`/api/v1/tasks/${task.id}/claim`);
      const refused = await clerk.request('PUT', `/api/v1/tasks/${task.id}/draft`, { data: { x: 1 } });
      expect(refused.status).toBe(403);
      expect((await clerk2.request('PUT', `/api/v1/tasks/${task.id}/draft`, { data: { x: 2 } })).status).toBe(200);
    });

    it('refuses a draft over 256 KB (413) and a body that is not an object (400), changing nothing', async () => {
      const task = await newTask();
      const big = await clerk.request('PUT', `/api/v1/tasks/${task.id}/draft`, { data: { text: 'x'.repeat(300_000) } });
      expect(big.status).toBe(413);
      const bad = await clerk.request('PUT', `/api/v1/tasks/${task.id}/draft`, { data: [1, 2] });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('body.data');
      expect((await clerk.get(`/api/v1/tasks/${task.id}/draft`)).body.data).toBeNull();
    });

    it('forgets the draft once the task is completed', async () => {
      const task = await newTask();
      await clerk.post(`/api/v1/tasks/${task.id}/claim`);
      await clerk.request('PUT', `/api/v1/tasks/${task.id}/draft`, { data: { half: 'done' } });
      expect((await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} })).status).toBe(200);
      expect((await clerk.get(`/api/v1/tasks/${task.id}/draft`)).body.data).toBeNull();
      // Saving another draft sweeps the drafts of closed tasks.
      const other = await newTask();
      await clerk.request('PUT', `/api/v1/tasks/${other.id}/draft`, { data: {} });
      expect(await t.platform.db('task_drafts').where({ task_id: task.id })).toHaveLength(0);
    });
  });

  describe('comments', () => {
    it('adds comments visible to whoever sees the task, per task and per instance, and announces them', async () => {
      const task = await newTask();
      const added = await clerk.post(`/api/v1/tasks/${task.id}/comments`, { body: '客户资料已补齐' });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      expect(added.body).toMatchObject({ author: 'xh.clerk', body: '客户资料已补齐' });
      await clerk2.post(`/api/v1/tasks/${task.id}/comments`, { body: '复核无误' });
      const list = (await clerk2.get(`/api/v1/tasks/${task.id}/comments`)).body.items;
      expect(list.map((c: { body: string }) => c.body)).toEqual(['客户资料已补齐', '复核无误']);
      expect(list[0].authorName).toBeTruthy();
      expect(list[0].authorName).not.toBe('xh.clerk');
      const perInstance = (await clerk.get(`/api/v1/process-instances/${task.instanceId}/comments`)).body.items;
      expect(perInstance).toHaveLength(2);
      const events = await t.platform.db('outbox').where({ topic: 'task:commented', instance_id: task.instanceId });
      expect(events).toHaveLength(2);
    });

    it("answers 404 to another county's user and 400 to an empty or oversized comment", async () => {
      const task = await newTask();
      expect((await yhClerk.get(`/api/v1/tasks/${task.id}/comments`)).status).toBe(404);
      expect((await yhClerk.post(`/api/v1/tasks/${task.id}/comments`, { body: 'hi' })).status).toBe(404);
      expect((await yhClerk.get(`/api/v1/process-instances/${task.instanceId}/comments`)).status).toBe(404);
      const long = await clerk.post(`/api/v1/tasks/${task.id}/comments`, { body: 'x'.repeat(4001) });
      expect(long.status).toBe(400);
      expect(long.body.errors[0].field).toBe('body.body');
      expect((await clerk.post(`/api/v1/tasks/${task.id}/comments`, { body: '   ' })).status).toBe(400);
      expect((await clerk.get(`/api/v1/tasks/${task.id}/comments`)).body.items).toEqual([]);
    });
  });

  describe('attachments', () => {
    it('stores a file with its sha256 and serves it back with a safe disposition', async () => {
      const task = await newTask();
      const bytes = Buffer.from('%PDF-1.4\n% test document\n');
      const res = await clerk.post(
        `/api/v1/tasks/${task.id}/attachments`,
        upload('申请书.pdf', 'application/pdf', bytes),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({
        filename: '申请书.pdf',
        contentType: 'application/pdf',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
      const listed = (await clerk2.get(`/api/v1/tasks/${task.id}/attachments`)).body.items;
      expect(listed.map((a: { id: string }) => a.id)).toEqual([res.body.id]);
      const download = await fetch(`${t.url}/api/v1/attachments/${res.body.id}`, {
        headers: { cookie: await cookieOf(clerk2) },
      });
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
      expect(download.headers.get('content-type')).toBe('application/pdf');
      expect(download.headers.get('x-content-type-options')).toBe('nosniff');
      expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename=".*"; filename\*=UTF-8''/);
      const perInstance = (await clerk.get(`/api/v1/process-instances/${task.instanceId}/attachments`)).body.items;
      expect(perInstance).toHaveLength(1);
      expect((await yhClerk.get(`/api/v1/attachments/${res.body.id}`)).status).toBe(404);
      expect((await yhClerk.get(`/api/v1/tasks/${task.id}/attachments`)).status).toBe(404);
    });

    it('refuses a file over the limit (413), a refused type (415), a missing file (400); stores nothing', async () => {
      const task = await newTask();
      const big = await clerk.post(
        `/api/v1/tasks/${task.id}/attachments`,
        upload('big.pdf', 'application/pdf', Buffer.alloc(MAX_ATTACHMENT + 1, 1)),
      );
      expect(big.status).toBe(413);
      const html = await clerk.post(
        `/api/v1/tasks/${task.id}/attachments`,
        upload('page.html', 'text/html', Buffer.from('<script>alert(1)</script>')),
      );
      expect(html.status).toBe(415);
      const none = new FormData();
      none.append('note', 'no file');
      expect((await clerk.post(`/api/v1/tasks/${task.id}/attachments`, none)).status).toBe(400);
      expect((await clerk.post(`/api/v1/tasks/${task.id}/attachments`, { file: 'x' })).status).toBe(415);
      const refusedOtherCounty = await yhClerk.post(
        `/api/v1/tasks/${task.id}/attachments`,
        upload('a.pdf', 'application/pdf', Buffer.from('x')),
      );
      expect(refusedOtherCounty.status).toBe(404);
      expect(await t.platform.db('task_attachments').where({ task_id: task.id })).toHaveLength(0);
    });
  });

  describe('delegation', () => {
    it('the holder delegates; the delegate hands it back with what they filled in; the owner completes', async () => {
      const task = await newTask();
      await clerk.post(`/api/v1/tasks/${task.id}/claim`);
      // when the clerk who holds the task delegates it to a colleague
      const delegated = await clerk.post(`/api/v1/tasks/${task.id}/delegate`, { userId: 'xh.clerk2' });
      expect(delegated.status, JSON.stringify(delegated.body)).toBe(200);
      expect(delegated.body).toMatchObject({ assignee: 'xh.clerk2', owner: 'xh.clerk', delegationState: 'pending' });
      const audit = await t.platform.db('audit_log').where({ action: 'task.delegate', object_id: task.id });
      expect(audit.map((a: { details: unknown }) => a.details)).toEqual([{ owner: 'xh.clerk', to: 'xh.clerk2' }]);
      // then the owner still sees it, on their own list too, but neither may complete it while it is delegated
      expect((await clerk.get(`/api/v1/tasks/${task.id}`)).status).toBe(200);
      for (const who of [clerk, clerk2]) {
        const mine = await who.get('/api/v1/worklist?view=mine&limit=200');
        expect(mine.body.items.map((i: { id: string }) => i.id)).toContain(task.id);
      }
      for (const who of [clerk, clerk2]) {
        const early = await who.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} });
        expect(early.status).toBe(409);
        expect(early.body.code).toBe('TASK_DELEGATED');
      }
      expect((await clerk2.post(`/api/v1/tasks/${task.id}/unclaim`)).body.code).toBe('TASK_DELEGATED');
      // nor may the owner, no longer the holder, delegate it elsewhere; another county sees nothing
      const again = await clerk.post(`/api/v1/tasks/${task.id}/delegate`, { userId: 'xh.leader' });
      expect([again.status, again.body.code]).toEqual([403, 'NOT_TASK_HOLDER']);
      expect(
        (await (await t.as('yh.leader')).post(`/api/v1/tasks/${task.id}/delegate`, { userId: 'yh.clerk' })).status,
      ).toBe(404);
      const unknown = await clerk2.post(`/api/v1/tasks/${task.id}/delegate`, { userId: 'nobody' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0].field).toBe('body.userId');
      // when the delegate hands it back with the values they filled in
      expect((await clerk.post(`/api/v1/tasks/${task.id}/resolve`, { variables: {} })).body.code).toBe(
        'TASK_NOT_DELEGATED_TO_YOU',
      );
      const back = await clerk2.post(`/api/v1/tasks/${task.id}/resolve`, { variables: { note: 'meter checked' } });
      expect(back.status, JSON.stringify(back.body)).toBe(200);
      expect(back.body).toMatchObject({ assignee: 'xh.clerk', owner: 'xh.clerk', delegationState: 'resolved' });
      expect((await clerk2.post(`/api/v1/tasks/${task.id}/resolve`, { variables: {} })).status).toBe(409);
      // then the owner finds them as their draft, and completes the task
      expect((await clerk.get(`/api/v1/tasks/${task.id}/draft`)).body.data).toEqual({ note: 'meter checked' });
      expect((await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} })).status).toBe(200);
      const log = await t.platform.db('audit_log').where({ object_id: task.id }).orderBy('at').pluck('action');
      expect(log.filter((a: string) => a !== 'task.read')).toEqual([
        'task.claim',
        'task.delegate',
        'task.resolve',
        'task.complete',
      ]);
    });

    it('a team leader may delegate a task someone holds, and a reassignment ends a delegation', async () => {
      const task = await newTask();
      await clerk.post(`/api/v1/tasks/${task.id}/claim`);
      const leader = await t.as('xh.leader');
      const delegated = await leader.post(`/api/v1/tasks/${task.id}/delegate`, { userId: 'xh.clerk2' });
      expect(delegated.body).toMatchObject({ assignee: 'xh.clerk2', owner: 'xh.clerk', delegationState: 'pending' });
      // a clerk who neither holds the task nor may reassign cannot delegate it
      expect(
        (await (await t.as('xh.surveyor')).post(`/api/v1/tasks/${task.id}/delegate`, { userId: 'xh.clerk' })).status,
      ).toBe(404);
      const reassigned = await leader.post(`/api/v1/tasks/${task.id}/assign`, { assignee: 'xh.clerk' });
      expect(reassigned.status, JSON.stringify(reassigned.body)).toBe(200);
      expect(reassigned.body).toMatchObject({ assignee: 'xh.clerk', owner: null, delegationState: null });
      expect((await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} })).status).toBe(200);
    });
  });

  describe('context', () => {
    it("shows the instance, diagram, history and the customer's bills, arrears and audit findings", async () => {
      const task = await newTask({ customerId, accountNo: 'XH7001', billId: billIds[1] });
      const leader = await t.as('xh.leader');
      const res = await leader.get(`/api/v1/tasks/${task.id}/context`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const c = res.body;
      expect(c.task.id).toBe(task.id);
      expect(c.instance).toMatchObject({
        id: task.instanceId,
        definitionKey: 'worklist_review',
        definitionName: 'Worklist review',
        version: 1,
      });
      expect(c.diagramXml).toContain('id="worklist_review"');
      expect(c.activeElementIds).toEqual(['review']);
      expect(c.history.map((h: { elementId: string }) => h.elementId)).toEqual(['start', 'review']);
      expect(c.history[1]).toMatchObject({ name: 'Review application', type: 'bpmn:UserTask', endedAt: null });
      expect(c.task).toMatchObject({ assignee: null, assigneeName: null });
      expect(c.customer).toMatchObject({
        id: customerId,
        accountNo: 'XH7001',
        name: '西湖印染厂',
        departmentName: '西湖区供电分公司',
        departmentNameEn: 'Xihu County Office',
        creditGrade: 'A',
        status: 'active',
      });
      expect(c.bills.map((b: { period: string }) => b.period)).toEqual(['2026-10', '2026-09']);
      expect(c.arrears).toMatchObject({ principal: '2000.50', oldest: '2026-09' });
      expect(c.auditFlags).toEqual([{ rule: 3, message: '电量突增 250%', details: { code: 'consumption-spike' } }]);
    });

    it('names who acted at each step: the starter, the completer, the holder; the engine did the rest', async () => {
      const { id } = await start(clerk, 'approval', {
        departmentId: 'ZJ-HZ-XH',
        businessKey: `APR-${randomUUID().slice(0, 8)}`,
        variables: { approved: true, amount: 5000, region: 'ZJ' },
      });
      const review = (await openTasks(clerk, id))[0]!;
      await clerk2.post(`/api/v1/tasks/${review.id}/claim`);
      expect((await clerk2.post(`/api/v1/tasks/${review.id}/complete`, { variables: {} })).status).toBe(200);
      const leader = await t.as('xh.leader');
      const approval = (await openTasks(leader, id)).find((x) => x.elementId === 'bigApproval')!;
      const who = async () =>
        (await leader.get(`/api/v1/tasks/${approval.id}/context`)).body.history.map(
          (h: { elementId: string; actor: string | null; actorName: string | null; automatic: boolean }) => [
            h.elementId,
            h.actor,
            h.actorName,
            h.automatic,
          ],
        );
      expect(await who()).toEqual([
        ['start', 'xh.clerk', '西湖业务受理员', false],
        ['review', 'xh.clerk2', '西湖业务受理员二', false],
        ['decide', null, null, true],
        ['bigApproval', null, null, false],
      ]);
      // once claimed, the open step is in its holder's hands
      await leader.post(`/api/v1/tasks/${approval.id}/claim`);
      expect((await who())[3]).toEqual(['bigApproval', 'xh.leader', '西湖班组长', false]);
      const context = (await leader.get(`/api/v1/tasks/${approval.id}/context`)).body;
      expect(context.task).toMatchObject({ assignee: 'xh.leader', assigneeName: '西湖班组长' });
    });

    it("leaves out what the viewer may not read (a clerk has no billing:read) and 404s another county's task", async () => {
      const task = await newTask({ customerId, billId: billIds[1] });
      const res = await clerk.get(`/api/v1/tasks/${task.id}/context`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const c = res.body;
      expect(c.customer.name).toBe('西湖印染厂');
      expect(c.bills).toBeUndefined();
      expect(c.arrears).toBeUndefined();
      expect(c.auditFlags).toBeUndefined();
      expect((await yhClerk.get(`/api/v1/tasks/${task.id}/context`)).status).toBe(404);
      const bare = await newTask();
      const plain = (await clerk.get(`/api/v1/tasks/${bare.id}/context`)).body;
      expect(plain.customer).toBeUndefined();
      expect(plain.instance.definitionKey).toBe('worklist_review');
    });
  });
});

/** The session cookie of a logged-in test client, for a raw fetch of a binary download. */
async function cookieOf(client: ApiClient): Promise<string> {
  return [...(client as unknown as { cookies: Map<string, string> }).cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}
