import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { departmentScope, permittedIn, permittedWhere } from './department-subtree.js';
import { col, type InstanceAccessRow, type RowRule } from './rule.js';

/**
 * What an operator does to an instance: cancel it, suspend and resume it, edit its variables
 * (`update`), move its tokens (`modify`), move it to another version (`migrate`), comment on it.
 */
export type InstanceOperation = 'cancel' | 'suspend' | 'update' | 'modify' | 'migrate' | 'comment';

/**
 * Who may do `operation` to a process instance: holders of `instance:<operation>` in its
 * department or above it. Unlike reading, starting the instance gives no right to operate on it.
 * An instance without a department (started by the system outside any) is operable by whoever
 * holds the grant anywhere, as `Authorization.can` answers without a department.
 */
export async function instanceOperable(
  authorization: Authorization,
  actor: Actor,
  operation: InstanceOperation,
): Promise<RowRule<InstanceAccessRow>> {
  const scope = await departmentScope(authorization, actor, 'instance', operation);
  return {
    where: (table) => permittedWhere(scope, col(table, 'department_id')),
    allows: (row) => permittedIn(scope, row.department_id),
  };
}
