import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeEvent } from '../../../server/realtime/contract.js';
import { ApiClient } from '../../support/client.js';
import type { TestDatabase } from '../../support/database.js';
import { eventually, serverDatabase } from '../../support/platform.js';
import { freePort, ServerProcess } from '../../support/server-process.js';
import { start } from '../../support/workflow.js';
import { deployAcceptance } from './processes.js';
import { TestSocket } from './socket-client.js';

const created = (instanceId: string) => (e: RealtimeEvent) => e.topic === 'task:created' && e.instanceId === instanceId;

/** Issue 8 §6: with two server processes on one PostgreSQL, a client gets events whichever node committed them. */
describe('realtime across two server processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const prepared = await serverDatabase('postgres');
    database = prepared.database;
    const env = prepared.env;
    a = new ServerProcess(await freePort(), { ...env, NODE_ID: 'node-a' });
    await a.start();
    b = new ServerProcess(await freePort(), { ...env, NODE_ID: 'node-b' });
    await b.start();
    // Each node's adapter has heard the other (LISTEN is set up asynchronously after start).
    for (const node of [a, b]) {
      const admin = await new ApiClient(node.url).login('admin');
      await eventually(
        async () => (await admin.get('/api/v1/realtime/status')).body.nodes === 2,
        30_000,
        `${node.url} to see both nodes`,
      );
    }
    await deployAcceptance(await new ApiClient(a.url).login('designer'), 'rtNodes');
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it('delivers an event committed on node A to a socket connected to node B, and only where it may be seen', async () => {
    const onB = await TestSocket.as(b.url, 'xh.clerk2');
    const otherCountyOnB = await TestSocket.as(b.url, 'yh.clerk2');
    const onA = await TestSocket.as(a.url, 'xh.clerk2');
    sockets.push(onB, otherCountyOnB, onA);
    expect(await onB.subscribe('department:ZJ-HZ-XH')).toMatchObject({ ok: true });
    expect(await otherCountyOnB.subscribe('department:ZJ-HZ-YH')).toMatchObject({ ok: true });
    expect(await onA.subscribe('department:ZJ-HZ-XH')).toMatchObject({ ok: true });

    const inXh = await start(await new ApiClient(a.url).login('xh.clerk'), 'rtNodes');
    const inYh = await start(await new ApiClient(a.url).login('yh.clerk'), 'rtNodes');

    const event = await onB.waitFor(created(inXh.id), 'the XH task on node B');
    expect(event).toMatchObject({ departmentId: 'ZJ-HZ-XH', payload: { taskId: inXh.tasks[0]?.id } });
    await onA.waitFor(created(inXh.id), 'the XH task on node A');
    // Node A published the XH events before the YH ones, through one channel: had an XH event
    // reached the YH socket, it would have arrived before the YH task.
    await otherCountyOnB.waitFor(created(inYh.id), 'the YH task on node B');
    expect(otherCountyOnB.events.some((e) => e.instanceId === inXh.id)).toBe(false);
  });

  it('delivers a claim made through node B to a socket on node A, and each event once', async () => {
    const onA = await TestSocket.as(a.url, 'xh.clerk2');
    sockets.push(onA);
    expect(await onA.subscribe('department:ZJ-HZ-XH')).toMatchObject({ ok: true });
    const clerkOnB = await new ApiClient(b.url).login('xh.clerk');
    const instance = await start(clerkOnB, 'rtNodes');
    const taskId = instance.tasks[0]?.id;
    expect((await clerkOnB.post(`/api/v1/tasks/${taskId}/claim`)).status).toBe(200);
    const claimed = await onA.waitFor((e) => e.topic === 'task:claimed' && e.payload.taskId === taskId);
    expect(claimed.payload.assignee).toBe('xh.clerk');
    const ids = onA.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lets a client of a node that shuts down reconnect to the other node and catch up', async () => {
    const onB = await TestSocket.as(b.url, 'xh.clerk2');
    sockets.push(onB);
    const ack = await onB.subscribe('department:ZJ-HZ-XH');
    const since = ack.ok ? ack.latest : 0;
    // when node B stops, its sockets see the connection cut (not a session end) …
    const reason = new Promise((resolve) => onB.socket.once('disconnect', resolve));
    await b.stop();
    expect(await reason).toBe('transport close');
    // … an instance started meanwhile on A …
    const missed = await start(await new ApiClient(a.url).login('xh.clerk'), 'rtNodes');
    // … reaches the client once it reconnects to A and re-subscribes with since
    const onA = await TestSocket.as(a.url, 'xh.clerk2');
    sockets.push(onA);
    expect(await onA.subscribe('department:ZJ-HZ-XH', since)).toMatchObject({ ok: true, resync: false });
    expect(onA.events.find(created(missed.id))).toBeDefined();
  });
});
