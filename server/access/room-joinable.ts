import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { departmentInScope, departmentScope, inDepartments } from './department-subtree.js';
import { instanceReadable } from './instance-readable.js';
import { col, type InstanceAccessRow, type RowRule } from './rule.js';

/** Which realtime rooms of departments and instances an actor may join. */
export interface RoomJoinRule {
  /**
   * Department and process rooms carry the events of every instance in that subtree, whose
   * detail pages are readable with `instance:read` there: so the room is open to those who hold
   * it in that department. Rows are departments (`id`).
   */
  department: RowRule<{ id: string }>;
  /** An instance room is open to whoever may read the instance (instance-readable.ts). */
  instance: RowRule<InstanceAccessRow>;
}

/**
 * Who may join a room — the answers the HTTP API gives. Personal rooms (only their owner) and the
 * definitions room (`definition:read`) need no rows; realtime/rooms.ts asks them directly.
 */
export async function roomJoinable(authorization: Authorization, actor: Actor): Promise<RoomJoinRule> {
  const readScope = await departmentScope(authorization, actor, 'instance', 'read');
  return {
    department: {
      where: (table) => inDepartments(readScope, col(table, 'id')),
      allows: (department) => departmentInScope(readScope, department.id),
    },
    instance: await instanceReadable(authorization, actor),
  };
}
