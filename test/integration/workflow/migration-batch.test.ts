import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { completeTask, deploy, fixture, openTasks, start } from '../../support/workflow.js';

const INSTANCES = 60;

/**
 * Migration batches run by several workers at once (each item still one transaction): no instance
 * is migrated twice, a refused one stays exactly as it was, and both ways of moving an instance —
 * rewriting its rows directly when its waits keep their behaviour, or by an engine step when they
 * change — leave it running on the target.
 */
describe.each(BACKENDS)('migration batches with concurrent workers (%s)', (backend) => {
  let t: TestPlatform;
  let admin: ApiClient;
  let clerk: ApiClient;
  let leader: ApiClient;
  const clock = new TestClock('2025-03-03T01:00:00Z');
  const escalation = fixture('timer-boundary.escalates.bpmn');
  let v1: { id: string };

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock, jobs: false });
    v1 = await deploy(await t.as('designer'), escalation);
    admin = await t.as('admin');
    clerk = await t.as('xh.clerk');
    leader = await t.as('xh.leader');
  });
  afterAll(() => t?.close());

  const db = () => t.database.db;
  const snapshot = async (id: string) => ({
    instance: await db()('process_instances')
      .where({ id })
      .first('state', 'variables', 'revision', 'status', 'definition_id', 'suspended_at'),
    tasks: await db()('tasks').where({ instance_id: id }).orderBy('id').select('id', 'element_id', 'name', 'revision'),
    jobs: await db()('jobs').where({ instance_id: id }).orderBy('id').select('id', 'element_id', 'due_at'),
  });
  const timers = (id: string) =>
    db()('jobs')
      .where({ instance_id: id, type: 'timer' })
      .orderBy('element_id')
      .select('element_id', 'due_at')
      .then((rows: { element_id: string; due_at: Date }[]) =>
        rows.map((r) => [r.element_id, new Date(r.due_at).toISOString()]),
      );

  it('runs one batch on many workers at once: every instance migrated exactly once, a refused one unchanged', async () => {
    // given instances of v1, one of them suspended (a migration refuses it), and a v2 with new wording
    const ids: string[] = [];
    for (let i = 0; i < INSTANCES; i++)
      ids.push((await start(clerk, 'escalation', { definitionId: v1.id, departmentId: 'ZJ-HZ-XH' })).id);
    const suspended = ids[17]!;
    expect((await leader.post(`/api/v1/process-instances/${suspended}/suspend`, { reason: 'audit' })).status).toBe(200);
    const before = await snapshot(suspended);
    const timersBefore = await timers(ids[0]!);
    const v2 = await deploy(await t.as('designer'), escalation.replace('Do the work', 'Do the work (v2)'));

    // when the selection becomes a batch and two drains (each with the node's workers) race for it
    const res = await admin.post('/api/v1/process-instances/migrate', {
      targetDefinitionId: v2.id,
      instanceIds: ids,
      reason: 'new wording',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [a, b] = await Promise.all([t.platform.batchRunner.drain(), t.platform.batchRunner.drain()]);
    expect(a + b).toBe(INSTANCES);

    // then the batch completed with one result per instance and exact counts
    const batch = await admin.get(`/api/v1/batches/${res.body.batchId}?status=failed`);
    expect(batch.body).toMatchObject({ status: 'completed', total: INSTANCES, succeeded: INSTANCES - 1, failed: 1 });
    expect(batch.body.items.items).toEqual([
      expect.objectContaining({ instanceId: suspended, status: 'failed', errorCode: 'INSTANCE_SUSPENDED' }),
    ]);
    // each migrated instance moved once: one log row, one audit row, its revision up by one
    const logged = await db()('operation_log')
      .whereIn('instance_id', ids)
      .where({ operation: 'migrate' })
      .groupBy('instance_id')
      .select('instance_id', db().raw('count(*)::int as n'));
    expect(logged).toHaveLength(INSTANCES - 1);
    expect(logged.every((r: { n: number }) => r.n === 1)).toBe(true);
    const audited = await db()('audit_log').where({ action: 'instance.migrate' }).whereIn('object_id', ids);
    expect(audited).toHaveLength(INSTANCES - 1);
    const onV2 = await db()('process_instances').whereIn('id', ids).where({ definition_id: v2.id });
    expect(onV2).toHaveLength(INSTANCES - 1);
    const migratedRow = await db()('process_instances').where({ id: ids[0] }).first('revision');
    expect(migratedRow.revision).toBe(2);
    // the refused instance is exactly as it was
    expect(await snapshot(suspended)).toEqual(before);
    // timers keep their due times; the task takes the new name and goes on in v2
    expect(await timers(ids[0]!)).toEqual(timersBefore);
    const [task] = await openTasks(clerk, ids[0]!);
    expect(task).toMatchObject({ elementId: 'work', name: 'Do the work (v2)' });
    clock.advance('PT2H');
    await t.platform.executor.drain();
    const reminded = await db()('tasks').where({ instance_id: ids[0], element_id: 'reminder' }).first('definition_id');
    expect(reminded?.definition_id, 'the v2 reminder timer fired').toBe(v2.id);
  });

  it('moves an instance by an engine step when its waits change, and renames elements by a mapping', async () => {
    // given two waiting instances, and a v3 whose reminder is another duration and whose task is renamed
    const changed = (await start(clerk, 'escalation', { definitionId: v1.id, departmentId: 'ZJ-HZ-XH' })).id;
    const renamed = (await start(clerk, 'escalation', { definitionId: v1.id, departmentId: 'ZJ-HZ-XH' })).id;
    const dueBefore = await timers(changed);
    const v3 = await deploy(
      await t.as('designer'),
      escalation.replace('<timeDuration>PT1H</timeDuration>', '<timeDuration>PT3H</timeDuration>'),
    );
    const v4 = await deploy(
      await t.as('designer'),
      escalation.replace(/"work"/g, '"job"').replace('Do the work', 'Do the job'),
    );

    // when each is migrated
    const byStep = await admin.post('/api/v1/process-instances/migrate', {
      targetDefinitionId: v3.id,
      instanceIds: [changed],
    });
    expect(byStep.body, JSON.stringify(byStep.body)).toMatchObject({ migrated: [changed], failed: [] });
    const byMapping = await admin.post('/api/v1/process-instances/migrate', {
      targetDefinitionId: v4.id,
      instanceIds: [renamed],
      mapping: { work: 'job' },
    });
    expect(byMapping.body, JSON.stringify(byMapping.body)).toMatchObject({ migrated: [renamed], failed: [] });

    // then the changed timer was made again for v3 with its due time kept
    expect(await timers(changed)).toEqual(dueBefore);
    // and the renamed task, its history and its timers name v4's element
    const [task] = await openTasks(clerk, renamed);
    expect(task).toMatchObject({ elementId: 'job', name: 'Do the job' });
    const history = await db()('activity_history')
      .where({ instance_id: renamed })
      .whereNull('ended_at')
      .select('element_id', 'definition_id');
    expect(history.filter((h: { element_id: string }) => h.element_id === 'work')).toEqual([]);
    expect(history.every((h: { definition_id: string }) => h.definition_id === v4.id)).toBe(true);
    expect((await timers(renamed)).map(([element]) => element)).toEqual(['overdue', 'remind']);
    // both go on in their new versions: the renamed task completes, the v3 timer fires
    await completeTask(clerk, task!.id);
    expect((await db()('process_instances').where({ id: renamed }).first('status')).status).toBe('completed');
    clock.advance('P3D');
    await t.platform.executor.drain();
    const escalated = await db()('tasks').where({ instance_id: changed, element_id: 'escalated' }).first('id');
    expect(escalated, 'the overdue timer fired in v3').toBeTruthy();
  });
});
