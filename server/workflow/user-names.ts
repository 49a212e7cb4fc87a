import type { Db } from '../db/index.js';

/**
 * Display names for usernames, read in one query for a whole page of rows (no query per row):
 * screens name people ("西湖业务受理员"), the username stays beside it for the record.
 */
export async function displayNames(db: Db, usernames: Iterable<string | null | undefined>) {
  const wanted = [...new Set([...usernames].filter((u): u is string => !!u))];
  if (!wanted.length) return new Map<string, string>();
  const rows = await db('users')
    .whereIn('username', wanted)
    .select<{ username: string; display_name: string }[]>('username', 'display_name');
  return new Map(rows.map((r) => [r.username, r.display_name]));
}

/** Task rows with `assigneeName` and `completedByName` (null when nobody, or an unknown user). */
export async function withPeopleNames<T extends Record<string, unknown>>(
  db: Db,
  rows: T[],
): Promise<(T & { assigneeName: string | null; completedByName: string | null; ownerName?: string | null })[]> {
  const names = await displayNames(
    db,
    rows.flatMap((r) => [r.assignee as string | null, r.completed_by as string | null, r.owner as string | null]),
  );
  const name = (u: unknown) => (typeof u === 'string' ? (names.get(u) ?? null) : null);
  return rows.map((r) => ({
    ...r,
    assigneeName: name(r.assignee),
    completedByName: name(r.completed_by),
    // who delegated the task, on rows that carry an owner
    ...('owner' in r ? { ownerName: name(r.owner) } : {}),
  }));
}
