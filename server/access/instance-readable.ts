import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { departmentInScope, departmentScope, inDepartments } from './department-subtree.js';
import { col, type InstanceAccessRow, type RowRule } from './rule.js';

/**
 * Who may read a process instance: holders of `instance:read` in its department (or above it),
 * and whoever started it. Any other instance does not exist for them (404, no probing for ids).
 */
export async function instanceReadable(
  authorization: Authorization,
  actor: Actor,
): Promise<RowRule<InstanceAccessRow>> {
  const scope = await departmentScope(authorization, actor, 'instance', 'read');
  const me = actor.username;
  return {
    where: (table) => (q) => {
      if (scope.all) return;
      q.where((w) => {
        w.where(inDepartments(scope, col(table, 'department_id'))).orWhere(col(table, 'started_by'), me);
      });
    },
    allows: (row) => row.started_by === me || departmentInScope(scope, row.department_id),
  };
}
