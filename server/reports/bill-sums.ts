import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import { inDepartments, type Scope } from '../access/department-subtree.js';

/**
 * The period sums of bills (`bill_sums`, migration `20261210_77`): per billing month, the
 * customer's department, category and tariff ('' for none), the bill's kind and status, how many
 * bills, their amount, what was paid of it and their kWh. The database keeps them exact in the
 * transaction that writes a bill (triggers), as signed deltas a daily job folds together, so a
 * report reads them summed by its own key.
 *
 * The rows of the months of [from, to] in the scope, internal customers (000) left out.
 */
export function billSums(db: Db, scope: Scope, from: string, to: string): Knex.QueryBuilder {
  return db('bill_sums as s')
    .whereNot('s.elec_type_code', '000')
    .where('s.period', '>=', from.slice(0, 7))
    .where('s.period', '<=', to.slice(0, 7))
    .where(inDepartments(scope, 's.department_id'));
}

/** Folds the deltas into one row per key; answers how many rows are left. */
export async function compactBillSums(db: Db): Promise<number> {
  const result = await db.raw<{ rows: { rows: number }[] }>('select bill_sums_compact() as rows');
  return Number(result.rows[0]?.rows ?? 0);
}
