import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { serverDatabase, type ServerDatabase } from '../../support/platform.js';
import type { TestDatabase } from '../../support/database.js';

/**
 * A step rewrites its instance's row (engine state, revision, variables). With no indexed value
 * changed and room on the page, PostgreSQL keeps the new version on the page without an entry in
 * any of the table's indexes (a HOT update). Counted in the transaction itself by PostgreSQL's
 * own statistics (pg_stat_get_xact_tuples_hot_updated), so nothing waits for the statistics to
 * be flushed.
 */
describe('an instance’s step-like update is HOT unless an indexed value changes (PostgreSQL)', () => {
  let prepared: ServerDatabase & { database: TestDatabase };
  let db: Knex;
  let hallInstance: string;
  let staffInstance: string;

  beforeAll(async () => {
    prepared = await serverDatabase('postgres');
    db = prepared.database.db;
    // An application the hall started and an instance staff started, as the engine writes them.
    const definition = await db('process_definitions').first('id', 'key', 'version');
    const instance = (id: string, startedBy: string, variables: Record<string, unknown>) => ({
      id,
      definition_id: definition.id,
      definition_key: definition.key,
      definition_version: definition.version,
      status: 'running',
      state: JSON.stringify({ engine: 'state' }),
      variables: JSON.stringify(variables),
      started_by: startedBy,
    });
    hallInstance = randomUUID();
    staffInstance = randomUUID();
    await db('process_instances').insert([
      instance(hallInstance, 'hall', { applicantLoginId: 'login-1', customerName: '张三', customerId: 'C1' }),
      instance(staffInstance, 'clerk', { customerName: '李四', applicantLoginId: 42 }),
    ]);
  });

  afterAll(async () => {
    await prepared?.drop();
  });

  /**
   * Updates (all, HOT) of process_instances by `update`, in a transaction rolled back after. The
   * "xact" counters are the backend's not yet flushed: read before and after, in one transaction.
   */
  const counted = async (update: (trx: Knex.Transaction) => Promise<unknown>) => {
    const read = async (trx: Knex.Transaction) => {
      const { rows } = await trx.raw<{ rows: { updated: string; hot: string }[] }>(
        `SELECT pg_stat_get_xact_tuples_updated('process_instances'::regclass) AS updated,
                pg_stat_get_xact_tuples_hot_updated('process_instances'::regclass) AS hot`,
      );
      return { updated: Number(rows[0]!.updated), hot: Number(rows[0]!.hot) };
    };
    let counts: { updated: number; hot: number } | undefined;
    await db
      .transaction(async (trx) => {
        const before = await read(trx);
        await update(trx);
        const after = await read(trx);
        counts = { updated: after.updated - before.updated, hot: after.hot - before.hot };
        throw new Error('rolled back');
      })
      .catch((err: Error) => {
        if (err.message !== 'rolled back') throw err;
      });
    return counts!;
  };

  const step = (id: string, variables: Record<string, unknown>) => (trx: Knex.Transaction) =>
    trx('process_instances')
      .where({ id })
      .update({
        variables: trx.raw('variables || ?::jsonb', [JSON.stringify(variables)]),
        state: trx.raw(`coalesce(state, '{}'::jsonb) || '{"stepped": true}'::jsonb`),
        revision: trx.raw('revision + 1'),
      });

  it('a step that sets variables of an application the hall started', async () => {
    expect(await counted(step(hallInstance, { approved: true, note: 'checked on site' }))).toEqual({
      updated: 1,
      hot: 1,
    });
  });

  it('a step that sets variables of an instance staff started', async () => {
    expect(await counted(step(staffInstance, { approved: false }))).toEqual({ updated: 1, hot: 1 });
  });

  it('but not one that changes an indexed value: the applicant, the customer’s name', async () => {
    expect(await counted(step(hallInstance, { applicantLoginId: 'someone-else' }))).toEqual({ updated: 1, hot: 0 });
    expect(await counted(step(staffInstance, { customerName: '另一位客户' }))).toEqual({ updated: 1, hot: 0 });
  });

  it('the applicant column follows the variable, strings only', async () => {
    const rows = await db('process_instances')
      .whereIn('id', [hallInstance, staffInstance])
      .orderBy('started_by')
      .select('started_by', 'applicant_login_id');
    expect(rows).toEqual([
      { started_by: 'clerk', applicant_login_id: null },
      { started_by: 'hall', applicant_login_id: 'login-1' },
    ]);
  });
});
