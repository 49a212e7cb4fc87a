import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { start } from '../../support/workflow.js';
import { deployWithForms } from './support.js';

interface Item {
  id: string;
  name: string;
  elementId: string;
  definitionKey: string;
  definitionName: string;
  businessKey: string;
  customerName: string | null;
  departmentId: string;
  departmentName: string;
  priority: number;
  assignee: string | null;
  completedBy: string | null;
  instanceId: string;
}

describe.each(BACKENDS)('GET /worklist, counts and saved filters (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  const customers = { xh: randomUUID(), yh: randomUUID(), teahouse: randomUUID() };

  async function list(client: ApiClient, query: string) {
    const res = await client.get(`/api/v1/worklist?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: Item[]; total: number; totalCapped: boolean; hasMore: boolean };
  }
  const keys = (page: { items: Item[] }) => page.items.map((i) => i.businessKey).sort();

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    const designer = await t.as('designer');
    await deployWithForms(designer, 'worklist.review.bpmn');
    await deployWithForms(designer, 'worklist.named-candidate.bpmn');
    await t.platform.db('customers').insert([
      {
        id: customers.xh,
        account_no: 'XH0001',
        name: '张三丰电器厂',
        department_id: 'ZJ-HZ-XH',
        elec_type_code: '200',
      },
      {
        id: customers.teahouse,
        account_no: 'XH0002',
        name: '西湖茶楼',
        department_id: 'ZJ-HZ-XH',
        elec_type_code: '200',
      },
      { id: customers.yh, account_no: 'YH0001', name: '余杭张记', department_id: 'ZJ-HZ-YH', elec_type_code: '200' },
    ]);
    clerk = await t.as('xh.clerk');
    const xh = { departmentId: 'ZJ-HZ-XH' };
    await start(clerk, 'worklist_review', {
      ...xh,
      businessKey: 'APP-XH-001',
      variables: { customerId: customers.xh, accountNo: 'XH0001' },
    });
    await start(clerk, 'worklist_review', { ...xh, businessKey: 'APP-XH-002', variables: { accountNo: 'XH0002' } });
    await start(clerk, 'worklist_review', { ...xh, businessKey: 'APP-XH-003' });
    await start(clerk, 'worklist_named', { ...xh, businessKey: 'SURVEY-1' });
    await start(await t.as('yh.clerk'), 'worklist_review', {
      departmentId: 'ZJ-HZ-YH',
      businessKey: 'APP-YH-001',
      variables: { customerId: customers.yh },
    });
  });
  afterAll(() => t?.close());

  it('lists the tasks a clerk may claim in their county, with customer, definition and department names', async () => {
    const page = await list(clerk, 'view=claimable');
    expect(keys(page)).toEqual(['APP-XH-001', 'APP-XH-002', 'APP-XH-003']);
    expect(page.total).toBe(3);
    expect(page.totalCapped).toBe(false);
    const first = page.items.find((i) => i.businessKey === 'APP-XH-001')!;
    expect(first).toMatchObject({
      name: 'Review application',
      elementId: 'review',
      definitionKey: 'worklist_review',
      definitionName: 'Worklist review',
      customerName: '张三丰电器厂',
      departmentId: 'ZJ-HZ-XH',
      departmentName: '西湖区供电分公司',
      departmentNameEn: 'Xihu County Office',
      priority: 60,
      assignee: null,
    });
    // Linked by account number only.
    expect(page.items.find((i) => i.businessKey === 'APP-XH-002')!.customerName).toBe('西湖茶楼');
  });

  it("never shows another county's tasks; a named candidate sees tasks offered to them only", async () => {
    expect(keys(await list(await t.as('yh.clerk'), 'view=claimable'))).toEqual(['APP-YH-001']);
    expect(keys(await list(await t.as('xh.surveyor'), 'view=claimable'))).toEqual(['SURVEY-1']);
    expect(keys(await list(await t.as('jn.clerk'), 'view=claimable'))).toEqual([]);
  });

  it('searches business keys and customer names, within what the caller may see', async () => {
    expect(keys(await list(clerk, 'view=claimable&q=%E5%BC%A0'))).toEqual(['APP-XH-001']); // 张
    expect(keys(await list(clerk, 'view=claimable&q=xh-002'))).toEqual(['APP-XH-002']);
    expect(keys(await list(clerk, 'view=claimable&q=%E8%8C%B6%E6%A5%BC'))).toEqual(['APP-XH-002']); // 茶楼
    expect(keys(await list(clerk, 'view=claimable&q=100%25'))).toEqual([]);
    expect(keys(await list(await t.as('yh.clerk'), 'view=claimable&q=%E5%BC%A0'))).toEqual(['APP-YH-001']);
  });

  it('filters by customer, definition, element, priority, due date and department; sorts', async () => {
    expect(keys(await list(clerk, `view=claimable&customer=${customers.xh}`))).toEqual(['APP-XH-001']);
    expect(keys(await list(clerk, 'view=claimable&customer=XH0002'))).toEqual(['APP-XH-002']);
    const surveyor = await t.as('xh.surveyor');
    expect(keys(await list(surveyor, 'view=claimable&minPriority=90'))).toEqual(['SURVEY-1']);
    expect(keys(await list(clerk, 'view=claimable&minPriority=61'))).toEqual([]);
    expect((await list(clerk, 'view=claimable&definitionKey=worklist_review&elementId=review')).total).toBe(3);
    expect((await list(clerk, 'view=claimable&elementId=approve')).total).toBe(0);
    const soon = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const later = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
    expect((await list(clerk, `view=claimable&dueTo=${soon}`)).total).toBe(0);
    expect((await list(clerk, `view=claimable&dueFrom=${soon}&dueTo=${later}`)).total).toBe(3);
    expect((await list(clerk, 'view=claimable&departmentId=ZJ-HZ-YH')).total).toBe(0);
    expect((await list(clerk, 'view=claimable&departmentId=ZJ-HZ')).total).toBe(3);
    const paged = await list(clerk, 'view=claimable&sort=created&order=desc&limit=2');
    expect(paged.items.map((i) => i.businessKey)).toEqual(['APP-XH-003', 'APP-XH-002']);
    expect(paged).toMatchObject({ total: 3, hasMore: true });
  });

  it('moves a task from claimable to mine to completed, and counts each', async () => {
    const clerk2 = await t.as('xh.clerk2');
    const before = (await clerk2.get('/api/v1/worklist/counts')).body;
    expect(before).toMatchObject({ mine: 0, claimable: 3, completed: 0 });
    const task = (await list(clerk2, 'view=claimable&q=APP-XH-003')).items[0]!;
    expect((await clerk2.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    const mine = await list(clerk2, 'view=mine');
    expect(keys(mine)).toEqual(['APP-XH-003']);
    expect(mine.items[0]).toMatchObject({ assignee: 'xh.clerk2', assigneeName: '西湖业务受理员二' });
    expect(keys(await list(clerk2, 'view=claimable'))).toEqual(['APP-XH-001', 'APP-XH-002']);
    expect((await clerk2.get('/api/v1/worklist/counts')).body).toMatchObject({ mine: 1, claimable: 2, completed: 0 });
    expect((await clerk2.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} })).status).toBe(200);
    const done = await list(clerk2, 'view=completed');
    expect(done.items).toHaveLength(1);
    expect(done.items[0]).toMatchObject({
      id: task.id,
      completedBy: 'xh.clerk2',
      completedByName: '西湖业务受理员二',
      businessKey: 'APP-XH-003',
    });
    expect((await clerk2.get('/api/v1/worklist/counts')).body).toMatchObject({ mine: 0, claimable: 2, completed: 1 });
    // The next step is the team leader's; the clerk does not get it.
    expect(keys(await list(await t.as('xh.leader'), 'view=claimable&elementId=approve'))).toEqual(['APP-XH-003']);
    expect(keys(await list(clerk, 'view=completed'))).toEqual([]);
  });

  it('answers 400 with field details for bad queries, 401 without a session', async () => {
    const bad = await clerk.get('/api/v1/worklist?view=everything&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((d: { field: string }) => d.field).sort()).toEqual(['query.limit', 'query.view']);
    const dates = await clerk.get('/api/v1/worklist?dueFrom=2026-02-01&dueTo=2026-01-01');
    expect(dates.status).toBe(400);
    expect(dates.body.errors[0].field).toBe('query.dueFrom');
    expect((await clerk.get('/api/v1/worklist?departmentId=NOWHERE')).status).toBe(400);
    expect((await clerk.get('/api/v1/worklist?dueFrom=yesterday')).status).toBe(400);
    const unfiltered = (await clerk.get('/api/v1/worklist?view=claimable')).body.total;
    expect((await clerk.get('/api/v1/worklist?view=claimable&dueFrom=&dueTo=')).body.total).toBe(unfiltered);
    expect((await t.anonymous().get('/api/v1/worklist')).status).toBe(401);
    expect((await t.anonymous().get('/api/v1/worklist/counts')).status).toBe(401);
  });

  describe('saved filters', () => {
    const criteria = { view: 'claimable', q: 'APP', sort: 'due', order: 'asc' };

    it('keeps personal filters to their owner', async () => {
      const saved = await clerk.post('/api/v1/worklist/filters', { name: '我的申请', criteria });
      expect(saved.status, JSON.stringify(saved.body)).toBe(201);
      expect(saved.body).toMatchObject({ name: '我的申请', scope: 'personal', owner: 'xh.clerk', criteria });
      const cleared = await clerk.post('/api/v1/worklist/filters', {
        name: 'cleared dates',
        criteria: { ...criteria, dueFrom: '', dueTo: '' },
      });
      expect(cleared.status, JSON.stringify(cleared.body)).toBe(201);
      expect((await clerk.delete(`/api/v1/worklist/filters/${cleared.body.id}`)).status).toBe(204);
      // every tab the list takes may be saved, the unassigned one included
      const unassigned = await clerk.post('/api/v1/worklist/filters', {
        name: 'unassigned',
        criteria: { view: 'unassigned' },
      });
      expect(unassigned.status, JSON.stringify(unassigned.body)).toBe(201);
      expect(unassigned.body.criteria).toEqual({ view: 'unassigned' });
      expect((await clerk.delete(`/api/v1/worklist/filters/${unassigned.body.id}`)).status).toBe(204);
      const mine = (await clerk.get('/api/v1/worklist/filters')).body.items.map((f: { id: string }) => f.id);
      expect(mine).toContain(saved.body.id);
      const others = (await (await t.as('xh.clerk2')).get('/api/v1/worklist/filters')).body.items;
      expect(others.map((f: { id: string }) => f.id)).not.toContain(saved.body.id);
      expect((await (await t.as('xh.clerk2')).delete(`/api/v1/worklist/filters/${saved.body.id}`)).status).toBe(404);
      expect((await clerk.delete(`/api/v1/worklist/filters/${saved.body.id}`)).status).toBe(204);
      expect((await clerk.get('/api/v1/worklist/filters')).body.items).toHaveLength(0);
    });

    it("shares department filters with the department's subtree; only leaders may share", async () => {
      const refused = await clerk.post('/api/v1/worklist/filters', {
        name: 'shared',
        scope: 'department',
        departmentId: 'ZJ-HZ-XH',
        criteria,
      });
      expect(refused.status).toBe(403);
      const leader = await t.as('xh.leader');
      expect(
        (
          await leader.post('/api/v1/worklist/filters', {
            name: 'other county',
            scope: 'department',
            departmentId: 'ZJ-HZ-YH',
            criteria,
          })
        ).status,
      ).toBe(403);
      const shared = await leader.post('/api/v1/worklist/filters', {
        name: '本周到期',
        scope: 'department',
        departmentId: 'ZJ-HZ-XH',
        criteria,
      });
      expect(shared.status, JSON.stringify(shared.body)).toBe(201);
      const seen = async (username: string) =>
        ((await (await t.as(username)).get('/api/v1/worklist/filters')).body.items as { id: string }[]).map(
          (f) => f.id,
        );
      expect(await seen('xh.clerk2')).toContain(shared.body.id);
      expect(await seen('yh.clerk')).not.toContain(shared.body.id);
      expect((await (await t.as('xh.clerk2')).delete(`/api/v1/worklist/filters/${shared.body.id}`)).status).toBe(403);
      expect(await seen('xh.clerk2')).toContain(shared.body.id);
    });

    it('validates criteria with the list query schema and changes nothing', async () => {
      const bad = await clerk.post('/api/v1/worklist/filters', {
        name: 'bad',
        criteria: { view: 'everything', minPriority: 'high' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((d: { field: string }) => d.field).sort()).toEqual([
        'body.criteria.minPriority',
        'body.criteria.view',
      ]);
      const noDepartment = await clerk.post('/api/v1/worklist/filters', { name: 'x', scope: 'department', criteria });
      expect(noDepartment.status).toBe(400);
      expect(noDepartment.body.errors[0].field).toBe('body.departmentId');
      expect(
        (await clerk.get('/api/v1/worklist/filters')).body.items.filter(
          (f: { owner: string }) => f.owner === 'xh.clerk',
        ),
      ).toEqual([]);
    });
  });
});
