import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { departmentInScope, departmentScope, inDepartments } from './department-subtree.js';
import { col, type InstanceAccessRow, type RowRule } from './rule.js';

/** The operator's changes to a running instance that move its tokens or its version. */
export type InstanceOperation = 'modify' | 'migrate';

/**
 * Who may modify a process instance (cancel and start activities) or migrate it to another
 * version: holders of `instance:modify` / `instance:migrate` in its department or above it. Unlike
 * reading, starting the instance gives no right to rearrange it.
 */
export async function instanceOperable(
  authorization: Authorization,
  actor: Actor,
  operation: InstanceOperation,
): Promise<RowRule<InstanceAccessRow>> {
  const scope = await departmentScope(authorization, actor, 'instance', operation);
  return {
    where: (table) => inDepartments(scope, col(table, 'department_id')),
    allows: (row) => departmentInScope(scope, row.department_id),
  };
}
