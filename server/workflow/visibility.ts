import type { Knex } from 'knex';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import type { PermissionObject } from '../../permissions/roles.js';

/**
 * Compiles an actor's grants into SQL (ARCHITECTURE.md Permissions): lists are filtered in the
 * database, never loaded and checked row by row.
 */
export class Visibility {
  constructor(private readonly authorization: Authorization) {}

  /** Rows whose department lies in the actor's scope for object:action (plus `extra` rows). */
  async departmentFilter(
    actor: Actor,
    object: PermissionObject,
    action: string,
    column: string,
    extra?: (q: Knex.QueryBuilder) => void,
  ) {
    const scope = await this.authorization.scope(actor, object, action);
    return (q: Knex.QueryBuilder) => {
      if (scope.all) return;
      q.where((w) => {
        w.whereIn(column, scope.departmentIds.length ? scope.departmentIds : ['\u0000']);
        if (extra) w.orWhere(extra);
      });
    };
  }

  /**
   * Issue 3 §5: a task is visible to its assignee, to its candidate users, to holders of one of
   * its candidate groups in the task's department or an ancestor, and to those who may reassign
   * tasks there (team leaders, managers).
   */
  async taskFilter(actor: Actor, alias = 'tasks') {
    const col = (c: string) => `${alias}.${c}`;
    const supervise = await this.authorization.scope(actor, 'task', 'reassign');
    const readScope = await this.authorization.scope(actor, 'task', 'read');
    const byRole = await this.authorization.roleDepartments(actor);
    return (q: Knex.QueryBuilder) => {
      if (supervise.all && readScope.all) return;
      q.where((w) => {
        w.where(col('assignee'), actor.username).orWhereRaw(`? = ANY(${col('candidate_users')})`, [actor.username]);
        if (readScope.all || !readScope.all) {
          for (const [role, departmentIds] of byRole) {
            const allowed = readScope.all
              ? departmentIds
              : departmentIds.filter((id) => readScope.departmentIds.includes(id));
            if (allowed.length === 0) continue;
            w.orWhere((r) =>
              r
                .whereRaw(`${col('candidate_groups')} @> ARRAY[?]::text[]`, [role])
                .whereIn(col('department_id'), allowed),
            );
          }
        }
        if (supervise.all) w.orWhereRaw('true');
        else if (supervise.departmentIds.length) w.orWhereIn(col('department_id'), supervise.departmentIds);
      });
    };
  }

  /** The in-memory twin of `taskFilter`, for a task row already at hand. */
  async canSee(
    actor: Actor,
    task: {
      assignee: string | null;
      candidate_users: string[];
      candidate_groups: string[];
      department_id: string | null;
    },
  ): Promise<boolean> {
    if (task.assignee === actor.username || task.candidate_users.includes(actor.username)) return true;
    const supervise = await this.authorization.scope(actor, 'task', 'reassign');
    if (supervise.all || (task.department_id && supervise.departmentIds.includes(task.department_id))) return true;
    const readScope = await this.authorization.scope(actor, 'task', 'read');
    if (!task.department_id || !(readScope.all || readScope.departmentIds.includes(task.department_id))) return false;
    return this.isCandidate(actor, task);
  }

  /** May the actor claim this task: a candidate user, or a holder of a candidate group there. */
  async isCandidate(
    actor: Actor,
    task: { candidate_users: string[]; candidate_groups: string[]; department_id: string | null },
  ): Promise<boolean> {
    if (task.candidate_users.includes(actor.username)) return true;
    if (!task.department_id) return false;
    const byRole = await this.authorization.roleDepartments(actor);
    return task.candidate_groups.some((group) => byRole.get(group)?.includes(task.department_id as string));
  }
}
