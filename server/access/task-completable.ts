import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { departmentScope, permittedIn, permittedWhere } from './department-subtree.js';
import { col, type RowRule, type TaskAccessRow } from './rule.js';
import { taskVisible } from './task-visible.js';

/**
 * Who may complete a task: one who sees it (task-visible.ts) and holds `task:complete` in its
 * department. Holding the task (being its assignee, not a pending delegator) is its state, which
 * the task service checks under the row lock and answers with 409.
 */
export async function taskCompletable(authorization: Authorization, actor: Actor): Promise<RowRule<TaskAccessRow>> {
  const visible = await taskVisible(authorization, actor);
  const completeScope = await departmentScope(authorization, actor, 'task', 'complete');
  return {
    where: (table) => (q) => {
      q.where(visible.where(table)).where(permittedWhere(completeScope, col(table, 'department_id')));
    },
    allows: (task) => visible.allows(task) && permittedIn(completeScope, task.department_id),
  };
}
