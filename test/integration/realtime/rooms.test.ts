import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeEvent } from '../../../server/realtime/contract.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { start } from '../../support/workflow.js';
import { acceptanceProcess, deployAcceptance } from './processes.js';
import { sessionCookie, TestSocket } from './socket-client.js';

const XH = 'ZJ-HZ-XH';
const YH = 'ZJ-HZ-YH';

const created = (instanceId: string) => (e: RealtimeEvent) => e.topic === 'task:created' && e.instanceId === instanceId;

describe.each(BACKENDS)('realtime rooms (%s)', (backend) => {
  let t: TestPlatform;
  const sockets: TestSocket[] = [];
  const open = async (username: string) => {
    const socket = await TestSocket.as(t.url, username);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    t = await startTestPlatform(backend, {
      realtime: { replayLimit: 5, recheckMs: 100, maxRoomsPerSocket: 3, maxRequestsPer10s: 8, sessionCheckMs: 200 },
    });
    const designer = await t.as('designer');
    await deployAcceptance(designer, 'rtApply');
    await deployAcceptance(designer, 'rtOther');
    // A task that names a candidate user besides its group: that user hears of it personally.
    const named = acceptanceProcess('rtNamed').replace(
      'camunda:candidateGroups="acceptance_clerk"',
      'camunda:candidateGroups="acceptance_clerk" camunda:candidateUsers="xh.clerk2"',
    );
    const deployed = await designer.post('/api/v1/deployments', {
      xml: named,
      forms: [{ id: 'rt.accept', type: 'default', components: [] }],
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBeLessThan(300);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  describe('handshake', () => {
    it('refuses a connection without a session', async () => {
      await expect(TestSocket.connect(t.url)).rejects.toThrow('UNAUTHENTICATED');
      await expect(TestSocket.connect(t.url, { cookie: 'pm_session=forged' })).rejects.toThrow('UNAUTHENTICATED');
    });

    it('refuses a handshake from another origin, even with a valid session', async () => {
      const cookie = await sessionCookie(t.url, 'xh.clerk');
      await expect(TestSocket.connect(t.url, { cookie, origin: 'http://evil.example' })).rejects.toThrow();
      const same = await TestSocket.connect(t.url, { cookie, origin: t.url });
      sockets.push(same);
      expect(same.socket.connected).toBe(true);
    });

    it('disconnects the socket of a session that logged out', async () => {
      const login = await fetch(`${t.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'xh.clerk', password: 'demo1234' }),
      });
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const socket = await TestSocket.connect(t.url, { cookie });
      sockets.push(socket);
      const gone = new Promise((resolve) => socket.socket.once('disconnect', resolve));
      const logout = await fetch(`${t.url}/api/v1/auth/logout`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken },
      });
      expect(logout.status).toBeLessThan(300);
      expect(await gone).toBe('io server disconnect');
    });

    it('accepts a personal API token in auth.token', async () => {
      const clerk = await t.as('xh.clerk');
      const created = await clerk.post('/api/v1/auth/tokens', { name: 'realtime test' });
      expect(created.status).toBe(201);
      const socket = await TestSocket.connect(t.url, { token: created.body.token });
      sockets.push(socket);
      expect(await socket.subscribe(`department:${XH}`)).toMatchObject({ ok: true });
      await expect(TestSocket.connect(t.url, { token: 'not-a-token' })).rejects.toThrow('UNAUTHENTICATED');
    });
  });

  describe('GET /realtime/status', () => {
    it("shows operators this node's sockets and rooms, and nobody else", async () => {
      const socket = await open('xh.clerk');
      expect(await socket.subscribe(`department:${XH}`)).toMatchObject({ ok: true });
      const status = await (await t.as('admin')).get('/api/v1/realtime/status');
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({ nodes: 1 });
      expect(status.body.sockets).toBeGreaterThanOrEqual(1);
      expect(status.body.rooms).toBeGreaterThanOrEqual(1);
      expect((await (await t.as('xh.clerk')).get('/api/v1/realtime/status')).status).toBe(403);
    });
  });

  describe('subscribe', () => {
    it('lets a county clerk join their county and refuses the neighbouring county', async () => {
      const socket = await open('xh.clerk');
      expect(await socket.subscribe(`department:${XH}`)).toMatchObject({ ok: true, resync: false, replayed: 0 });
      expect(await socket.subscribe(`department:${YH}`)).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: expect.any(String) },
      });
      expect(await socket.subscribe('department:ZJ')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    });

    it('answers bad requests with clear codes', async () => {
      const socket = await open('xh.clerk');
      expect(await socket.subscribe('tasks-of-everyone')).toMatchObject({ ok: false, error: { code: 'INVALID_ROOM' } });
      expect(await socket.subscribe(42)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await socket.subscribe('department:NOWHERE')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await socket.subscribe(`department:${XH}`, -1)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
    });

    it('limits the rooms one socket may hold', async () => {
      const socket = await open('zj.manager');
      for (const room of ['department:ZJ', 'department:ZJ-HZ', `department:${XH}`])
        expect(await socket.subscribe(room)).toMatchObject({ ok: true });
      expect(await socket.subscribe(`department:${YH}`)).toMatchObject({
        ok: false,
        error: { code: 'TOO_MANY_ROOMS' },
      });
      expect(await socket.unsubscribe('department:ZJ-HZ')).toEqual({ ok: true });
      expect(await socket.subscribe(`department:${YH}`)).toMatchObject({ ok: true });
    });

    it('answers RATE_LIMITED past the request budget, and drops a socket that floods', async () => {
      const polite = await open('xh.clerk');
      const answers = [];
      for (let i = 0; i < 9; i++) answers.push(await polite.subscribe(`department:${XH}`));
      expect(answers.slice(0, 8).every((a) => a.ok)).toBe(true);
      expect(answers[8]).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });

      const flooding = await open('xh.clerk');
      const gone = new Promise((resolve) => flooding.socket.once('disconnect', resolve));
      for (let i = 0; i < 20; i++) flooding.socket.emit('subscribe', { room: `department:${XH}` }, () => undefined);
      expect(await gone).toBe('io server disconnect');
    });

    it('opens the personal room to its owner only', async () => {
      const clerk = await t.as('xh.clerk');
      const me = (await clerk.get('/api/v1/auth/me')).body;
      const other = (await (await t.as('yh.clerk')).get('/api/v1/auth/me')).body;
      const socket = await open('xh.clerk');
      expect(await socket.subscribe(`user:${me.id}`)).toMatchObject({ ok: true });
      expect(await socket.subscribe(`user:${other.id}`)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    });
  });

  describe('delivery', () => {
    it('pushes task:created of an XH instance to an XH clerk and nothing of a YH instance', async () => {
      const xhSocket = await open('xh.clerk2');
      const yhSocket = await open('yh.clerk2');
      expect(await xhSocket.subscribe(`department:${XH}`)).toMatchObject({ ok: true });
      expect(await yhSocket.subscribe(`department:${YH}`)).toMatchObject({ ok: true });

      // given an instance in YH, then one in XH (published in this order by the one node)
      const inYh = await start(await t.as('yh.clerk'), 'rtApply');
      await yhSocket.waitFor(created(inYh.id), 'the YH task at the YH clerk');
      const inXh = await start(await t.as('xh.clerk'), 'rtApply');

      // then the XH clerk gets the XH task, with what the worklist needs …
      const event = await xhSocket.waitFor(created(inXh.id), 'the XH task at the XH clerk');
      expect(event).toMatchObject({
        topic: 'task:created',
        departmentId: XH,
        definitionKey: 'rtApply',
        payload: { taskId: inXh.tasks[0]?.id, name: 'Accept application', candidateGroups: ['acceptance_clerk'] },
      });
      expect(event.rooms).toContain(`department:${XH}`);
      // … and nothing from YH, while the YH clerk got nothing from XH
      expect(xhSocket.events.filter((e) => e.departmentId !== XH)).toEqual([]);
      expect(yhSocket.events.some((e) => e.instanceId === inXh.id)).toBe(false);
    });

    it('pushes both counties to a manager of the province (department subtree)', async () => {
      const manager = await open('zj.manager');
      expect(await manager.subscribe('department:ZJ')).toMatchObject({ ok: true });
      const inXh = await start(await t.as('xh.clerk'), 'rtApply');
      const inYh = await start(await t.as('yh.clerk'), 'rtApply');
      await manager.waitFor(created(inXh.id), 'the XH task');
      const event = await manager.waitFor(created(inYh.id), 'the YH task');
      expect(event.rooms).toEqual(expect.arrayContaining(['department:ZJ', `department:${YH}`, 'department:ZJ-HZ']));
    });

    it('tells the other clerks of the county when a task is claimed, and the claimer personally', async () => {
      const clerk = await t.as('xh.clerk');
      const me = (await clerk.get('/api/v1/auth/me')).body;
      const colleague = await open('xh.clerk2');
      const claimer = await open('xh.clerk');
      expect(await colleague.subscribe(`department:${XH}`)).toMatchObject({ ok: true });
      expect(await claimer.subscribe(`user:${me.id}`)).toMatchObject({ ok: true });
      const instance = await start(clerk, 'rtApply');
      const taskId = instance.tasks[0]?.id;
      expect((await clerk.post(`/api/v1/tasks/${taskId}/claim`)).status).toBe(200);
      const claimed = await colleague.waitFor((e) => e.topic === 'task:claimed' && e.payload.taskId === taskId);
      expect(claimed.payload).toMatchObject({ assignee: 'xh.clerk' });
      const personal = await claimer.waitFor((e) => e.topic === 'task:claimed' && e.payload.taskId === taskId);
      expect(personal.rooms).toContain(`user:${me.id}`);
    });

    it('tells a task’s candidate user personally, and sends no one what the event carries in-process', async () => {
      const candidate = (await (await t.as('xh.clerk2')).get('/api/v1/auth/me')).body;
      const socket = await open('xh.clerk2');
      expect(await socket.subscribe(`user:${candidate.id}`)).toMatchObject({ ok: true });
      const instance = await start(await t.as('xh.clerk'), 'rtNamed');
      const event = await socket.waitFor(created(instance.id), 'the task at its candidate user');
      expect(event.rooms).toContain(`user:${candidate.id}`);
      expect(event).not.toHaveProperty('candidateUsers');
      expect(event).not.toHaveProperty('applicantLoginId');
      expect(event.payload).not.toHaveProperty('candidateUsers');
    });

    it('delivers a process room only that process within the subtree', async () => {
      const socket = await open('xh.clerk2');
      expect(await socket.subscribe(`process:rtOther@${XH}`)).toMatchObject({ ok: true });
      expect(await socket.subscribe(`process:rtOther@${YH}`)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      const clerk = await t.as('xh.clerk');
      const first = await start(clerk, 'rtApply');
      const other = await start(clerk, 'rtOther');
      await socket.waitFor(created(other.id), 'the rtOther task');
      expect(socket.events.some((e) => e.instanceId === first.id)).toBe(false);
      expect(socket.events.every((e) => e.definitionKey === 'rtOther')).toBe(true);
    });

    it('delivers an instance room its instance to whoever may read it, and hides it from others', async () => {
      const clerk = await t.as('xh.clerk');
      const instance = await start(clerk, 'rtApply');
      const watcher = await open('xh.clerk2');
      const outsider = await open('yh.clerk');
      expect(await watcher.subscribe(`instance:${instance.id}`)).toMatchObject({ ok: true });
      expect(await outsider.subscribe(`instance:${instance.id}`)).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
      const taskId = instance.tasks[0]?.id;
      await clerk.post(`/api/v1/tasks/${taskId}/claim`);
      await clerk.post(`/api/v1/tasks/${taskId}/complete`, { variables: {} });
      const done = await watcher.waitFor((e) => e.topic === 'instance:completed', 'instance:completed');
      expect(done.instanceId).toBe(instance.id);
      const topics = watcher.events.map((e) => e.topic);
      expect(topics).toEqual(expect.arrayContaining(['task:claimed', 'task:completed', 'instance:completed']));
      expect(watcher.events.every((e) => e.instanceId === instance.id)).toBe(true);
    });
  });

  describe('catch-up', () => {
    it('replays what a client missed while disconnected when it re-subscribes with since', async () => {
      const first = await open('xh.clerk2');
      const ack = await first.subscribe(`department:${XH}`);
      expect(ack.ok).toBe(true);
      const since = ack.ok ? ack.latest : 0;
      first.close();

      const clerk = await t.as('xh.clerk');
      const missed = await start(clerk, 'rtApply');

      const again = await open('xh.clerk2');
      const replay = await again.subscribe(`department:${XH}`, since);
      expect(replay).toMatchObject({ ok: true, resync: false });
      expect(replay.ok && replay.replayed).toBeGreaterThanOrEqual(2);
      // replayed events are in the socket's buffer before the ack: no waiting needed
      expect(again.events.find(created(missed.id))).toMatchObject({ departmentId: XH });
      expect(again.events.some((e) => e.topic === 'instance:started' && e.instanceId === missed.id)).toBe(true);
      expect(again.events.every((e) => e.departmentId === XH)).toBe(true);
    });

    it('replays the personal room: the events that name me', async () => {
      const clerk = await t.as('xh.clerk');
      const me = (await clerk.get('/api/v1/auth/me')).body;
      const instance = await start(clerk, 'rtApply');
      const first = await open('xh.clerk');
      const ack = await first.subscribe(`user:${me.id}`);
      const since = ack.ok ? ack.latest : 0;
      first.close();
      const taskId = instance.tasks[0]?.id;
      expect((await clerk.post(`/api/v1/tasks/${taskId}/claim`)).status).toBe(200);
      const again = await open('xh.clerk');
      expect(await again.subscribe(`user:${me.id}`, since)).toMatchObject({ ok: true, resync: false });
      expect(again.events.find((e) => e.topic === 'task:claimed' && e.payload.taskId === taskId)).toMatchObject({
        payload: { assignee: 'xh.clerk' },
      });
      expect(again.events.every((e) => Object.values(e.payload).includes('xh.clerk'))).toBe(true);
    });

    it('asks for a resync when more events were missed than it replays', async () => {
      const first = await open('xh.clerk2');
      const ack = await first.subscribe(`department:${XH}`);
      const since = ack.ok ? ack.latest : 0;
      first.close();
      const clerk = await t.as('xh.clerk');
      for (let i = 0; i < 4; i++) await start(clerk, 'rtApply');
      const again = await open('xh.clerk2');
      expect(await again.subscribe(`department:${XH}`, since)).toMatchObject({ ok: true, resync: true, replayed: 0 });
      expect(again.events).toEqual([]);
    });
  });

  describe('permission changes', () => {
    it('removes a socket from a room its user may no longer read', async () => {
      const socket = await open('xh.clerk2');
      expect(await socket.subscribe(`department:${XH}`)).toMatchObject({ ok: true });
      const admin = await t.as('admin');
      const user = (await admin.get('/api/v1/admin/users?q=xh.clerk2')).body.items[0];
      const removed = await admin.delete(`/api/v1/admin/users/${user.id}/roles`, {
        role: 'acceptance_clerk',
        departmentId: XH,
      });
      expect(removed.status).toBeLessThan(300);
      const notice = await eventually(async () => socket.revoked[0], 10_000, 'room:revoked');
      expect(notice.room).toBe(`department:${XH}`);
      expect(await socket.subscribe(`department:${XH}`)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    });
  });

  describe('outbox retention', () => {
    it('prunes old events, and answers resync to a since before the oldest kept', async () => {
      const socket = await open('xh.clerk');
      const before = await socket.subscribe(`department:${XH}`);
      const old = before.ok ? before.latest : 0;
      // given everything so far is two days old
      await t.platform
        .db('outbox')
        .where('id', '<=', old)
        .update({ created_at: new Date(Date.now() - 48 * 3600_000) });
      const fresh = await start(await t.as('xh.clerk'), 'rtApply');
      await socket.waitFor(created(fresh.id));
      // when the retention runs
      expect(await t.platform.realtime.pruneOutbox()).toBeGreaterThan(0);
      expect(await t.platform.db('outbox').where('id', '<=', old).count('* as n').first()).toEqual({ n: 0 });
      // then a client that last saw an event before the oldest kept must reload …
      const behind = await open('xh.clerk');
      expect(await behind.subscribe(`department:${XH}`, Math.max(0, old - 10))).toMatchObject({
        ok: true,
        resync: true,
      });
      // … while one that saw the last pruned event still catches up
      const current = await open('xh.clerk');
      expect(await current.subscribe(`department:${XH}`, old)).toMatchObject({ ok: true, resync: false });
      expect(current.events.find(created(fresh.id))).toBeDefined();
    });
  });
});
