import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { deploy, start, twoStepProcess } from '../../support/workflow.js';
import { historyEndsStatement } from '../../../server/workflow/history.repository.js';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/**
 * A step closes the activities it ended by execution id. With old statistics (a new database, a
 * burst of starts) PostgreSQL may instead read every open activity of every instance through the
 * partial index of open activities and join them with the few ended ones; then each step costs in
 * proportion to all the work in progress. The statement must find its rows by the unique index.
 */
describe.each(BACKENDS)('closing a step’s activities (%s)', (backend) => {
  let t: TestPlatform;
  let instanceId: string;
  let executionId: string;
  let otherExecutionId: string;

  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    await deploy(await t.as('designer'), twoStepProcess('historyPlan'));
    const clerk = await t.as('xh.clerk');
    instanceId = (await start(clerk, 'historyPlan', { departmentId: 'ZJ-HZ-XH' })).id;
    const db = t.database.db;
    const open = await db('activity_history').where({ instance_id: instanceId, element_id: 'first' }).first();
    executionId = open.execution_id;
    // Statistics taken while nearly every activity has ended, and kept so (what a database looks
    // like until its next analyze); then the work in progress grows past them.
    const row = (i: number, prefix: string, ended: boolean) => ({
      instance_id: instanceId,
      definition_id: open.definition_id,
      definition_key: open.definition_key,
      department_id: open.department_id,
      element_id: 'first',
      element_type: 'bpmn:UserTask',
      execution_id: `${prefix}_${i}_${randomUUID()}`,
      started_at: new Date(),
      ...(ended ? { ended_at: new Date(), duration_ms: 0, outcome: 'completed' } : {}),
    });
    const insert = async (prefix: string, ended: boolean) => {
      for (let i = 0; i < 3000; i += 500)
        await db('activity_history').insert(Array.from({ length: 500 }, (_, j) => row(i + j, prefix, ended)));
    };
    await db.raw('ALTER TABLE activity_history SET (autovacuum_enabled = false)');
    await insert('ended', true);
    await db.raw('ANALYZE activity_history');
    await insert('open', false);
    otherExecutionId = (await db('activity_history').where('execution_id', 'like', 'open_1_%').first()).execution_id;
  });
  afterAll(() => t?.close());

  it('finds the ended activity by its execution id, not by reading every open one', async () => {
    const at = new Date();
    // Two ended in one step, as a completion that passes a gateway has.
    const { sql, bindings } = historyEndsStatement(
      [executionId, otherExecutionId].map((id) => ({
        event: 'end' as const,
        executionId: id,
        elementId: 'first',
        elementType: 'bpmn:UserTask',
        at,
      })),
      'xh.clerk',
    );
    const db = t.database.db;
    // EXPLAIN ANALYZE runs the update: in a transaction rolled back, so the next test finds the row open.
    const rollback = new Error('rollback');
    let plan: PlanNode | null = null;
    await db
      .transaction(async (trx) => {
        const result = await trx.raw(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, bindings as never[]);
        const raw = (result.rows as { 'QUERY PLAN': unknown }[])[0]!['QUERY PLAN'];
        plan = ((typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[])[0]!.Plan;
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
      });
    const scans = nodes(plan!).filter(
      (n) => n['Relation Name'] === 'activity_history' && n['Node Type'] !== 'ModifyTable',
    );
    expect(scans.map((n) => n['Index Name'] ?? n['Node Type'])).toEqual(['activity_history_execution_id_unique']);
    expect(scans[0]!['Actual Rows']).toBeGreaterThan(0);
    expect(scans.every((n) => (n['Actual Rows'] ?? 0) <= 1)).toBe(true);
  });

  it('closes the activity once: a replayed end keeps the first end’s values', async () => {
    const db = t.database.db;
    const first = new Date(Date.now() + 1000);
    const again = new Date(Date.now() + 60_000);
    const end = (at: Date, actor: string) =>
      historyEndsStatement(
        [{ event: 'end', executionId, elementId: 'first', elementType: 'bpmn:UserTask', at }],
        actor,
      );
    const one = end(first, 'xh.clerk');
    await db.raw(one.sql, one.bindings as never[]);
    const closed = await db('activity_history').where({ execution_id: executionId }).first();
    expect(closed).toMatchObject({ outcome: 'completed', actor: 'xh.clerk' });
    expect(new Date(closed.ended_at).getTime()).toBe(first.getTime());
    expect(Number(closed.duration_ms)).toBe(first.getTime() - new Date(closed.started_at).getTime());

    const two = end(again, 'someone.else');
    await db.raw(two.sql, two.bindings as never[]);
    const after = await db('activity_history').where({ execution_id: executionId }).first();
    expect(after).toEqual(closed);
  });
});
