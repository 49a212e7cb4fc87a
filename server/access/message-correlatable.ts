import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { departmentScope, permittedIn, permittedWhere } from './department-subtree.js';
import { instanceReadable } from './instance-readable.js';
import { col, type InstanceAccessRow, type RowRule } from './rule.js';

/**
 * Into which instances the actor may deliver a message: those they may read (instance-readable.ts)
 * where they hold `message:correlate`. Correlation looks only among these: any other waiting
 * instance does not exist for the actor — nothing is delivered to it and nothing recorded.
 */
export async function messageCorrelatable(
  authorization: Authorization,
  actor: Actor,
): Promise<RowRule<InstanceAccessRow>> {
  const readable = await instanceReadable(authorization, actor);
  const correlateScope = await departmentScope(authorization, actor, 'message', 'correlate');
  return {
    where: (table) => (q) => {
      q.where(readable.where(table)).where(permittedWhere(correlateScope, col(table, 'department_id')));
    },
    allows: (row) => readable.allows(row) && permittedIn(correlateScope, row.department_id),
  };
}
