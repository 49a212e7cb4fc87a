import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { deploy, fixture, openTasks, start } from '../../support/workflow.js';

describe.each(BACKENDS)('tasks: claim, unclaim, complete, list (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let clerk2: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    await deploy(await t.as('designer'), fixture('user-task.gateway.bpmn'));
    clerk = await t.as('xh.clerk');
    clerk2 = await t.as('xh.clerk2');
  });
  afterAll(() => t?.close());

  async function newTask(variables: Record<string, unknown> = {}) {
    const { id } = await start(clerk, 'approval', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: `BK-${Math.random()}`,
      variables,
    });
    return (await openTasks(clerk, id))[0]!;
  }

  it('answers 409 with who holds the task, and when, to a second claimant; nothing changes', async () => {
    const task = await newTask();
    expect(task).toMatchObject({ assignee: null, assigneeName: null, completedByName: null });
    const claimed = (await clerk.post(`/api/v1/tasks/${task.id}/claim`)).body;
    expect(claimed).toMatchObject({ assignee: 'xh.clerk', assigneeName: '西湖业务受理员' });
    const second = await clerk2.post(`/api/v1/tasks/${task.id}/claim`);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      code: 'TASK_ALREADY_CLAIMED',
      assignee: 'xh.clerk',
      assigneeName: '西湖业务受理员',
    });
    expect(second.body.detail).toMatch(/claimed by xh\.clerk at \d{4}-/);
    expect((await clerk2.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({
      assignee: 'xh.clerk',
      assigneeName: '西湖业务受理员',
    }); // the worklist read (one ordered index scan per way of seeing a task) carries the name too
    const listed = await clerk2.get('/api/v1/tasks?assignee=xh.clerk&limit=200');
    expect(listed.body.items.find((x: { id: string }) => x.id === task.id)).toMatchObject({
      assigneeName: '西湖业务受理员',
    });
  });

  it("claiming one's own task again is harmless", async () => {
    const task = await newTask();
    await clerk.post(`/api/v1/tasks/${task.id}/claim`);
    expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
  });

  it('unclaims back to the candidates; only the holder can', async () => {
    const task = await newTask();
    await clerk.post(`/api/v1/tasks/${task.id}/claim`);
    expect((await clerk2.post(`/api/v1/tasks/${task.id}/unclaim`)).status).toBe(409);
    const released = await clerk.post(`/api/v1/tasks/${task.id}/unclaim`);
    expect(released.body).toMatchObject({ assignee: null, assigneeName: null });
    expect((await clerk2.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
  });

  it('completes once; a second completion is a 409 and changes nothing', async () => {
    const task = await newTask();
    await clerk.post(`/api/v1/tasks/${task.id}/claim`);
    const done = await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: { approved: false } });
    expect(done.body).toMatchObject({ instanceStatus: 'completed' });
    const again = await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: { approved: true } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('TASK_NOT_OPEN');
    const mine = await clerk.get('/api/v1/tasks?status=completed&completedBy=xh.clerk&sort=completed&order=desc');
    expect(mine.body.items.find((x: { id: string }) => x.id === task.id)).toMatchObject({
      completedBy: 'xh.clerk',
      completedByName: '西湖业务受理员',
    });
    expect((await clerk.get(`/api/v1/tasks/${task.id}`)).body.completedByName).toBe('西湖业务受理员');
    const instance = await clerk.get(`/api/v1/process-instances/${task.instanceId}`);
    expect(instance.body.variables.approved).toBe(false);
    expect(instance.body.history.filter((h: { elementId: string }) => h.elementId === 'review')[0]).toMatchObject({
      actor: 'xh.clerk',
      outcome: 'completed',
    });
  });

  it('refuses completion without a claim, and by someone who does not hold the task', async () => {
    const task = await newTask();
    expect((await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} })).body.code).toBe(
      'TASK_NOT_ASSIGNED_TO_YOU',
    );
    await clerk.post(`/api/v1/tasks/${task.id}/claim`);
    const other = await clerk2.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} });
    expect(other.status).toBe(409);
    expect((await clerk.get(`/api/v1/tasks/${task.id}`)).body.status).toBe('open');
  });

  it('lets exactly one of two concurrent completions through', async () => {
    const task = await newTask();
    await clerk.post(`/api/v1/tasks/${task.id}/claim`);
    const results = await Promise.all(
      [1, 2, 3].map(() => clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: { approved: false } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const history = (await clerk.get(`/api/v1/process-instances/${task.instanceId}`)).body.history;
    expect(history.filter((h: { elementId: string }) => h.elementId === 'rejectedEnd')).toHaveLength(1);
  });

  it('validates variables', async () => {
    const task = await newTask();
    await clerk.post(`/api/v1/tasks/${task.id}/claim`);
    const bad = await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: { 'not a name': 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toContain('variables');
  });

  it('filters, sorts and pages', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await newTask());
    const page1 = await clerk.get('/api/v1/tasks?elementId=review&unassigned=true&limit=2&sort=created&order=desc');
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.hasMore).toBe(true);
    expect(new Date(page1.body.items[0].createdAt) >= new Date(page1.body.items[1].createdAt)).toBe(true);
    const page2 = await clerk.get(
      '/api/v1/tasks?elementId=review&unassigned=true&limit=2&offset=2&sort=created&order=desc',
    );
    expect(page2.body.items[0].id).not.toBe(page1.body.items[1].id);
    const byKey = await clerk.get(`/api/v1/tasks?businessKey=${encodeURIComponent(created[0]!.businessKey as string)}`);
    expect(byKey.body.items.map((x: { id: string }) => x.id)).toEqual([created[0]!.id]);
    const due = await clerk.get(
      `/api/v1/tasks?dueBefore=${new Date(Date.now() + 4 * 86_400_000).toISOString()}&dueAfter=${new Date().toISOString()}&limit=200`,
    );
    expect(due.body.items.length).toBeGreaterThanOrEqual(5);
    expect((await clerk.get('/api/v1/tasks?sort=sideways')).status).toBe(400);
  });
});
