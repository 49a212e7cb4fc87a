import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { completeAt, deploy, fixture, instance, openTasks, start } from '../../support/workflow.js';

describe.each(BACKENDS)('BPMN elements through the API (%s)', (backend) => {
  let t: TestPlatform;
  let designer: ApiClient;
  let clerk: ApiClient;
  let leader: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    designer = await t.as('designer');
    clerk = await t.as('xh.clerk');
    leader = await t.as('xh.leader');
    admin = await t.as('admin');
    for (const file of [
      'user-task.gateway.bpmn',
      'parallel.split-join.bpmn',
      'subprocess.error-boundary.bpmn',
      'timer.intermediate.bpmn',
      'timer-boundary.escalates.bpmn',
      'message.catch-and-boundary.bpmn',
      'multi-instance.parallel.bpmn',
      'multi-instance.sequential.bpmn',
      'call-activity.child.bpmn',
      'call-activity.parent.bpmn',
      'terminate.end.bpmn',
    ]) {
      await deploy(designer, fixture(file));
    }
  });
  afterAll(() => t?.close());

  const startIn = (key: string, variables: Record<string, unknown> = {}) =>
    start(clerk, key, { departmentId: 'ZJ-HZ-XH', businessKey: `BK-${key}-${Math.random()}`, variables });

  describe('user task and exclusive gateway', () => {
    it('creates a task row from the camunda attributes', async () => {
      const { id } = await startIn('approval');
      const [task] = await openTasks(clerk, id);
      expect(task).toMatchObject({
        elementId: 'review',
        name: 'Review application',
        candidateGroups: ['acceptance_clerk'],
        formKey: 'generic.task',
        priority: 70,
        departmentId: 'ZJ-HZ-XH',
        assignee: null,
      });
      const due = new Date(task!.dueAt as string).getTime() - new Date(task!.createdAt as string).getTime();
      expect(Math.round(due / 86_400_000)).toBe(3);
      expect(task!.followUpAt).toBeTruthy();
    });

    it.each([
      ['a Camunda compound condition', { approved: true, amount: 5000, region: 'ZJ' }, 'bigApproval'],
      ['an engine-style condition', { approved: true, amount: 50, region: 'ZJ' }, 'approvedEnd'],
      ['the default flow', { approved: false, amount: 5000, region: 'ZJ' }, 'rejectedEnd'],
    ])('routes by %s', async (_, variables, target) => {
      const { id } = await startIn('approval');
      await completeAt(clerk, id, 'review', variables);
      const after = await instance(clerk, id);
      const taken = after.history.map((h: { elementId: string }) => h.elementId);
      expect(taken).toContain(target);
      expect(after.status).toBe(target === 'bigApproval' ? 'running' : 'completed');
      expect(after.variables).toMatchObject(variables);
    });
  });

  it('joins parallel branches only when both are done', async () => {
    const { id } = await startIn('parallel');
    expect((await openTasks(clerk, id)).map((x) => x.elementId).sort()).toEqual(['a', 'b']);
    await completeAt(clerk, id, 'a');
    expect((await openTasks(clerk, id)).map((x) => x.elementId)).toEqual(['b']);
    await completeAt(clerk, id, 'b');
    expect((await openTasks(clerk, id)).map((x) => x.elementId)).toEqual(['after']);
  });

  describe('embedded subprocess with error end and error boundary', () => {
    it('leaves the subprocess normally when documents are complete', async () => {
      const { id } = await startIn('subprocess');
      await completeAt(clerk, id, 'check', { complete: true });
      const after = await instance(clerk, id);
      expect(after.status).toBe('completed');
      expect(after.history.map((h: { elementId: string }) => h.elementId)).toContain('accepted');
    });

    it('catches the error thrown by the end event inside the subprocess', async () => {
      const { id } = await startIn('subprocess');
      await completeAt(clerk, id, 'check', { complete: false });
      expect((await openTasks(clerk, id)).map((x) => x.elementId)).toEqual(['notify']);
      const after = await instance(clerk, id);
      expect(after.history.find((h: { elementId: string }) => h.elementId === 'sub').outcome).toBe('interrupted');
    });
  });

  it('waits at an intermediate timer as a job and continues when it fires', async () => {
    const { id } = await startIn('waitTimer', { waitFor: 'PT2H' });
    const before = await instance(clerk, id);
    const timer = before.waitingActivities.find((w: { kind: string }) => w.kind === 'timer');
    expect(timer.elementId).toBe('wait');
    const dueIn = new Date(timer.dueAt).getTime() - Date.now();
    expect(dueIn).toBeGreaterThan(119 * 60_000);
    expect(dueIn).toBeLessThan(121 * 60_000);
    const jobs = await leader.get(`/api/v1/jobs?instanceId=${id}`);
    expect(jobs.body.items).toHaveLength(1);
    expect((await admin.post(`/api/v1/jobs/${jobs.body.items[0].id}/execute`)).status).toBe(204);
    expect((await openTasks(clerk, id)).map((x) => x.elementId)).toEqual(['after']);
    expect((await leader.get(`/api/v1/jobs?instanceId=${id}`)).body.items).toHaveLength(0);
  });

  describe('boundary timers', () => {
    it('keeps the task when the non-interrupting timer fires, and removes both timers when it is done', async () => {
      const { id } = await startIn('escalation');
      const jobs = (await leader.get(`/api/v1/jobs?instanceId=${id}`)).body.items as {
        id: string;
        elementId: string;
      }[];
      expect(jobs.map((j) => j.elementId).sort()).toEqual(['overdue', 'remind']);
      expect((await admin.post(`/api/v1/jobs/${jobs.find((j) => j.elementId === 'remind')!.id}/execute`)).status).toBe(
        204,
      );
      const tasks = (await openTasks(leader, id)).map((x) => x.elementId).sort();
      expect(tasks).toEqual(['reminder', 'work']);
      await completeAt(clerk, id, 'work');
      expect((await leader.get(`/api/v1/jobs?instanceId=${id}`)).body.items).toHaveLength(0);
    });

    it('cancels the task when the interrupting timer fires and escalates to the team leader', async () => {
      const { id } = await startIn('escalation');
      const jobs = (await leader.get(`/api/v1/jobs?instanceId=${id}`)).body.items as {
        id: string;
        elementId: string;
      }[];
      expect((await admin.post(`/api/v1/jobs/${jobs.find((j) => j.elementId === 'overdue')!.id}/execute`)).status).toBe(
        204,
      );
      const tasks = await openTasks(leader, id);
      expect(tasks.map((x) => x.elementId)).toEqual(['escalated']);
      expect(tasks[0]!.candidateGroups).toEqual(['team_leader']);
      const cancelled = await leader.get(`/api/v1/tasks?instanceId=${id}&status=cancelled`);
      expect(cancelled.body.items.map((x: { elementId: string }) => x.elementId)).toEqual(['work']);
      expect((await leader.get(`/api/v1/jobs?instanceId=${id}`)).body.items).toHaveLength(0);
    });
  });

  describe('messages', () => {
    it('continues at an intermediate catch event and ends through a message boundary event', async () => {
      const businessKey = `ACC-${Math.random()}`;
      const { id } = await start(clerk, 'collection', { departmentId: 'ZJ-HZ-XH', businessKey });
      const collector = await t.as('xh.collector');
      expect((await collector.post('/api/v1/messages', { name: 'documentsReceived', businessKey })).body).toMatchObject(
        { resultType: 'delivered', instanceId: id, elementId: 'waitDocs' },
      );
      expect((await openTasks(collector, id)).map((x) => x.elementId)).toEqual(['remind']);
      const paid = await collector.post('/api/v1/messages', {
        name: 'paymentReceived',
        businessKey,
        variables: { paidAmount: 197.2 },
      });
      expect(paid.body).toMatchObject({ resultType: 'delivered', elementId: 'paid' });
      const after = await instance(collector, id);
      expect(after.status).toBe('completed');
      expect(after.variables.paidAmount).toBe(197.2);
      expect(after.history.map((h: { elementId: string }) => h.elementId)).toContain('paidEnd');
      expect(await openTasks(collector, id)).toHaveLength(0);
    });
  });

  describe('multi-instance user tasks', () => {
    it('creates one task per item in parallel, each with its element variable', async () => {
      const { id } = await startIn('miParallel', { inspectors: ['xh.meter', 'xh.leader'] });
      const tasks = await openTasks(leader, id);
      expect(tasks.map((x) => x.assignee).sort()).toEqual(['xh.leader', 'xh.meter']);
      expect(tasks.map((x) => x.locals?.item).sort()).toEqual(['xh.leader', 'xh.meter']);
      const meter = await t.as('xh.meter');
      const mine = tasks.find((x) => x.assignee === 'xh.meter')!;
      expect((await meter.post(`/api/v1/tasks/${mine.id}/complete`, { variables: {} })).status).toBe(200);
      expect((await instance(leader, id)).status).toBe('running');
      const theirs = tasks.find((x) => x.assignee === 'xh.leader')!;
      expect((await leader.post(`/api/v1/tasks/${theirs.id}/complete`, { variables: {} })).status).toBe(200);
      expect((await instance(leader, id)).status).toBe('completed');
    });

    it('creates the tasks one after another when sequential', async () => {
      const { id } = await startIn('miSequential', { signers: ['first', 'second', 'third'] });
      const seen: unknown[] = [];
      for (let i = 0; i < 3; i++) {
        const tasks = await openTasks(clerk, id);
        expect(tasks).toHaveLength(1);
        seen.push(tasks[0]!.locals?.signer);
        await completeAt(clerk, id, 'sign');
      }
      expect(seen).toEqual(['first', 'second', 'third']);
      expect((await instance(clerk, id)).status).toBe('completed');
    });
  });

  it('runs a call activity as a child instance and continues the parent when it ends', async () => {
    const { id } = await startIn('parent', { customer: 'C-1' });
    const parent = await instance(clerk, id);
    expect(parent.children).toHaveLength(1);
    const childId = parent.children[0].id;
    const child = await instance(clerk, childId);
    expect(child).toMatchObject({ definitionKey: 'child', parentInstanceId: id, departmentId: 'ZJ-HZ-XH' });
    expect(child.variables.customer).toBe('C-1');
    await completeAt(clerk, childId, 'childTask', { childResult: 42 });
    await eventually(
      async () => (await openTasks(clerk, id)).some((x) => x.elementId === 'afterChild'),
      5000,
      'parent to continue',
    );
    expect((await instance(clerk, id)).variables.childResult).toBe(42);
  });

  it('ends the whole instance at a terminate end event, cancelling open tasks', async () => {
    const { id } = await startIn('terminate');
    await completeAt(clerk, id, 'stop');
    const after = await instance(clerk, id);
    expect(after.status).toBe('completed');
    expect(await openTasks(clerk, id)).toHaveLength(0);
    const cancelled = await clerk.get(`/api/v1/tasks?instanceId=${id}&status=cancelled`);
    expect(cancelled.body.items.map((x: { elementId: string }) => x.elementId)).toEqual(['slow']);
  });
});
