import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchTypeRegistry } from '../../../server/batches/batch-types.js';
import { GuardedLane } from '../../../server/batches/guarded-lane.js';
import { migrateBatchType } from '../../../server/batches/migrate-batch-type.js';
import { TestClock } from '../../../server/lib/clock.js';
import { EventBus } from '../../../server/workflow/outbox.js';
import { Transactions } from '../../../server/workflow/transactions.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { completeTask, deploy, fixture, openTasks, start } from '../../support/workflow.js';

/**
 * The batch runner's guarded lane (server/batches/guarded-lane.ts) reads an item's instance
 * without a lock and writes the whole migration as one statement guarded by the row as read.
 * Driven here step by step: read, someone else's change, write.
 */
describe.each(BACKENDS)('migration batch items in the guarded lane (%s)', (backend) => {
  let t: TestPlatform;
  let admin: ApiClient;
  let clerk: ApiClient;
  let lane: GuardedLane;
  const clock = new TestClock('2025-03-03T01:00:00Z');
  const escalation = fixture('timer-boundary.escalates.bpmn');
  let v1: { id: string };

  beforeAll(async () => {
    t = await startTestPlatform(backend, { clock, jobs: false });
    v1 = await deploy(await t.as('designer'), escalation);
    admin = await t.as('admin');
    clerk = await t.as('xh.clerk');
    const types = new BatchTypeRegistry();
    types.register(migrateBatchType(t.platform.services.instanceOperations));
    lane = new GuardedLane(t.database.db, new Transactions(t.database.db, new EventBus()), types, 'lane-test');
  });
  afterAll(() => t?.close());

  const db = () => t.database.db;
  /** The instance's row and its tasks' and jobs' rows as text, with the row's `xmin` (any write changes it). */
  const exactly = async (id: string) => ({
    instance: (await db().raw(`SELECT p::text AS row, xmin::text AS xmin FROM process_instances p WHERE id = ?`, [id]))
      .rows,
    tasks: (await db().raw(`SELECT t::text AS row FROM tasks t WHERE instance_id = ? ORDER BY id`, [id])).rows,
    jobs: (await db().raw(`SELECT j::text AS row FROM jobs j WHERE instance_id = ? ORDER BY id`, [id])).rows,
  });
  const batchOf = async (instanceId: string, targetDefinitionId: string) => {
    const res = await admin.post('/api/v1/batches', {
      type: 'migrate',
      reason: 'guarded lane',
      instanceIds: [instanceId],
      params: { targetDefinitionId },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const item = (batchId: string) =>
    db()('batch_items').where({ batch_id: batchId }).first('status', 'error_code', 'error', 'node_id');

  it('moves an unchanged instance in one statement; one advanced since the read keeps its change and is retried locked', async () => {
    // given two waiting instances in one v2 batch each, read by the lane
    const v2 = await deploy(await t.as('designer'), escalation.replace('Do the work', 'Do the work (v2)'));
    const still = (await start(clerk, 'escalation', { definitionId: v1.id, departmentId: 'ZJ-HZ-XH' })).id;
    const advanced = (await start(clerk, 'escalation', { definitionId: v1.id, departmentId: 'ZJ-HZ-XH' })).id;
    const stillBatch = await batchOf(still, v2.id);
    const advancedBatch = await batchOf(advanced, v2.id);
    const read = await lane.read(lane.typeNames(), 10, []);
    const readOf = (id: string) => read.find((r) => r.instance_id === id)!;
    expect(readOf(advanced).instance?.revision).toBe(1);

    // when a clerk completes the second instance's task after the read, and the lane writes both
    const [task] = await openTasks(clerk, advanced);
    await completeTask(clerk, task!.id);
    const afterCompletion = await exactly(advanced);
    const moved = await lane.run(readOf(still));
    const overwritten = await lane.run(readOf(advanced));

    // then the unchanged one moved, with its item's result, in the one statement
    expect(moved).toBe(true);
    expect(await db()('process_instances').where({ id: still }).first('definition_id', 'revision')).toEqual({
      definition_id: v2.id,
      revision: 2,
    });
    expect(await item(stillBatch)).toMatchObject({ status: 'succeeded', node_id: 'lane-test' });
    // and the advanced one was not touched: its own change wins, its item still pending
    expect(overwritten).toBe(false);
    expect(await exactly(advanced)).toEqual(afterCompletion);
    expect(await item(advancedBatch)).toMatchObject({ status: 'pending' });
    // the locked path then decides on the instance as it now is: it ended, so it is refused with the reason
    await t.platform.batchRunner.drain();
    expect(await item(advancedBatch)).toMatchObject({ status: 'failed', error_code: 'MIGRATION_REFUSED' });
    expect((await item(advancedBatch)).error).toMatch(/completed/);
    expect(await exactly(advanced)).toEqual(afterCompletion);
  });

  it('leaves a refused instance byte for byte unchanged', async () => {
    // given a waiting instance and a target without its task (renamed, no mapping)
    const v4 = await deploy(await t.as('designer'), escalation.replace(/"work"/g, '"job"'));
    const id = (await start(clerk, 'escalation', { definitionId: v1.id, departmentId: 'ZJ-HZ-XH' })).id;
    const batchId = await batchOf(id, v4.id);
    const before = await exactly(id);

    // when the lane reads it and the runner runs the item
    const [read] = (await lane.read(lane.typeNames(), 10, [])).filter((r) => r.batch_id === batchId);
    expect(await lane.run(read!)).toBe(false);
    await t.platform.batchRunner.drain();

    // then the item failed with the reason, and not a byte of the instance, its tasks or jobs changed
    expect(await item(batchId)).toMatchObject({ status: 'failed', error_code: 'MIGRATION_REFUSED' });
    expect((await item(batchId)).error).toMatch(/work/);
    expect(await exactly(id)).toEqual(before);
  });
});
