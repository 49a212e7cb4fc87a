import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import { Prepared } from '../db/prepared.js';

/**
 * An open task nobody is named for: no assignee or candidate user that is an active user (or an
 * external id mapped to one), no candidate group that is a role (or an external group mapped to
 * one). Processes written for Camunda 7 make such tasks (names of another organisation, or no
 * candidates at all); they stay visible to the team leaders and administrators of the instance's
 * department (task-visible.ts: task:reassign there), who reassign them. Read as the names stand,
 * so a mapping added later takes the task off this list.
 */
export function unassignedWhere(table: string): (q: Knex.QueryBuilder) => void {
  return (q) => {
    q.whereRaw(unassignedCondition(table));
  };
}

/** `unassignedWhere` as one SQL condition over `table`'s row, for statements written out in full. */
export function unassignedCondition(table: string): string {
  return `(${table}.status = 'open' AND ${namedForNobody(table)})`;
}

function namedForNobody(table: string): string {
  return `NOT EXISTS (SELECT 1 FROM users u WHERE u.active AND (u.username = ${table}.assignee OR u.username = ANY(${table}.candidate_users)))
    AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.code = ANY(${table}.candidate_groups))
    AND NOT EXISTS (SELECT 1 FROM external_names e LEFT JOIN users mu ON mu.id = e.user_id
          WHERE (e.kind = 'group' AND e.external_name = ANY(${table}.candidate_groups))
             OR (e.kind = 'user' AND mu.active AND e.external_name = ANY(${table}.candidate_users)))`;
}

// One text for every page (its ids as one array): planned once per connection, not per page.
const UNASSIGNED_OF = new Prepared<{ id: string }>(
  'tasks_unassigned_of',
  `SELECT tasks.id FROM tasks WHERE tasks.id = ANY(?::uuid[]) AND ${unassignedCondition('tasks')}`,
);

/** Which of these task ids are unassigned (one query for a page of tasks). */
export async function unassignedIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await UNASSIGNED_OF.rows(db, [[...new Set(ids)]]);
  return new Set(rows.map((r) => r.id));
}
