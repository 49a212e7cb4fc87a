import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { fixture, openTasks, start } from '../../support/workflow.js';

const CAMUNDA_XML = fixture('camunda-dialect.approval.bpmn');

describe.each(BACKENDS)('external names: Camunda 7 groups and users mapped to ours (%s)', (backend) => {
  let t: TestPlatform;
  let admin: ApiClient;
  let leader: ApiClient;
  let clerk: ApiClient;
  let clerk2: ApiClient;
  let meter: ApiClient;

  async function deployCamunda() {
    const res = await (await t.as('designer')).post('/api/v1/deployments', { xml: CAMUNDA_XML });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return (res.body.warnings as { code: string; params?: { value?: string } }[]).map(
      (w) => `${w.code}:${w.params?.value ?? ''}`,
    );
  }

  async function newInstance() {
    const { id } = await start(leader, 'camunda_dialect_approval', {
      departmentId: 'ZJ-HZ-XH',
      businessKey: `C7-${randomUUID().slice(0, 8)}`,
    });
    const tasks = await openTasks(leader, id);
    return { instanceId: id, task: tasks[0]! };
  }

  async function map(body: Record<string, string>) {
    const res = await admin.post('/api/v1/admin/external-names', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; tasksReassigned: number };
  }

  async function unassignedIds(client: ApiClient) {
    const res = await client.get('/api/v1/worklist?view=unassigned&limit=200');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.items as { id: string; unassigned: boolean }[]).map((i) => i.id);
  }

  async function claimableIds(client: ApiClient) {
    const res = await client.get('/api/v1/worklist?view=claimable&limit=200');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.items as { id: string }[]).map((i) => i.id);
  }

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    admin = await t.as('admin');
    leader = await t.as('xh.leader');
    clerk = await t.as('xh.clerk');
    clerk2 = await t.as('xh.clerk2');
    meter = await t.as('xh.meter');
  });
  afterAll(() => t?.close());

  it('an unmapped Camunda task deploys with warnings and waits, unassigned, for the team leader', async () => {
    // given
    const warnings = await deployCamunda();
    expect(warnings).toEqual(
      expect.arrayContaining(['user-task.unknown-group:management', 'user-task.unknown-user:demo']),
    );
    // when
    const { task } = await newInstance();
    // then
    const read = await leader.get(`/api/v1/tasks/${task.id}`);
    expect(read.body).toMatchObject({ candidateGroups: ['management'], unassigned: true });
    expect(await unassignedIds(leader)).toContain(task.id);
    expect((await leader.get('/api/v1/worklist/counts')).body.unassigned).toBeGreaterThan(0);
    expect((await clerk.get(`/api/v1/tasks/${task.id}`)).status).toBe(404);
    expect(await unassignedIds(clerk)).toEqual([]);
  });

  it('a mapping makes the open task and new ones visible and claimable to the mapped role and user', async () => {
    // given: a task opened before the mapping
    const before = await newInstance();
    // when
    const group = await map({ kind: 'group', externalName: 'management', roleCode: 'acceptance_clerk' });
    const user = await map({ kind: 'user', externalName: 'john', username: 'xh.meter' });
    // then
    const after = await newInstance();
    for (const { task } of [before, after]) {
      expect((await clerk.get(`/api/v1/tasks/${task.id}`)).body.unassigned).toBe(false);
      expect(await claimableIds(clerk)).toContain(task.id);
      expect(await claimableIds(meter)).toContain(task.id);
      expect(await unassignedIds(leader)).not.toContain(task.id);
    }
    expect((await clerk.post(`/api/v1/tasks/${before.task.id}/claim`)).status).toBe(200);
    expect((await meter.post(`/api/v1/tasks/${after.task.id}/claim`)).status).toBe(200);
    // a clerk of another county holds the role elsewhere: not theirs
    expect((await (await t.as('yh.clerk')).get(`/api/v1/tasks/${after.task.id}`)).status).toBe(404);
    await admin.delete(`/api/v1/admin/external-names/${group.id}`);
    await admin.delete(`/api/v1/admin/external-names/${user.id}`);
  });

  it('an assignee id mapped to a user is that user, for new tasks and for open ones when mapped later', async () => {
    // given: the approval step is worked through while `demo` and `management` map to nobody yet
    const group = await map({ kind: 'group', externalName: 'management', roleCode: 'acceptance_clerk' });
    const early = await newInstance();
    await clerk.post(`/api/v1/tasks/${early.task.id}/claim`);
    const done = await clerk.post(`/api/v1/tasks/${early.task.id}/complete`, {});
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const [waiting] = await openTasks(leader, early.instanceId);
    expect(waiting).toMatchObject({ elementId: 'prepare', assignee: 'demo', unassigned: true });
    expect(await unassignedIds(leader)).toContain(waiting!.id);
    // when
    const user = await map({ kind: 'user', externalName: 'demo', username: 'xh.clerk2' });
    // then: the open task is theirs, and so is the next one
    expect(user.tasksReassigned).toBeGreaterThanOrEqual(1);
    const mine = await clerk2.get('/api/v1/worklist?view=mine&limit=200');
    expect(mine.body.items.map((i: { id: string }) => i.id)).toContain(waiting!.id);
    const late = await newInstance();
    await clerk.post(`/api/v1/tasks/${late.task.id}/claim`);
    await clerk.post(`/api/v1/tasks/${late.task.id}/complete`, {});
    const [next] = await openTasks(clerk2, late.instanceId);
    expect(next).toMatchObject({ elementId: 'prepare', assignee: 'xh.clerk2', unassigned: false });
    const completed = await clerk2.post(`/api/v1/tasks/${next!.id}/complete`, {
      typedVariables: { transferred: { type: 'boolean', value: true } },
    });
    expect(completed.body.instanceStatus).toBe('completed');
    // and the deploy no longer warns about the mapped names
    const warnings = await deployCamunda();
    expect(warnings.filter((w) => /unknown-(group|user):(management|demo)$/.test(w))).toEqual([]);
    await admin.delete(`/api/v1/admin/external-names/${group.id}`);
  });

  it('removing a mapping takes the tasks back to the team leader as unassigned', async () => {
    // given
    const group = await map({ kind: 'group', externalName: 'management', roleCode: 'acceptance_clerk' });
    const { task } = await newInstance();
    expect(await claimableIds(clerk)).toContain(task.id);
    // when
    expect((await admin.delete(`/api/v1/admin/external-names/${group.id}`)).status).toBe(204);
    // then
    expect(await claimableIds(clerk)).not.toContain(task.id);
    expect(await unassignedIds(leader)).toContain(task.id);
    // the team leader hands it out with the reassign action
    const assigned = await leader.post(`/api/v1/tasks/${task.id}/assign`, { assignee: 'xh.clerk' });
    expect(assigned.body).toMatchObject({ assignee: 'xh.clerk', unassigned: false });
  });

  it('is for administrators only, validated, and audited', async () => {
    const body = { kind: 'group', externalName: 'accounting', roleCode: 'billing_auditor' };
    expect((await clerk.post('/api/v1/admin/external-names', body)).status).toBe(403);
    expect((await leader.get('/api/v1/admin/external-names')).status).toBe(403);
    const created = await map(body);
    expect((await admin.post('/api/v1/admin/external-names', body)).status).toBe(409);
    const refused = [
      { kind: 'group', externalName: 'team_leader', roleCode: 'billing_auditor' },
      { kind: 'group', externalName: 'sales', roleCode: 'no_such_role' },
      { kind: 'user', externalName: 'xh.clerk', username: 'xh.clerk2' },
      { kind: 'user', externalName: 'mary', username: 'nobody' },
      { kind: 'group', externalName: 'two words', roleCode: 'billing_auditor' },
    ];
    for (const bad of refused) {
      const res = await admin.post('/api/v1/admin/external-names', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.errors[0].field).toMatch(/^body\./);
    }
    const list = await admin.get('/api/v1/admin/external-names');
    expect(list.body.items).toContainEqual(
      expect.objectContaining({ externalName: 'accounting', roleCode: 'billing_auditor', kind: 'group' }),
    );
    expect((await clerk.delete(`/api/v1/admin/external-names/${created.id}`)).status).toBe(403);
    expect((await admin.delete(`/api/v1/admin/external-names/${created.id}`)).status).toBe(204);
    const audit = await admin.get(`/api/v1/admin/audit-log?objectId=${created.id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
      'external-name.create',
      'external-name.delete',
    ]);
  });
});
