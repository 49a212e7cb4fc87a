import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { deploy, start, twoStepProcess } from '../../support/workflow.js';

/** What the administration screens and the everyday flows ask of the server beyond the admin API. */
describe.each(BACKENDS)('administration screens and everyday flows (%s)', (backend) => {
  let t: TestPlatform;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    admin = await t.as('admin');
  });
  afterAll(() => t?.close());

  describe('PATCH /admin/roles/:code', () => {
    it('renames a role in Chinese and English and audits it', async () => {
      const res = await admin.patch('/api/v1/admin/roles/collection_clerk', { name: '催费专员', nameEn: 'Collector' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ code: 'collection_clerk', name: '催费专员', nameEn: 'Collector' });
      const audit = await admin.get('/api/v1/admin/audit-log?action=role.update&objectId=collection_clerk');
      expect(audit.body.items[0]).toMatchObject({ action: 'role.update', objectType: 'role' });
    });

    it('answers 404 for an unknown role and 403 to a non-administrator', async () => {
      expect((await admin.patch('/api/v1/admin/roles/nobody', { name: 'x' })).status).toBe(404);
      const clerk = await t.as('xh.clerk');
      expect((await clerk.patch('/api/v1/admin/roles/collection_clerk', { name: 'x' })).status).toBe(403);
    });
  });

  describe('GET /admin/policy-preview', () => {
    it('answers what a role may do in a department from the live policy, and follows a policy change', async () => {
      const before = await admin.get('/api/v1/admin/policy-preview?role=site_surveyor&departmentId=ZJ-HZ-XH');
      expect(before.status, JSON.stringify(before.body)).toBe(200);
      const allowed = (body: { grants: { object: string; action: string; allowed: boolean }[] }) =>
        body.grants.filter((g) => g.allowed).map((g) => `${g.object}:${g.action}`);
      expect(allowed(before.body)).toContain('task:claim');
      expect(allowed(before.body)).not.toContain('task:reassign');
      expect(before.body.departmentIds).toEqual(['ZJ-HZ-XH', 'ZJ-HZ-XH-LY', 'ZJ-HZ-XH-XX']);
      expect(before.body.grants.length).toBeGreaterThan(20);

      await admin.post('/api/v1/admin/policies', { role: 'site_surveyor', object: 'task', action: 'reassign' });
      const after = await admin.get('/api/v1/admin/policy-preview?role=site_surveyor&departmentId=ZJ-HZ-XH');
      expect(allowed(after.body)).toContain('task:reassign');
      await admin.delete('/api/v1/admin/policies', { role: 'site_surveyor', object: 'task', action: 'reassign' });
    });

    it('grants the administrator everything and refuses unknown roles, departments and non-administrators', async () => {
      const res = await admin.get('/api/v1/admin/policy-preview?role=admin&departmentId=HQ');
      expect(res.body.grants.every((g: { allowed: boolean }) => g.allowed)).toBe(true);
      expect((await admin.get('/api/v1/admin/policy-preview?role=nobody&departmentId=HQ')).status).toBe(404);
      expect((await admin.get('/api/v1/admin/policy-preview?role=admin&departmentId=NOWHERE')).status).toBe(404);
      const leader = await t.as('xh.leader');
      expect((await leader.get('/api/v1/admin/policy-preview?role=admin&departmentId=HQ')).status).toBe(403);
    });
  });

  describe('users: create with a password, lock, unlock, deactivate, reset password', () => {
    it('lets a new user sign in, and refuses them while locked or inactive', async () => {
      const created = await admin.post('/api/v1/admin/users', {
        username: 'xh.newcomer',
        displayName: '新同事',
        departmentId: 'ZJ-HZ-XH',
        password: 'Start-2026-xh!',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = created.body.id as string;
      const login = async (password = 'Start-2026-xh!') =>
        (await t.anonymous().post('/api/v1/auth/login', { username: 'xh.newcomer', password })).status;
      expect(await login()).toBe(200);

      const until = new Date(Date.now() + 3_600_000).toISOString();
      expect((await admin.patch(`/api/v1/admin/users/${id}`, { lockedUntil: until })).status).toBe(200);
      expect(await login()).not.toBe(200);
      expect((await admin.patch(`/api/v1/admin/users/${id}`, { lockedUntil: null })).status).toBe(200);
      expect(await login()).toBe(200);

      expect((await admin.patch(`/api/v1/admin/users/${id}`, { password: 'Reset-2026-xh!' })).status).toBe(200);
      expect(await login()).not.toBe(200);
      expect(await login('Reset-2026-xh!')).toBe(200);

      expect((await admin.patch(`/api/v1/admin/users/${id}`, { active: false })).status).toBe(200);
      expect(await login('Reset-2026-xh!')).not.toBe(200);
    });
  });

  describe('GET /admin/audit-log filters and CSV', () => {
    it('filters by an action family and exports the same rows as CSV, auditing the export', async () => {
      const family = await admin.get('/api/v1/admin/audit-log?action=permission&limit=200');
      expect(family.status).toBe(200);
      expect(family.body.items.length).toBeGreaterThan(0);
      expect(family.body.items.every((e: { action: string }) => e.action.startsWith('permission.'))).toBe(true);

      const csv = await admin.get('/api/v1/admin/audit-log.csv?action=permission');
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toContain('audit-log.csv');
      const lines = (csv.body as string)
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toBe('at,actorName,actorId,action,objectType,objectId,departmentId,ip,details');
      expect(lines.length - 1).toBe(family.body.total);
      expect(lines.slice(1).every((l) => l.includes(',permission.'))).toBe(true);
      const exports = await admin.get('/api/v1/admin/audit-log?action=audit.export');
      expect(exports.body.items[0]).toMatchObject({ action: 'audit.export', details: { action: 'permission' } });
    });

    it('filters by user and time, and refuses the export to those without audit:read', async () => {
      const me = (await admin.get('/api/v1/auth/me')).body;
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const res = await admin.get(`/api/v1/admin/audit-log?actorId=${me.id}&from=${encodeURIComponent(from)}`);
      expect(res.body.items.length).toBeGreaterThan(0);
      expect(res.body.items.every((e: { actorId: string }) => e.actorId === me.id)).toBe(true);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect((await admin.get(`/api/v1/admin/audit-log?from=${encodeURIComponent(future)}`)).body.items).toEqual([]);
      const clerk = await t.as('xh.clerk');
      expect((await clerk.get('/api/v1/admin/audit-log.csv')).status).toBe(403);
    });
  });

  describe('GET /users/search', () => {
    it("finds active colleagues by name within the caller's scope only", async () => {
      const clerk = await t.as('xh.clerk');
      const res = await clerk.get(`/api/v1/users/search?q=${encodeURIComponent('受理员')}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const names = res.body.items.map((u: { username: string }) => u.username);
      expect(names).toEqual(expect.arrayContaining(['xh.clerk', 'xh.clerk2']));
      expect(names.some((n: string) => n.startsWith('yh.') || n.startsWith('jn.'))).toBe(false);
      expect(res.body.items[0]).toMatchObject({ departmentId: 'ZJ-HZ-XH', departmentName: '西湖区供电分公司' });

      const manager = await t.as('zj.manager');
      const wide = (await manager.get(`/api/v1/users/search?q=clerk2`)).body.items.map(
        (u: { username: string }) => u.username,
      );
      expect(wide).toEqual(expect.arrayContaining(['xh.clerk2', 'yh.clerk2']));
      expect(wide).not.toContain('jn.clerk2');
    });

    it('leaves out inactive users and refuses callers without task:read', async () => {
      const worker = await t.as('worker');
      expect((await worker.get('/api/v1/users/search?q=xh')).status).toBe(403);
      const found = await admin.get('/api/v1/admin/users?q=xh.clerk2');
      const id = found.body.items[0].id as string;
      await admin.patch(`/api/v1/admin/users/${id}`, { active: false });
      const clerk = await t.as('xh.clerk');
      const names = (await clerk.get('/api/v1/users/search?q=clerk')).body.items.map(
        (u: { username: string }) => u.username,
      );
      expect(names).toContain('xh.clerk');
      expect(names).not.toContain('xh.clerk2');
      await admin.patch(`/api/v1/admin/users/${id}`, { active: true });
    });
  });

  describe('POST /tasks/claim (bulk)', () => {
    it('claims each task on its own: taken ones refused with who holds them, the rest claimed and audited', async () => {
      await deploy(await t.as('designer'), twoStepProcess('bulk_claim'));
      const clerk = await t.as('xh.clerk');
      const other = await t.anonymous().login('xh.clerk2');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await start(clerk, 'bulk_claim')).tasks[0]!.id);
      expect((await other.post(`/api/v1/tasks/${ids[1]}/claim`)).status).toBe(200);
      const yh = await t.as('yh.clerk');
      const yhTask = (await start(yh, 'bulk_claim')).tasks[0]!.id;

      const res = await clerk.post('/api/v1/tasks/claim', { taskIds: [...ids, yhTask] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const byId = new Map(res.body.results.map((r: { taskId: string }) => [r.taskId, r]));
      expect(byId.get(ids[0]!)).toMatchObject({ claimed: true });
      expect(byId.get(ids[2]!)).toMatchObject({ claimed: true });
      expect(byId.get(ids[1]!)).toMatchObject({ claimed: false, code: 'TASK_ALREADY_CLAIMED', assignee: 'xh.clerk2' });
      expect(byId.get(yhTask)).toMatchObject({ claimed: false, code: 'NOT_FOUND' });
      expect((await clerk.get(`/api/v1/tasks/${ids[0]}`)).body.assignee).toBe('xh.clerk');
      const audit = await admin.get(`/api/v1/admin/audit-log?action=task.claim&objectId=${ids[2]}`);
      expect(audit.body.items).toHaveLength(1);
    });

    it('refuses those who may not claim, and an empty list', async () => {
      const designer = await t.as('designer');
      expect((await designer.post('/api/v1/tasks/claim', { taskIds: [crypto.randomUUID()] })).status).toBe(403);
      const clerk = await t.as('xh.clerk');
      expect((await clerk.post('/api/v1/tasks/claim', { taskIds: [] })).status).toBe(400);
    });
  });
});
