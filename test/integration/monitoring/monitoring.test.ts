import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedEvent } from '../../../server/workflow/outbox.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { completeTask, fixture, openTasks, start } from '../../support/workflow.js';
import { MONITORED_FORMS } from './fixtures.js';
import { BIN_COUNT, BIN_EDGES_MS } from '../../../server/monitoring/histogram.js';
import { RollupService } from '../../../server/monitoring/rollup.js';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(Date.now() + ms).toISOString();

describe.each(BACKENDS)('monitoring API (%s)', (backend) => {
  let t: TestPlatform;
  const xh: string[] = [];
  const yh: string[] = [];
  const events: PublishedEvent[] = [];

  /** Starts an instance whose first task is due at `dueAt`, in one county. */
  async function startIn(county: 'xh' | 'yh', dueAt: string) {
    const clerk = await t.as(`${county}.clerk`);
    const started = await start(clerk, 'monitored', {
      departmentId: county === 'xh' ? 'ZJ-HZ-XH' : 'ZJ-HZ-YH',
      businessKey: `MON-${county}-${Math.random().toString(36).slice(2, 8)}`,
      variables: { dueAt },
    });
    (county === 'xh' ? xh : yh).push(started.id);
    return started;
  }

  beforeAll(async () => {
    // SLA scans are driven by the test (scan()), not by the timer.
    t = await startTestPlatform(backend, { env: { SLA_SCAN_MS: '3600000', MONITORING_ROLLUP_MS: '3600000' } });
    t.platform.bus.on('event', (e: PublishedEvent) => events.push(e));
    const deployed = await (
      await t.as('designer')
    ).post('/api/v1/deployments', {
      xml: fixture('monitoring.two-steps.bpmn'),
      forms: MONITORED_FORMS,
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    // XH: one overdue, one due within the horizon, one far off; then one goes all the way through.
    await startIn('xh', iso(-HOUR));
    await startIn('xh', iso(2 * HOUR));
    await startIn('xh', iso(72 * HOUR));
    const through = await startIn('xh', iso(72 * HOUR));
    const clerk = await t.as('xh.clerk');
    await completeTask(clerk, (await openTasks(clerk, through.id))[0]!.id);
    const leader = await t.as('xh.leader');
    await completeTask(leader, (await openTasks(leader, through.id))[0]!.id);
    // YH: two waiting at the first step.
    await startIn('yh', iso(-HOUR));
    await startIn('yh', iso(72 * HOUR));
  });
  afterAll(() => t?.close());

  it("shows a county manager only the county's instances, and a province manager both counties", async () => {
    const dashboard = async (user: string) => {
      const res = await (await t.as(user)).get('/api/v1/monitoring/dashboard?definitionKey=monitored&bucket=hour');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const x = await dashboard('xh.manager');
    expect(x.counts).toMatchObject({ running: 3, started: 4, completed: 1, cancelled: 0 });
    expect(x.backlog.find((b: { elementId: string }) => b.elementId === 'accept')).toMatchObject({
      tokens: 3,
      unclaimed: 3,
      overdue: 1,
    });
    expect(x.throughput.reduce((n: number, p: { completed: number }) => n + p.completed, 0)).toBe(1);
    expect(x.sla).toMatchObject({ openOverdue: 1, openDueSoon: 1, onTime: 2, breached: 0, compliance: 1 });
    const y = await dashboard('yh.manager');
    expect(y.counts).toMatchObject({ running: 2, started: 2, completed: 0 });
    // nothing with a deadline finished: no compliance figure (the screen shows "—"), not 0 %
    expect(y.sla).toMatchObject({ onTime: 0, breached: 0, compliance: null });
    const zj = await dashboard('zj.manager');
    expect(zj.counts).toMatchObject({ running: 5, started: 6, completed: 1 });
    const hq = await dashboard('hq.supervisor');
    expect(hq.departmentIds).toBeNull();
    expect(hq.counts.running).toBe(5);
  });

  it('narrows to a department subtree inside the scope, and refuses one outside it', async () => {
    const zj = await t.as('zj.manager');
    const narrowed = await zj.get('/api/v1/monitoring/dashboard?definitionKey=monitored&departmentId=ZJ-HZ-YH');
    expect(narrowed.body.counts.running).toBe(2);
    const outside = await (
      await t.as('xh.manager')
    ).get('/api/v1/monitoring/dashboard?definitionKey=monitored&departmentId=ZJ-HZ-YH');
    expect(outside.status).toBe(403);
  });

  it('refuses those without dashboard:read, and answers bad input with field details', async () => {
    const clerk = await t.as('xh.clerk');
    expect((await clerk.get('/api/v1/monitoring/dashboard?definitionKey=monitored')).status).toBe(403);
    expect((await t.anonymous().get('/api/v1/monitoring/alerts')).status).toBe(401);
    const manager = await t.as('xh.manager');
    const bad = await manager.get('/api/v1/monitoring/dashboard?definitionKey=monitored&bucket=week');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('query.bucket');
    const horizon = await manager.get('/api/v1/monitoring/alerts?horizon=soon');
    expect(horizon.status).toBe(400);
    expect(horizon.body.errors[0].field).toBe('horizon');
    const reversed = await manager.get(
      `/api/v1/monitoring/dashboard?definitionKey=monitored&from=${iso(0)}&to=${iso(-HOUR)}`,
    );
    expect(reversed.status).toBe(400);
    expect((await manager.get('/api/v1/monitoring/dashboard?definitionKey=nope')).status).toBe(404);
  });

  it('gives each element its tokens now and its waiting and working times', async () => {
    const res = await (await t.as('xh.manager')).get('/api/v1/monitoring/activities?definitionKey=monitored');
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.elements.map((e: { elementId: string }) => [e.elementId, e]));
    expect(byId.accept).toMatchObject({ tokens: 3, userTask: true, name: 'Accept application' });
    expect(byId.accept.waiting.count).toBe(1);
    expect(byId.accept.working.count).toBe(1);
    expect(byId.review).toMatchObject({ tokens: 0 });
    expect(byId.review.duration.count).toBe(1);
    expect(byId.review.sla).toMatchObject({ onTime: 1, breached: 0, breachShare: 0 });
  });

  it("lists an element's waiting instances, only within the scope", async () => {
    const x = await (
      await t.as('xh.manager')
    ).get('/api/v1/monitoring/activities/accept/instances?definitionKey=monitored');
    expect(x.body.items.map((i: { instanceId: string }) => i.instanceId).sort()).toEqual(xh.slice(0, 3).sort());
    expect(x.body.items.every((i: { departmentId: string }) => i.departmentId === 'ZJ-HZ-XH')).toBe(true);
    expect(x.body.items[0].taskId).toBeTruthy();
  });

  it('ranks bottlenecks by time lost and shows workload per person and group', async () => {
    const manager = await t.as('xh.manager');
    const bottlenecks = await manager.get('/api/v1/monitoring/bottlenecks?definitionKey=monitored');
    expect(bottlenecks.status).toBe(200);
    expect(bottlenecks.body.steps[0]).toMatchObject({ elementId: 'accept', tokens: 3 });
    expect(bottlenecks.body.steps[0].timeLostMs).toBeGreaterThan(0);
    const review = bottlenecks.body.steps.find((s: { elementId: string }) => s.elementId === 'review');
    expect(review.people).toEqual([expect.objectContaining({ username: 'xh.leader', completed: 1 })]);

    const clerk = await t.as('xh.clerk');
    const task = (await openTasks(clerk, xh[2]!))[0]!;
    expect((await clerk.post(`/api/v1/tasks/${task.id}/claim`)).status).toBe(200);
    const workload = await manager.get('/api/v1/monitoring/workload?definitionKey=monitored');
    expect(workload.body.people).toEqual([
      expect.objectContaining({ username: 'xh.clerk', displayName: '西湖业务受理员', open: 1 }),
    ]);
    // groups are role codes; the role's names come along for the screen
    expect(workload.body.groups).toEqual([
      expect.objectContaining({
        group: 'acceptance_clerk',
        name: '业务受理员',
        nameEn: 'Business acceptance clerk',
        unclaimed: 2,
        overdue: 1,
      }),
    ]);
    const yhWorkload = await (await t.as('yh.manager')).get('/api/v1/monitoring/workload');
    expect(yhWorkload.body.people).toEqual([]);
    expect(yhWorkload.body.groups).toEqual([expect.objectContaining({ group: 'acceptance_clerk', unclaimed: 2 })]);
  });

  it('raises each SLA alert once, to the outbox of the right department', async () => {
    events.length = 0;
    const alerts = t.platform.services.monitoring.alerts;
    const raised = await alerts.scan();
    expect(raised).toBe(3); // XH overdue, XH due soon, YH overdue
    const sla = events.filter((e) => e.topic.startsWith('sla:'));
    expect(sla.map((e) => `${e.topic}@${e.departmentId}`).sort()).toEqual([
      'sla:breached@ZJ-HZ-XH',
      'sla:breached@ZJ-HZ-YH',
      'sla:due-soon@ZJ-HZ-XH',
    ]);
    expect(sla[0]!.payload).toMatchObject({ taskId: expect.any(String), elementId: 'accept' });
    expect(sla[0]!.id).toBeGreaterThan(0);
    expect(await alerts.scan()).toBe(0);
  });

  it('lists alerts in scope; acknowledging persists who and when; reassigning goes through the task API', async () => {
    const manager = await t.as('xh.manager');
    const list = await manager.get('/api/v1/monitoring/alerts?horizon=PT4H');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ breached: 1, dueSoon: 1 });
    const breached = list.body.tasks.find((a: { kind: string }) => a.kind === 'breached');
    expect(breached).toMatchObject({ departmentId: 'ZJ-HZ-XH', acknowledgedBy: null });
    const wider = await manager.get('/api/v1/monitoring/alerts?horizon=P5D');
    expect(wider.body.dueSoon).toBe(2);
    const limited = await manager.get('/api/v1/monitoring/alerts?horizon=P5D&limit=1');
    expect(limited.body.tasks).toHaveLength(1);
    expect(limited.body).toMatchObject({ breached: 1, dueSoon: 2 });

    expect((await (await t.as('yh.manager')).post(`/api/v1/monitoring/alerts/${breached.taskId}/ack`)).status).toBe(
      404,
    );
    const ack = await manager.post(`/api/v1/monitoring/alerts/${breached.taskId}/ack`, { note: 'on it' });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body).toMatchObject({ kind: 'breached', acknowledgedBy: 'xh.manager' });
    expect(events.some((e) => e.topic === 'sla:acknowledged' && e.payload.taskId === breached.taskId)).toBe(true);
    const after = await manager.get('/api/v1/monitoring/alerts');
    expect(after.body.tasks.find((a: { taskId: string }) => a.taskId === breached.taskId)).toMatchObject({
      acknowledgedBy: 'xh.manager',
    });

    const reassigned = await manager.post(`/api/v1/tasks/${breached.taskId}/assign`, { assignee: 'xh.clerk2' });
    expect(reassigned.status).toBe(200);
    const again = await manager.get('/api/v1/monitoring/alerts');
    expect(again.body.tasks.find((a: { taskId: string }) => a.taskId === breached.taskId)).toMatchObject({
      assignee: 'xh.clerk2',
    });
  });

  it('shows one instance with its timeline, variables, path and diagram; other counties get 404', async () => {
    const manager = await t.as('xh.manager');
    const res = await manager.get(`/api/v1/monitoring/instances/${xh[3]}`);
    expect(res.status).toBe(200);
    expect(res.body.instance).toMatchObject({ status: 'completed', departmentId: 'ZJ-HZ-XH' });
    expect(res.body.variables).toHaveProperty('dueAt');
    const steps = res.body.timeline.map((s: { elementId: string; actor: string | null }) => [s.elementId, s.actor]);
    expect(steps).toEqual([
      ['start', null],
      ['accept', 'xh.clerk'],
      ['review', 'xh.leader'],
      ['done', null],
    ]);
    const accept = res.body.timeline[1];
    expect(accept.task.waitingMs).toBeGreaterThanOrEqual(0);
    expect(accept.task.workingMs).toBeGreaterThanOrEqual(0);
    expect(res.body.path.completedElementIds).toEqual(['start', 'accept', 'review', 'done']);
    expect(res.body.diagram.xml).toContain('<bpmndi:BPMNDiagram');
    expect((await (await t.as('yh.manager')).get(`/api/v1/monitoring/instances/${xh[3]}`)).status).toBe(404);
  });

  it('answers the same statistics from the daily rollup as from the raw history', async () => {
    // given: one finished instance's history moved two days back (a closed day)
    const db = t.platform.db;
    const id = xh[3]!;
    const shift = `- interval '2 days'`;
    await db.raw(
      `UPDATE activity_history SET started_at = started_at ${shift}, ended_at = ended_at ${shift} WHERE instance_id = ?`,
      [id],
    );
    await db.raw(
      `UPDATE tasks SET created_at = created_at ${shift}, claimed_at = claimed_at ${shift}, completed_at = completed_at ${shift}, due_at = due_at ${shift} WHERE instance_id = ?`,
      [id],
    );
    const manager = await t.as('xh.manager');
    const path = `/api/v1/monitoring/activities?definitionKey=monitored&from=${iso(-5 * 24 * HOUR)}`;
    type Figures = { elementId: string; duration: unknown; waiting: unknown; working: unknown; sla: unknown };
    const statistics = async () =>
      ((await manager.get(path)).body.elements as Figures[]).map(({ elementId, duration, waiting, working, sla }) => ({
        elementId,
        duration,
        waiting,
        working,
        sla,
      }));
    // (start from an empty rollup, as on a database whose history predates it)
    await db('monitoring_element_stats').delete();
    await db('monitoring_rollup_state').update({ rolled_until: null });
    const before = await statistics();
    // when
    const rolled = await t.platform.services.monitoring.rollup.refresh();
    // then
    expect(rolled).not.toBeNull();
    expect((await db('monitoring_element_stats').count('* as n'))[0]?.n).not.toBe(0);
    const after = await statistics();
    expect(after).toEqual(before);
    expect(after.find((e) => e.elementId === 'review')?.duration).toMatchObject({ count: 1 });
    // and a second refresh adds nothing
    await t.platform.services.monitoring.rollup.refresh();
    expect(await statistics()).toEqual(before);
  });
  /** A finished activity of the `monitored` process in XH, written straight into the history. */
  const historyRow = (definitionId: string, elementId: string, executionId: string, endedAt: Date, ms: number) => ({
    instance_id: xh[0],
    definition_id: definitionId,
    definition_key: 'monitored',
    department_id: 'ZJ-HZ-XH',
    element_id: elementId,
    element_type: 'bpmn:Task',
    execution_id: executionId,
    started_at: new Date(endedAt.getTime() - ms),
    ended_at: endedAt,
    duration_ms: ms,
    outcome: 'completed',
  });

  it('bins each duration by the histogram edges, in the raw tail and in the rollup alike', async () => {
    // given: one element's history with known durations, on a closed day and today
    const db = t.platform.db;
    const { id: definitionId } = await db('process_definitions').where({ key: 'monitored' }).first('id');
    const durations = [0, 999, 1_000, 4_999, 45 * 60_000, 2 * 86_400_000, 40 * 86_400_000];
    const rows = (daysBack: number) =>
      durations.map((ms, i) =>
        historyRow(
          definitionId,
          'binned',
          `binned-${daysBack}-${i}`,
          new Date(Date.now() - daysBack * 24 * HOUR - 60_000),
          ms,
        ),
      );
    await db('activity_history').insert([...rows(0), ...rows(3)]);
    const expected = new Array<number>(BIN_COUNT).fill(0);
    for (const ms of durations) expected[BIN_EDGES_MS.filter((edge) => ms >= edge).length]! += 2;
    const rollup = t.platform.services.monitoring.rollup;
    const binned = async () => {
      const stats = await rollup.elementStats(
        [definitionId],
        { departmentIds: null },
        new Date(Date.now() - 5 * 24 * HOUR),
        new Date(),
      );
      return stats.get('binned')?.duration;
    };
    await db('monitoring_element_stats').delete();
    await db('monitoring_rollup_state').update({ rolled_until: null });
    // then: all from the raw rows
    const raw = await binned();
    expect(raw).toMatchObject({ count: 14, avgMs: Math.round(durations.reduce((a, b) => a + b, 0) / 7) });
    // when: the closed day is rolled up
    await rollup.refresh();
    // then: the same figures, half of them from the rollup's stored histogram
    expect(await binned()).toEqual(raw);
    const stored = await db('monitoring_element_stats')
      .where({ element_id: 'binned', metric: 'duration' })
      .first('bins', 'count');
    expect(Number(stored.count)).toBe(7);
    expect(stored.bins.map(Number)).toEqual(expected.map((n) => n / 2));
  });

  it("keeps the day's settled statistics per node and reads only what ended since", async () => {
    // given: a rollup service on a clock of the test's own, the watermark at a day's start
    const db = t.platform.db;
    const { id: definitionId } = await db('process_definitions').where({ key: 'monitored' }).first('id');
    let now = Date.now();
    const kept = new RollupService(db, { now: () => now });
    await kept.refresh();
    let n = 0;
    const ended = async (msAgo: number) => {
      await db('activity_history').insert(
        historyRow(definitionId, 'kept', `kept-${n++}`, new Date(now - msAgo), 2_000),
      );
    };
    const count = async (service: RollupService) => {
      const stats = await service.elementStats(
        [definitionId],
        { departmentIds: null },
        new Date(now - 5 * 24 * HOUR),
        new Date(now),
        ['duration'],
      );
      return stats.get('kept')?.duration.count ?? 0;
    };
    const fresh = () => count(new RollupService(db, { now: () => now }));
    await ended(5 * 60_000);
    await ended(4 * 60_000);
    expect(await count(kept)).toBe(2);
    // when: more end, some within the last minute (read raw), then time passes (they settle)
    await ended(10_000);
    expect(await count(kept)).toBe(3);
    now += 2 * 60_000;
    await ended(5_000);
    // then: the kept part grew by what settled, and the answer is what a fresh read gives
    expect(await count(kept)).toBe(4);
    expect(await fresh()).toBe(4);
    // and a row committed late, behind the kept part, counts once the kept part is read afresh
    await ended(3 * 60_000);
    expect(await fresh()).toBe(5);
    expect(await count(kept)).toBe(4);
    now += 11 * 60_000;
    expect(await count(kept)).toBe(5);
  });
});
