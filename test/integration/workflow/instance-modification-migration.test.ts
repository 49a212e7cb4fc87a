import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { completeTask, deploy, fixture, openTasks, start } from '../../support/workflow.js';

/**
 * Process instance modification and migration between versions (Camunda 7's two operator tools):
 * each runs as one step on the instance, and a refusal leaves the instance exactly as it was.
 */
describe.each(BACKENDS)('instance modification and migration (%s)', (backend) => {
  let t: TestPlatform;
  let admin: ApiClient;
  let clerk: ApiClient;
  let collector: ApiClient;
  const clock = new TestClock('2025-03-03T01:00:00Z');
  let v1: { id: string };
  let v2: { id: string };
  let miV1: { id: string };

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock, jobs: false });
    const designer = await t.as('designer');
    await deploy(designer, fixture('timer-boundary.escalates.bpmn'));
    v1 = await deploy(designer, fixture('migration.v1.bpmn'));
    v2 = await deploy(designer, fixture('migration.v2.bpmn'));
    miV1 = await deploy(designer, fixture('multi-instance.parallel.bpmn'));
    admin = await t.as('admin');
    clerk = await t.as('xh.clerk');
    collector = await t.as('xh.collector');
  });
  afterAll(() => t?.close());

  const db = () => t.database.db;
  const jobs = (id: string) =>
    db()('jobs').where({ instance_id: id }).orderBy('element_id').select('element_id', 'execution_id', 'due_at');
  const subscriptions = (id: string) =>
    db()('message_subscriptions').where({ instance_id: id }).orderBy('element_id').select('element_id', 'message_name');
  const openTaskRows = (id: string) =>
    db()('tasks')
      .where({ instance_id: id, status: 'open' })
      .orderBy('element_id')
      .select('id', 'element_id', 'name', 'form_key', 'assignee', 'definition_id');
  /** Everything a refusal must leave as it was. */
  const snapshot = async (id: string) => ({
    instance: await db()('process_instances')
      .where({ id })
      .first('state', 'variables', 'revision', 'status', 'definition_id', 'definition_version'),
    tasks: await openTaskRows(id),
    jobs: await jobs(id),
    subscriptions: await subscriptions(id),
  });
  const modify = (client: ApiClient, id: string, instructions: unknown[], reason = 'operator fix') =>
    client.post(`/api/v1/process-instances/${id}/modification`, { instructions, reason });

  describe('modification', () => {
    it('cancels a user task and starts it again: a new task, its boundary timers made again; audited', async () => {
      const { id, tasks } = await start(clerk, 'escalation', { departmentId: 'ZJ-HZ-XH' });
      const before = await jobs(id);
      expect(before.map((j) => j.element_id)).toEqual(['overdue', 'remind']);
      clock.advance('PT10M');

      const res = await modify(admin, id, [
        { type: 'cancel', activityId: 'work' },
        { type: 'startBeforeActivity', activityId: 'work' },
      ]);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.cancelled.map((c: { activityId: string }) => c.activityId)).toEqual(['work']);

      const open = await openTaskRows(id);
      expect(open.map((x) => x.element_id)).toEqual(['work']);
      expect(open[0]!.id).not.toBe(tasks[0]!.id);
      expect((await db()('tasks').where({ id: tasks[0]!.id }).first('status')).status).toBe('cancelled');
      const after = await jobs(id);
      expect(after.map((j) => j.element_id)).toEqual(['overdue', 'remind']);
      expect(after.map((j) => j.execution_id)).not.toEqual(before.map((j) => j.execution_id));
      // counted again from the restart
      expect(new Date(after[1]!.due_at).getTime() - new Date(before[1]!.due_at).getTime()).toBe(10 * 60_000);

      const log = await db()('operation_log').where({ instance_id: id, operation: 'modify' }).first('actor', 'details');
      expect(log.actor).toBe('admin');
      expect(log.details.reason).toBe('operator fix');
      const audit = await db()('audit_log').where({ action: 'instance.modify', object_id: id }).first('details');
      expect(audit).toBeTruthy();
    });

    it('starts after an activity (its one outgoing flow) and cancels with the boundary timers going too', async () => {
      const { id } = await start(clerk, 'escalation', { departmentId: 'ZJ-HZ-XH' });
      const res = await modify(admin, id, [
        { type: 'cancel', activityId: 'work' },
        { type: 'startBeforeActivity', activityId: 'escalated', variables: { escalatedBy: 'admin' } },
      ]);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await openTaskRows(id)).map((x) => x.element_id)).toEqual(['escalated']);
      expect(await jobs(id)).toEqual([]);
      expect((await db()('process_instances').where({ id }).first('variables')).variables).toMatchObject({
        escalatedBy: 'admin',
      });

      const { id: other } = await start(clerk, 'escalation', { departmentId: 'ZJ-HZ-XH' });
      const after = await modify(admin, other, [{ type: 'startAfterActivity', activityId: 'reminder' }]);
      expect(after.status, JSON.stringify(after.body)).toBe(200);
      const history = await db()('activity_history').where({ instance_id: other, element_id: 'reminderEnd' });
      expect(history).toHaveLength(1);
      expect((await openTaskRows(other)).map((x) => x.element_id)).toEqual(['work']);
    });

    it('removes and makes again a message subscription, and works inside an active sub-process', async () => {
      const { id } = await start(clerk, 'migrationDemo', {
        departmentId: 'ZJ-HZ-XH',
        businessKey: `MOD-${Math.random()}`,
      });
      expect(await subscriptions(id)).toEqual([{ element_id: 'paid', message_name: 'migration-paid' }]);

      const cancelled = await modify(admin, id, [
        { type: 'cancel', activityId: 'paid' },
        { type: 'cancel', activityId: 'check' },
        { type: 'startBeforeActivity', activityId: 'cool' },
      ]);
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      expect(await subscriptions(id)).toEqual([]);
      expect((await openTaskRows(id)).map((x) => x.element_id)).toEqual(['review']);
      expect((await jobs(id)).map((j) => j.element_id)).toEqual(['cool', 'overdue']);

      const restarted = await modify(admin, id, [{ type: 'startBeforeActivity', activityId: 'paid' }]);
      expect(restarted.status, JSON.stringify(restarted.body)).toBe(200);
      expect(await subscriptions(id)).toEqual([{ element_id: 'paid', message_name: 'migration-paid' }]);
    });

    it('refuses what it cannot do, with a reason, and changes nothing', async () => {
      const { id } = await start(clerk, 'escalation', { departmentId: 'ZJ-HZ-XH' });
      const before = await snapshot(id);

      const unknown = await modify(admin, id, [{ type: 'cancel', activityId: 'nope' }]);
      expect(unknown.status).toBe(400);
      const running = await modify(admin, id, [{ type: 'startBeforeActivity', activityId: 'work' }]);
      expect(running.status).toBe(409);
      expect(running.body.code).toBe('MODIFICATION_REFUSED');
      expect(running.body.detail ?? running.body.message ?? running.body.title).toBeTruthy();
      // a later instruction refused: the earlier ones are not kept either
      const half = await modify(admin, id, [
        { type: 'cancel', activityId: 'work' },
        { type: 'startBeforeActivity', activityId: 'escalated' },
        { type: 'cancel', activityId: 'reminder' },
      ]);
      expect(half.status).toBe(409);
      const empty = await modify(admin, id, [{ type: 'cancel', activityId: 'work' }]);
      expect(empty.status).toBe(409);
      const noReason = await admin.post(`/api/v1/process-instances/${id}/modification`, {
        instructions: [{ type: 'cancel', activityId: 'work' }],
      });
      expect(noReason.status).toBe(400);
      const forbidden = await modify(clerk, id, [
        { type: 'cancel', activityId: 'work' },
        { type: 'startBeforeActivity', activityId: 'work' },
      ]);
      expect(forbidden.status).toBe(403);

      expect(await snapshot(id)).toEqual(before);
    });

    it('refuses to cancel one iteration of a multi-instance activity', async () => {
      const { id } = await start(clerk, 'miParallel', {
        departmentId: 'ZJ-HZ-XH',
        variables: { inspectors: ['a', 'b'] },
      });
      const before = await snapshot(id);
      const iteration = (await db()('tasks').where({ instance_id: id }).first('execution_id')).execution_id;
      const res = await modify(admin, id, [{ type: 'cancel', activityInstanceId: iteration }]);
      expect(res.status).toBe(409);
      expect(JSON.stringify(res.body)).toContain('multi-instance');
      expect(await snapshot(id)).toEqual(before);
    });
  });

  describe('migration', () => {
    it('plans by element id and names what has no counterpart', async () => {
      const res = await admin.get(
        `/api/v1/process-instances/migration-plan?sourceDefinitionId=${v1.id}&targetDefinitionId=${miV1.id}`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.unmapped.map((u: { elementId: string }) => u.elementId)).toContain('review');
      const same = await admin.get(
        `/api/v1/process-instances/migration-plan?sourceDefinitionId=${v1.id}&targetDefinitionId=${v2.id}`,
      );
      expect(same.body.mapping).toMatchObject({ review: 'review', paid: 'paid', sub: 'sub', check: 'check' });
      expect(same.body.unmapped).toEqual([]);
      const denied = await clerk.get(
        `/api/v1/process-instances/migration-plan?sourceDefinitionId=${v1.id}&targetDefinitionId=${v2.id}`,
      );
      expect(denied.status).toBe(403);
    });

    it('moves waiting instances to v2 (task, timer, message, sub-process), refuses others unchanged, and v2 runs to the end', async () => {
      const businessKey = `MIG-${Math.random()}`;
      const a = await start(clerk, 'migrationDemo', { definitionId: v1.id, departmentId: 'ZJ-HZ-XH', businessKey });
      const b = await start(clerk, 'migrationDemo', {
        definitionId: v1.id,
        departmentId: 'ZJ-HZ-XH',
        businessKey: `${businessKey}-b`,
      });
      const mi = await start(clerk, 'miParallel', { departmentId: 'ZJ-HZ-XH', variables: { inspectors: ['a'] } });
      const review = (await openTasks(clerk, a.id)).find((x) => x.elementId === 'review')!;
      expect((await clerk.post(`/api/v1/tasks/${review.id}/claim`)).status).toBe(200);
      const timersBefore = await jobs(a.id);
      const miBefore = await snapshot(mi.id);

      const res = await admin.post('/api/v1/process-instances/migrate', {
        targetDefinitionId: v2.id,
        instanceIds: [a.id, mi.id, b.id],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.migrated).toEqual([a.id, b.id]);
      expect(res.body.failed).toHaveLength(1);
      expect(res.body.failed[0].id).toBe(mi.id);
      expect(res.body.failed[0].reason).toMatch(/inspect/);
      expect(await snapshot(mi.id)).toEqual(miBefore);

      const row = await db()('process_instances').where({ id: a.id }).first('definition_id', 'definition_version');
      expect(row.definition_id).toBe(v2.id);
      const tasks = await openTaskRows(a.id);
      const migrated = tasks.find((x) => x.element_id === 'review')!;
      expect(migrated).toMatchObject({
        id: review.id,
        name: 'Review v2',
        form_key: 'generic.review',
        definition_id: v2.id,
      });
      expect(migrated.assignee).toBe(review.assignee ?? 'xh.clerk');
      expect(tasks.find((x) => x.element_id === 'check')?.definition_id).toBe(v2.id);
      // the timer keeps its due time, re-created for the target's element
      expect((await jobs(a.id)).map((j) => [j.element_id, new Date(j.due_at).getTime()])).toEqual(
        timersBefore.map((j) => [j.element_id, new Date(j.due_at).getTime()]),
      );
      expect(await subscriptions(a.id)).toEqual([{ element_id: 'paid', message_name: 'migration-paid' }]);
      expect(await db()('operation_log').where({ instance_id: a.id, operation: 'migrate' })).toHaveLength(1);

      // already there: refused with its reason
      const again = await admin.post('/api/v1/process-instances/migrate', {
        targetDefinitionId: v2.id,
        instanceIds: [a.id],
      });
      expect(again.body.failed[0].reason).toMatch(/already/);

      // on to the end, through v2's new step
      await completeTask(clerk, review.id);
      const delivered = await collector.post('/api/v1/messages', { name: 'migration-paid', businessKey });
      expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
      const check = (await openTasks(clerk, a.id)).find((x) => x.elementId === 'check')!;
      await completeTask(clerk, check.id);
      clock.advance('PT2H');
      await t.platform.executor.drain();
      const approve = (await openTasks(clerk, a.id)).find((x) => x.elementId === 'approve');
      expect(approve, 'v2 goes on to its new step').toBeTruthy();
      await completeTask(clerk, approve!.id);
      const done = await db()('process_instances').where({ id: a.id }).first('status');
      expect(done.status).toBe('completed');
    });

    it('hands a selection of more than 50 instances to a migrate batch', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 51; i++) ids.push((await start(clerk, 'escalation', { departmentId: 'ZJ-HZ-XH' })).id);
      const designer = await t.as('designer');
      const next = await deploy(
        designer,
        fixture('timer-boundary.escalates.bpmn').replace('Do the work', 'Do the work (v2)'),
      );
      const res = await admin.post('/api/v1/process-instances/migrate', {
        targetDefinitionId: next.id,
        instanceIds: ids,
        reason: 'new wording',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.batchId).toBeTruthy();
      await t.platform.batchRunner.drain();
      const batch = await db()('batches')
        .where({ id: res.body.batchId })
        .first('type', 'succeeded', 'failed', 'status');
      expect(batch).toMatchObject({ type: 'migrate', succeeded: 51, failed: 0, status: 'completed' });
      const names = await db()('tasks').whereIn('instance_id', ids).where({ status: 'open' }).distinct('name');
      expect(names).toEqual([{ name: 'Do the work (v2)' }]);
    });

    it('refuses a migration whose mapping sends an active step to another kind of element', async () => {
      const { id } = await start(clerk, 'migrationDemo', {
        definitionId: v1.id,
        departmentId: 'ZJ-HZ-XH',
        businessKey: `MAP-${Math.random()}`,
      });
      const before = await snapshot(id);
      const res = await admin.post('/api/v1/process-instances/migrate', {
        targetDefinitionId: v2.id,
        instanceIds: [id],
        mapping: { review: 'paid' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.migrated).toEqual([]);
      expect(res.body.failed[0].reason).toMatch(/review/);
      expect(await snapshot(id)).toEqual(before);
      const forbidden = await clerk.post('/api/v1/process-instances/migrate', {
        targetDefinitionId: v2.id,
        instanceIds: [id],
      });
      expect(forbidden.status).toBe(403);
    });
  });
});
