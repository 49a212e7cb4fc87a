import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { deploy, fixture, openTasks, start } from '../../support/workflow.js';

describe.each(BACKENDS)('permissions on rows and routes (%s)', (backend) => {
  let t: TestPlatform;
  let xhClerk: ApiClient;
  let yhClerk: ApiClient;
  let admin: ApiClient;
  let xhTask: { id: string; instanceId: string };

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    await deploy(await t.as('designer'), fixture('user-task.gateway.bpmn'));
    xhClerk = await t.as('xh.clerk');
    yhClerk = await t.as('yh.clerk');
    admin = await t.as('admin');
    const { id } = await start(xhClerk, 'approval', { businessKey: 'XH-1' });
    xhTask = (await openTasks(xhClerk, id))[0] as typeof xhTask;
  });
  afterAll(() => t?.close());

  it("starts an instance in the starter's own department by default", async () => {
    const instance = await xhClerk.get(`/api/v1/process-instances/${xhTask.instanceId}`);
    expect(instance.body.departmentId).toBe('ZJ-HZ-XH');
  });

  it("answers 404, not 403, to a county user reaching for a sibling county's task or instance by id", async () => {
    expect((await yhClerk.get(`/api/v1/tasks/${xhTask.id}`)).status).toBe(404);
    expect((await yhClerk.get(`/api/v1/process-instances/${xhTask.instanceId}`)).status).toBe(404);
    expect((await yhClerk.get('/api/v1/tasks')).body.items.map((x: { id: string }) => x.id)).not.toContain(xhTask.id);
  });

  it('refuses a claim from outside the department and changes nothing', async () => {
    const res = await yhClerk.post(`/api/v1/tasks/${xhTask.id}/claim`);
    expect(res.status).toBe(404);
    expect((await xhClerk.get(`/api/v1/tasks/${xhTask.id}`)).body.assignee).toBeNull();
  });

  it('refuses a claim by someone who sees the task but holds none of its groups', async () => {
    const manager = await t.as('xh.manager');
    expect((await manager.get(`/api/v1/tasks/${xhTask.id}`)).status).toBe(200);
    const res = await manager.post(`/api/v1/tasks/${xhTask.id}/claim`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('NOT_A_CANDIDATE');
  });

  it('refuses to start an instance in a department where the user may not', async () => {
    const res = await xhClerk.post('/api/v1/process-instances', {
      definitionKey: 'approval',
      departmentId: 'JS-NJ-JN',
    });
    expect(res.status).toBe(403);
  });

  it('lets a team leader reassign within the subtree only', async () => {
    const leader = await t.as('xh.leader');
    const reassigned = await leader.post(`/api/v1/tasks/${xhTask.id}/assign`, { assignee: 'xh.clerk2' });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body.assignee).toBe('xh.clerk2');
    const { id } = await start(yhClerk, 'approval', {});
    const yhTask = (await openTasks(yhClerk, id))[0]!;
    expect((await leader.post(`/api/v1/tasks/${yhTask.id}/assign`, { assignee: 'xh.clerk' })).status).toBe(404);
    const clerk = await t.as('xh.clerk2');
    expect((await clerk.post(`/api/v1/tasks/${yhTask.id}/assign`, { assignee: 'xh.clerk' })).status).toBe(403);
  });

  it('lets headquarters supervisors see every county', async () => {
    const supervisor = await t.as('hq.supervisor');
    expect((await supervisor.get(`/api/v1/process-instances/${xhTask.instanceId}`)).status).toBe(200);
    const list = await supervisor.get('/api/v1/process-instances?limit=200');
    expect(new Set(list.body.items.map((i: { departmentId: string }) => i.departmentId))).toEqual(
      new Set(['ZJ-HZ-XH', 'ZJ-HZ-YH']),
    );
  });

  it('protects the admin API by the administrator role', async () => {
    expect((await xhClerk.get('/api/v1/admin/users')).status).toBe(403);
    expect((await admin.get('/api/v1/admin/users')).status).toBe(200);
  });

  it('never removes the last administrator', async () => {
    const me = (await admin.get('/api/v1/auth/me')).body;
    const res = await admin.delete(`/api/v1/admin/users/${me.id}/roles`, { role: 'admin', departmentId: 'HQ' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('LAST_ADMINISTRATOR');
    expect((await admin.patch(`/api/v1/admin/users/${me.id}`, { active: false })).body.code).toBe('LAST_ADMINISTRATOR');
    expect((await admin.get('/api/v1/admin/users?q=admin')).body.items[0].roles).toEqual([
      { role: 'admin', departmentId: 'HQ' },
    ]);
  });

  it('manages departments, roles, users and assignments, and records every change in the audit log', async () => {
    expect(
      (
        await admin.post('/api/v1/admin/departments', {
          id: 'ZJ-HZ-XH-NEW',
          parentId: 'ZJ-HZ-XH',
          name: '新站',
          level: 'station',
        })
      ).status,
    ).toBe(201);
    expect(
      (await admin.post('/api/v1/admin/departments', { id: 'BAD', parentId: 'ZJ-HZ-XH-NEW', name: 'x', level: 'city' }))
        .status,
    ).toBe(400);
    expect((await admin.post('/api/v1/admin/roles', { code: 'line_inspector', name: '线路巡检员' })).status).toBe(201);
    const user = await admin.post('/api/v1/admin/users', {
      username: 'new.user',
      displayName: 'New',
      departmentId: 'ZJ-HZ-XH-NEW',
      password: 'secret123',
    });
    expect(user.status).toBe(201);
    expect(
      (
        await admin.post(`/api/v1/admin/users/${user.body.id}/roles`, {
          role: 'acceptance_clerk',
          departmentId: 'ZJ-HZ-XH-NEW',
        })
      ).body.roles,
    ).toEqual([{ role: 'acceptance_clerk', departmentId: 'ZJ-HZ-XH-NEW' }]);
    expect(
      (
        await admin.post('/api/v1/admin/users', {
          username: 'weak',
          displayName: 'W',
          departmentId: 'HQ',
          password: 'short',
        })
      ).body.code,
    ).toBe('WEAK_PASSWORD');
    expect(
      (await admin.post('/api/v1/admin/policies', { role: 'line_inspector', object: 'nuclear', action: 'launch' }))
        .status,
    ).toBe(400);
    const audit = await admin.get('/api/v1/admin/audit-log?limit=200');
    const actions = audit.body.items.map((a: { action: string }) => a.action);
    for (const action of ['department.create', 'role.create', 'user.create', 'permission.assign', 'auth.login'])
      expect(actions).toContain(action);
  });

  it('records claims, completions, reassignments, cancellations and deployments in the audit log, and refuses to alter it', async () => {
    const { id } = await start(xhClerk, 'approval', {});
    const task = (await openTasks(xhClerk, id))[0]!;
    await xhClerk.post(`/api/v1/tasks/${task.id}/claim`);
    await xhClerk.post(`/api/v1/tasks/${task.id}/complete`, { variables: { approved: false } });
    const { id: other } = await start(xhClerk, 'approval', {});
    await (await t.as('xh.leader')).post(`/api/v1/process-instances/${other}/cancel`, { reason: 'duplicate' });
    const audit = (await admin.get('/api/v1/admin/audit-log?limit=200')).body.items as {
      action: string;
      objectId: string;
      actorName: string;
      ip: string;
    }[];
    expect(audit.find((a) => a.action === 'task.claim' && a.objectId === task.id)).toMatchObject({
      actorName: '西湖业务受理员',
      ip: expect.stringContaining('127.0.0.1'),
    });
    expect(audit.some((a) => a.action === 'task.complete' && a.objectId === task.id)).toBe(true);
    expect(audit.some((a) => a.action === 'instance.cancel' && a.objectId === other)).toBe(true);
    expect(audit.some((a) => a.action === 'task.reassign')).toBe(true);
    expect(audit.some((a) => a.action === 'deployment.create')).toBe(true);
    await expect(t.database.db('audit_log').update({ action: 'forged' })).rejects.toThrow(/append-only/);
    await expect(t.database.db('audit_log').delete()).rejects.toThrow(/append-only/);
  });
});
