import type { Knex } from 'knex';

/** A knex where-builder: what `query.where(…)` takes. */
export type WhereBuilder = (q: Knex.QueryBuilder) => void;

/**
 * One access rule for one actor, compiled once from their grants, in its two forms side by side:
 * `where` filters rows in the database (lists), `allows` answers for one row already at hand
 * (single reads, socket room joins, events). The truth-table test holds the two to the same answer.
 */
export interface RowRule<Row> {
  /** SQL form over rows of `table` (a table name or its alias). */
  where(table: string): WhereBuilder;
  /** In-memory form for one row. */
  allows(row: Row): boolean;
}

/** One way of seeing a task, as a filter; `sortAfterFilter`: its rows are few, do not walk an index to order them. */
export interface TaskBranch {
  apply(q: Knex.QueryBuilder): void;
  sortAfterFilter?: boolean;
}

/** The task columns the task rules read. */
export interface TaskAccessRow {
  assignee: string | null;
  owner?: string | null;
  candidate_users: string[];
  candidate_groups: string[];
  department_id: string | null;
}

/** The instance columns the instance rules read. */
export interface InstanceAccessRow {
  department_id: string | null;
  started_by: string | null;
}

/** `table.column`, or the bare column when no table is named (branch filters read one table). */
export function col(table: string, column: string): string {
  return table ? `${table}.${column}` : column;
}
