import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import type { DepartmentTree } from '../identity/departments.js';
import type { Actor } from '../lib/actor.js';
import type { PublishedEvent } from '../workflow/outbox.js';
import { isRealtimeTopic, type Room } from './contract.js';
import { PERSONAL_FIELDS } from './rooms.js';

/**
 * Outbox ids are taken when a transaction inserts, not when it commits: a slow transaction can
 * commit id 10 after id 11 was pushed. A catch-up therefore also re-sends the room's rows just
 * below `since` that were written at most this long before it; clients drop ids they already saw.
 */
const LATE_COMMIT_IDS = 256;
const LATE_COMMIT_MS = 10_000;

interface OutboxRow {
  id: number;
  topic: string;
  department_id: string | null;
  definition_key: string | null;
  instance_id: string | null;
  payload: Record<string, unknown> | string;
  created_at: Date | string;
}

/** An outbox row as the event it was written as; null for a topic this version no longer knows. */
export function toPublished(row: OutboxRow): PublishedEvent | null {
  if (!isRealtimeTopic(row.topic)) return null;
  const payload: unknown = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
  // The row was written by the outbox writer, whose `add` is typed by topic (workflow/outbox.ts).
  return {
    id: Number(row.id),
    topic: row.topic,
    departmentId: row.department_id,
    definitionKey: row.definition_key,
    instanceId: row.instance_id,
    payload,
    at: new Date(row.created_at).toISOString(),
  } as PublishedEvent;
}

/** Outbox rows that belong to a room: the SQL twin of `targetRooms` (personal rows by the names they carry). */
function roomFilter(q: Knex.QueryBuilder, room: Room, actor: Actor, tree: DepartmentTree): void {
  // Not definitions, and not notifications addressed to one user (those are personal).
  const departmentRows = () =>
    q.whereNot('topic', 'like', 'definition:%').whereNot((n) => {
      void n.where('topic', 'like', 'notification:%').where((w) => {
        for (const field of ['userId', 'username', 'recipient']) w.orWhereRaw('payload ->> ? IS NOT NULL', [field]);
      });
    });
  switch (room.kind) {
    case 'department':
    case 'process': {
      const department = tree.get(room.departmentId);
      departmentRows().whereIn('department_id', department ? tree.subtreeIds(department.path) : []);
      if (room.kind === 'process') q.where('definition_key', room.definitionKey);
      return;
    }
    case 'instance':
      departmentRows().where('instance_id', room.instanceId);
      return;
    case 'definitions':
      q.where('topic', 'like', 'definition:%');
      return;
    case 'user':
      q.where((w) => {
        for (const field of PERSONAL_FIELDS) w.orWhereRaw('payload ->> ? = ?', [field, actor.username]);
        w.orWhereRaw('payload ->> ? = ?', ['userId', actor.id]);
      });
      return;
  }
}

export interface Replay {
  events: PublishedEvent[];
  /** More than `limit` events were missed: the client must reload instead. */
  resync: boolean;
  latest: number;
}

/** The events of `room` after `since` (bounded by `limit`), oldest first. */
export async function missedEvents(
  db: Db,
  room: Room,
  actor: Actor,
  tree: DepartmentTree,
  since: number | undefined,
  limit: number,
): Promise<Replay> {
  const bounds = await db('outbox').min('id as first').max('id as last').first();
  const latest = Number(bounds?.last ?? 0);
  if (since === undefined) return { events: [], resync: false, latest };
  // Rows after `since` were pruned, or `since` comes from another database: replay cannot be complete.
  const first = bounds?.first == null ? latest + 1 : Number(bounds.first);
  if (since > latest || since < first - 1) return { events: [], resync: true, latest };
  const columns = ['id', 'topic', 'department_id', 'definition_key', 'instance_id', 'payload', 'created_at'];
  const rows: OutboxRow[] = await db('outbox')
    .where('id', '>', since)
    .where((q) => roomFilter(q, room, actor, tree))
    .orderBy('id')
    .limit(limit + 1)
    .select(columns);
  if (rows.length > limit) return { events: [], resync: true, latest };
  const anchor = await db('outbox').where('id', since).first<{ created_at: Date | string } | undefined>('created_at');
  const late: OutboxRow[] = anchor
    ? await db('outbox')
        .where('id', '>', Math.max(0, since - LATE_COMMIT_IDS))
        .where('id', '<=', since)
        .where('created_at', '>=', new Date(new Date(anchor.created_at).getTime() - LATE_COMMIT_MS))
        .where((q) => roomFilter(q, room, actor, tree))
        .orderBy('id')
        .select(columns)
    : [];
  const events = [...late, ...rows].map(toPublished).filter((e): e is PublishedEvent => e !== null);
  return { events, resync: false, latest };
}
