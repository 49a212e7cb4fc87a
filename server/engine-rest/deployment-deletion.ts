import type { Knex } from 'knex';
import type { Actor } from '../lib/actor.js';
import type { EngineRestContext } from './context.js';
import { CamundaError } from './errors.js';

interface Reference {
  table: string;
  column: string;
  ref_column: string;
}

/** The foreign keys pointing at `table` (read from the catalogue, so tables added later are covered). */
async function referencing(trx: Knex.Transaction, table: string): Promise<Reference[]> {
  const result = await trx.raw<{ rows: Reference[] }>(
    `SELECT cl.relname AS "table", a.attname AS "column", fa.attname AS ref_column
       FROM pg_constraint c
       JOIN pg_class cl ON cl.oid = c.conrelid
       JOIN pg_class rf ON rf.oid = c.confrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
      WHERE c.contype = 'f' AND rf.relname = ? AND rf.relnamespace = cl.relnamespace
        AND rf.relnamespace = current_schema()::regnamespace`,
    [table],
  );
  return result.rows;
}

/** Deletes the rows of `table` whose `column` is in `values`, and first every row that refers to them. */
async function purge(
  trx: Knex.Transaction,
  table: string,
  column: string,
  values: Knex.QueryBuilder | string[],
  depth = 0,
): Promise<void> {
  if (depth > 8) throw new Error(`deployment deletion: references nest deeper than 8 tables at ${table}`);
  for (const ref of await referencing(trx, table)) {
    // A table's reference to itself (a called instance's parent) is within the rows deleted at once.
    if (ref.table === table) continue;
    const keys = trx(table).select(ref.ref_column).whereIn(column, values);
    await purge(trx, ref.table, ref.column, keys, depth + 1);
  }
  await trx(table).whereIn(column, values).delete();
}

/**
 * DELETE /deployment/{id}: Camunda's cascade semantics. Without cascade, a deployment whose
 * definitions have running instances is refused (ENGINE-03070, 500 ProcessEngineException); with
 * cascade, running instances are cancelled through the instance service (the actor's own cancel
 * permission and scope apply) and then every instance, called instance, task, job and history row
 * of the deployment is removed with its definitions and forms links. The platform keeps history
 * with its definition, so a deployment with only finished instances also needs cascade.
 */
export async function deleteDeployment(c: EngineRestContext, id: string, cascade: boolean, actor: Actor) {
  const db = c.services.db;
  const definitions = db('process_definitions').select('id').where({ deployment_id: id });
  const instances = () =>
    db
      .withRecursive('tree', (q) => {
        void q
          .select('id')
          .from('process_instances')
          .whereIn('definition_id', definitions.clone())
          .union((u) => {
            void u.select('p.id').from('process_instances as p').join('tree', 'p.parent_instance_id', 'tree.id');
          });
      })
      .select<{ id: string }[]>('id')
      .from('tree');
  const ids = (await instances()).map((r) => r.id);
  if (ids.length && !cascade) {
    const running = await db('process_instances')
      .whereIn('id', ids)
      .whereIn('status', ['running', 'failed'])
      .count<{ n: string | number }[]>({ n: '*' });
    const count = Number(running[0]?.n ?? 0);
    throw new CamundaError(
      500,
      'ProcessEngineException',
      count
        ? `ENGINE-03070 Deletion of process definition without cascading failed. The deployment ${id} has ${count} running process instance(s); delete with cascade=true to remove them`
        : `Deletion of deployment ${id} without cascading failed: its process definitions have ${ids.length} historic process instance(s), which this engine keeps with their definition; delete with cascade=true to remove them`,
    );
  }
  const runningRoots = await db('process_instances')
    .whereIn('id', ids)
    .whereIn('status', ['running', 'failed'])
    .whereNull('parent_instance_id')
    .select<{ id: string }[]>('id');
  for (const root of runningRoots) await c.services.instances.cancel(root.id, 'deployment deleted', actor);
  await db.transaction(async (trx) => {
    if (ids.length) {
      await trx('activity_history').whereIn('instance_id', ids).delete();
      await trx('operation_log').whereIn('instance_id', ids).delete();
      await purge(trx, 'process_instances', 'id', ids);
    }
    const definitionIds = (
      await trx('process_definitions').where({ deployment_id: id }).select<{ id: string }[]>('id')
    ).map((r) => r.id);
    if (definitionIds.length) await purge(trx, 'process_definitions', 'id', definitionIds);
    await purge(trx, 'deployments', 'id', [id]);
  });
}
