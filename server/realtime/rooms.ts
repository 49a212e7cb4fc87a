import type { Db } from '../db/index.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import type { InstanceAccessRow } from '../access/rule.js';
import { roomJoinable } from '../access/room-joinable.js';
import type { PublishedEvent } from '../workflow/outbox.js';
import { rooms, type RealtimeError, type Room } from './contract.js';

/** Topic families that, when they name a person, go to that person only (never to department rooms). */
const PERSONAL_WHEN_ADDRESSED = new Set(['notification']);

export function topicFamily(topic: string): string {
  return topic.split(':', 1)[0] ?? topic;
}

/**
 * Who may join a room — the same answers the HTTP API gives: department, process and instance
 * rooms as access/room-joinable.ts decides; a personal room only to its owner; the definitions
 * room to holders of `definition:read`.
 */
export class RoomAccess {
  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
  ) {}

  async check(actor: Actor, room: Room): Promise<RealtimeError | null> {
    switch (room.kind) {
      case 'department':
      case 'process': {
        const tree = await this.authorization.tree();
        if (!tree.get(room.departmentId)) return { code: 'NOT_FOUND', message: `no department ${room.departmentId}` };
        return (await roomJoinable(this.authorization, actor)).department.allows({ id: room.departmentId })
          ? null
          : { code: 'FORBIDDEN', message: `you may not read instances of ${room.departmentId}` };
      }
      case 'instance': {
        const instance = await this.db('process_instances')
          .where({ id: room.instanceId })
          .first<InstanceAccessRow | undefined>('department_id', 'started_by');
        const allowed = instance && (await roomJoinable(this.authorization, actor)).instance.allows(instance);
        // Like the HTTP API: an instance one may not read does not exist (no probing for ids).
        return allowed ? null : { code: 'NOT_FOUND', message: `no process instance ${room.instanceId}` };
      }
      case 'user':
        return room.userId === actor.id ? null : { code: 'FORBIDDEN', message: 'only your own personal room' };
      case 'definitions':
        return (await this.authorization.can(actor, 'definition', 'read'))
          ? null
          : { code: 'FORBIDDEN', message: 'you may not read process definitions' };
    }
  }
}

/** Payload fields that name a user by username; `userId` names one by id. */
export const PERSONAL_FIELDS = ['assignee', 'previous', 'username', 'recipient'] as const;

/** Usernames an event concerns personally: its assignee, the previous one, a notification's recipient. */
export function personalUsernames(event: PublishedEvent, candidateUsers: string[] = []): string[] {
  const p = event.payload;
  const names = [...PERSONAL_FIELDS.map((f) => p[f]), ...candidateUsers];
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n.length > 0))];
}

/**
 * The rooms an event goes to: the department of its instance and every ancestor (a grant on a
 * department covers its subtree), the same per process, its instance, and the personal rooms
 * of the users it names. `definition:*` goes to the definitions room; a `notification:*` that
 * names its recipient goes to that person only.
 */
/** What routing needs of the department tree: each department's parent. */
export interface DepartmentParents {
  get(id: string | null | undefined): { id: string; parentId: string | null } | undefined;
}

export function targetRooms(event: PublishedEvent, tree: DepartmentParents, personalUserIds: string[]): string[] {
  const family = topicFamily(event.topic);
  const result = personalUserIds.map((id) => rooms.user(id));
  if (typeof event.payload.userId === 'string') result.push(rooms.user(event.payload.userId));
  if (PERSONAL_WHEN_ADDRESSED.has(family) && addressed(event)) return [...new Set(result)];
  if (family === 'definition') return [rooms.definitions()];
  for (let d = tree.get(event.departmentId); d; d = tree.get(d.parentId)) {
    result.push(rooms.department(d.id));
    if (event.definitionKey) result.push(rooms.process(event.definitionKey, d.id));
  }
  if (event.instanceId) result.push(rooms.instance(event.instanceId));
  return [...new Set(result)];
}

/** A notification meant for one user (not a record of a message sent to a customer). */
export function addressed(event: PublishedEvent): boolean {
  const p = event.payload;
  return typeof p.userId === 'string' || typeof p.username === 'string' || typeof p.recipient === 'string';
}
