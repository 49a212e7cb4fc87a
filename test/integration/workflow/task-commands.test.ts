import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { deploy, openTasks, start } from '../../support/workflow.js';
import { Visibility } from '../../../server/workflow/visibility.js';
import type { Actor } from '../../../server/lib/actor.js';

/** Two user tasks of one instance waiting at once (a parallel split), joined before the end. */
const PARALLEL = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <process id="taskCommandsParallel" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="split" />
    <parallelGateway id="split" />
    <sequenceFlow id="f2" sourceRef="split" targetRef="left" />
    <sequenceFlow id="f3" sourceRef="split" targetRef="right" />
    <userTask id="left" camunda:candidateGroups="acceptance_clerk" />
    <userTask id="right" camunda:candidateGroups="acceptance_clerk" />
    <sequenceFlow id="f4" sourceRef="left" targetRef="join" />
    <sequenceFlow id="f5" sourceRef="right" targetRef="join" />
    <parallelGateway id="join" />
    <sequenceFlow id="f6" sourceRef="join" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;

/**
 * Claims, releases and completions decided on a row read once (claims and releases as one guarded
 * statement, completions under one lock of instance and task): under concurrency exactly one of
 * racing commands wins, none deadlocks, and the log records only what happened.
 */
describe.each(BACKENDS)('task commands under concurrency (%s)', (backend) => {
  let t: TestPlatform;
  let clerk: ApiClient;
  let clerk2: ApiClient;
  let admin: ApiClient;

  // the first start of a run builds the embedded database's snapshot: minutes on a busy machine
  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    await deploy(await t.as('designer'), PARALLEL);
    clerk = await t.as('xh.clerk');
    clerk2 = await t.as('xh.clerk2');
    admin = await t.as('admin');
  }, 300_000);
  afterAll(() => t?.close());

  async function parallelTasks() {
    const { id } = await start(clerk, 'taskCommandsParallel', { departmentId: 'ZJ-HZ-XH' });
    const tasks = await openTasks(clerk, id);
    expect(tasks).toHaveLength(2);
    return { instanceId: id, tasks };
  }

  async function logged(taskId: string, operation: string): Promise<number> {
    const rows = await t.database
      .db('operation_log')
      .where({ task_id: taskId, operation })
      .count<{ n: number }[]>('* as n');
    return Number(rows[0]?.n ?? 0);
  }

  it('lets one of two clerks claiming the same task at once hold it; the other hears who does', async () => {
    // given an open task both clerks may claim
    const { tasks } = await parallelTasks();
    const task = tasks[0]!;
    // when both claim it at the same moment
    const [a, b] = await Promise.all([
      clerk.post(`/api/v1/tasks/${task.id}/claim`),
      clerk2.post(`/api/v1/tasks/${task.id}/claim`),
    ]);
    // then exactly one holds it, the other is told it is taken, and one claim is recorded
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 200 ? a : b;
    expect(loser.body.code).toBe('TASK_ALREADY_CLAIMED');
    expect(loser.body.assignee).toBe(winner.body.assignee);
    expect((await clerk.get(`/api/v1/tasks/${task.id}`)).body.assignee).toBe(winner.body.assignee);
    expect(await logged(task.id, 'claim')).toBe(1);
  });

  it('answers a claim of a task one already holds with the task, unchanged and unlogged', async () => {
    const { tasks } = await parallelTasks();
    const task = tasks[0]!;
    const first = await clerk.post(`/api/v1/tasks/${task.id}/claim`);
    const again = await clerk.post(`/api/v1/tasks/${task.id}/claim`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.body).toMatchObject({ assignee: 'xh.clerk', assigneeName: '西湖业务受理员', unassigned: false });
    expect(await logged(task.id, 'claim')).toBe(1);
  });

  it('completes both tasks of one instance at once without a deadlock, and the instance ends once', async () => {
    // given two tasks of one instance, each held by another clerk
    const { instanceId, tasks } = await parallelTasks();
    const left = tasks[0]!;
    const right = tasks[1]!;
    expect((await clerk.post(`/api/v1/tasks/${left.id}/claim`)).status).toBe(200);
    expect((await clerk2.post(`/api/v1/tasks/${right.id}/claim`)).status).toBe(200);
    // when both complete at the same moment, each twice
    const results = await Promise.all([
      clerk.post(`/api/v1/tasks/${left.id}/complete`, { variables: { left: 1 } }),
      clerk2.post(`/api/v1/tasks/${right.id}/complete`, { variables: { right: 1 } }),
      clerk.post(`/api/v1/tasks/${left.id}/complete`, { variables: { left: 2 } }),
      clerk2.post(`/api/v1/tasks/${right.id}/complete`, { variables: { right: 2 } }),
    ]);
    // then each task is completed exactly once, the other attempt is a 409, and the instance has ended
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 409, 409]);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.code).toBe('TASK_NOT_OPEN');
    expect(await logged(left.id, 'complete')).toBe(1);
    expect(await logged(right.id, 'complete')).toBe(1);
    const instance = await clerk.get(`/api/v1/process-instances/${instanceId}`);
    expect(instance.body.status).toBe('completed');
  });

  it('lets a completion and a release racing on one task end in one consistent state', async () => {
    const { tasks } = await parallelTasks();
    const task = tasks[0]!;
    expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    const [completion, release] = await Promise.all([
      clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} }),
      clerk.post(`/api/v1/tasks/${task.id}/unclaim`),
    ]);
    const row = await t.database.db('tasks').where({ id: task.id }).first('status', 'assignee');
    if (completion.status === 200) {
      // the release came second: the task is no longer open
      expect(release.status).toBe(409);
      expect(release.body.code).toBe('TASK_NOT_OPEN');
      expect(row).toMatchObject({ status: 'completed', assignee: 'xh.clerk' });
    } else {
      // the release came first: the completion finds the task held by nobody
      expect(release.status).toBe(200);
      expect(completion.body.code).toBe('TASK_NOT_ASSIGNED_TO_YOU');
      expect(row).toMatchObject({ status: 'open', assignee: null });
    }
  });

  it('decides who may do what once per request: a role taken away applies on the very next request', async () => {
    // given a task the clerk sees as a candidate of its group
    const { tasks } = await parallelTasks();
    const task = tasks[0]!;
    expect((await clerk.get(`/api/v1/tasks/${task.id}`)).status).toBe(200);
    const me = (await clerk.get('/api/v1/auth/me')).body as { id: string };
    // when an administrator takes the clerk's role away
    const removed = await admin.delete(`/api/v1/admin/users/${me.id}/roles`, {
      role: 'acceptance_clerk',
      departmentId: 'ZJ-HZ-XH',
    });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    // then the clerk's next request may neither read nor claim tasks (it holds no role at all now)
    expect((await clerk.get(`/api/v1/tasks/${task.id}`)).status).toBe(403);
    expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(403);
    // and once it is given back, the next request sees and claims it again
    const given = await admin.post(`/api/v1/admin/users/${me.id}/roles`, {
      role: 'acceptance_clerk',
      departmentId: 'ZJ-HZ-XH',
    });
    expect(given.status, JSON.stringify(given.body)).toBe(201);
    expect((await clerk.get(`/api/v1/tasks/${task.id}`)).status).toBe(200);
    expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
  });

  it('compiles an access rule once per actor object, and afresh for the next request and after a policy reload', async () => {
    const authorization = t.platform.services.authorization;
    const visibility = new Visibility(authorization);
    const actor = (): Actor => ({
      id: 'x',
      kind: 'user',
      username: 'nobody',
      displayName: 'Nobody',
      departmentId: 'ZJ-HZ-XH',
      roles: [],
    });
    const one = actor();
    // within one request (one actor object) the rule is the same object
    const first = await visibility.taskVisible(one);
    expect(await visibility.taskVisible(one)).toBe(first);
    // another request (another actor object) compiles its own
    expect(await visibility.taskVisible(actor())).not.toBe(first);
    // a reloaded policy compiles afresh even for the same actor object
    await t.database.db('permission_versions').where({ id: 1 }).increment('version', 1);
    await authorization.ensure(await authorization.currentVersion());
    expect(await visibility.taskVisible(one)).not.toBe(first);
  });

  it('keeps completing tasks after a migration adds columns to the instance and task tables', async () => {
    // given connections that already ran the completion's prepared lock statement
    const complete = async () => {
      const { tasks } = await parallelTasks();
      for (const task of tasks) {
        expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
        const done = await clerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: {} });
        expect(done.status, JSON.stringify(done.body)).toBe(200);
      }
    };
    await complete();
    // when another node's migration adds a column to both tables
    await t.database.db.raw('ALTER TABLE process_instances ADD COLUMN added_by_a_later_release text');
    await t.database.db.raw('ALTER TABLE tasks ADD COLUMN added_by_a_later_release text');
    try {
      // then the same connections complete the next tasks as before (a statement that read `*`
      // would fail with "cached plan must not change result type")
      for (let i = 0; i < 3; i++) await complete();
    } finally {
      await t.database.db.raw('ALTER TABLE process_instances DROP COLUMN added_by_a_later_release');
      await t.database.db.raw('ALTER TABLE tasks DROP COLUMN added_by_a_later_release');
    }
  });
});
