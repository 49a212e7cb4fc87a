import type { Knex } from 'knex';
import { RepeatedStatements } from '../db/prepared.js';
import type { TaskBranch } from './visibility.js';

/**
 * The task lists' unions and counts: a text per shape of access, named on node-postgres
 * (prepared.ts). 32 texts keep a connection's plans for them near 10 MB.
 */
export const TASK_LISTS = new RepeatedStatements('task_list', 32);

export type TaskSort = 'created' | 'due' | 'priority' | 'completed';

export interface TaskOrder {
  column: string;
  /** `column ASC|DESC NULLS LAST, id`: the id makes paging stable. */
  sql: string;
}

/** The ORDER BY of a task list; priority sorts highest first unless told otherwise. */
export function taskOrder(sort: TaskSort | undefined, order: 'asc' | 'desc' | undefined): TaskOrder {
  const column =
    sort === 'due' ? 'due_at' : sort === 'priority' ? 'priority' : sort === 'completed' ? 'completed_at' : 'created_at';
  const direction = (order ?? (sort === 'priority' ? 'desc' : 'asc')) === 'desc' ? 'DESC' : 'ASC';
  return { column, sql: `${column} ${direction} NULLS LAST, id` };
}

/**
 * A task list as a UNION ALL of one ordered, limited index scan per branch (per way of seeing a
 * task), de-duplicated and ordered again: a county clerk's worklist stays fast with a million
 * tasks (issue 3 §4). `build` gives each branch its select and filters. The caller appends
 * `LIMIT ? OFFSET ?`.
 */
export function branchUnion(
  branches: TaskBranch[],
  build: () => Knex.QueryBuilder,
  order: TaskOrder,
  reach: number,
): { sql: string; bindings: Knex.RawBinding[] } {
  // `+ 0` makes the sort key an expression no index provides, so that branch filters first.
  const sortAfterFilter = order.sql.replace(
    order.column,
    order.column === 'priority' ? 'priority + 0' : `${order.column} + interval '0'`,
  );
  const parts = branches.map((branch) => {
    const q = build();
    branch.apply(q);
    return q
      .orderByRaw(branch.sortAfterFilter ? sortAfterFilter : order.sql)
      .limit(reach)
      .toSQL();
  });
  const union = parts.map((p) => `(${p.sql})`).join(' UNION ALL ');
  return {
    sql: `SELECT * FROM (SELECT DISTINCT ON (id) * FROM (${union}) u ORDER BY id) d ORDER BY ${order.sql}`,
    bindings: parts.flatMap((p) => p.bindings) as Knex.RawBinding[],
  };
}

/**
 * How many tasks the branches hold, counted exactly up to `cap` (each branch reads at most
 * cap + 1 ids from its index): a total over a million rows per request would cost more than the
 * page itself.
 */
export async function countBranches(
  db: Knex,
  branches: TaskBranch[],
  build: () => Knex.QueryBuilder,
  cap: number,
): Promise<{ total: number; capped: boolean }> {
  const [count] = await countBranchSets(db, [{ branches, build }], cap);
  return count!;
}

/**
 * Several counts of `countBranches` in one statement, one scalar subquery each: a page's badges
 * take one round trip and one pooled connection instead of one of each per badge.
 */
export async function countBranchSets(
  db: Knex,
  sets: { branches: TaskBranch[]; build: () => Knex.QueryBuilder }[],
  cap: number,
): Promise<{ total: number; capped: boolean }[]> {
  const bindings: Knex.RawBinding[] = [];
  const columns = sets.map(({ branches, build }, i) => {
    const parts = branches.map((branch) => {
      const q = build().select('id');
      branch.apply(q);
      // Without an order the planner may walk a date index to stop early, which reads every row
      // when few match; an order no index gives makes it find the matches through their indexes.
      if (branch.sortAfterFilter) q.orderByRaw(`created_at + interval '0'`);
      return q.limit(cap + 1).toSQL();
    });
    bindings.push(...(parts.flatMap((p) => p.bindings) as Knex.RawBinding[]));
    if (!parts.length) return `0 AS n${i}`;
    const union = parts.map((p) => `(${p.sql})`).join(' UNION ALL ');
    return `(SELECT count(DISTINCT id)::int FROM (${union}) u) AS n${i}`;
  });
  const [row = {}] = await TASK_LISTS.rows<Record<string, number>>(db, `SELECT ${columns.join(', ')}`, bindings);
  return sets.map((_, i) => {
    const n = Number(row[`n${i}`] ?? 0);
    return { total: Math.min(n, cap), capped: n > cap };
  });
}
