import type { Authorization, Scope } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { departmentInScope, departmentScope } from './department-subtree.js';
import { col, type RowRule, type TaskAccessRow, type TaskBranch } from './rule.js';

/** Task visibility as a filter, and as index-friendly branches of the same filter. */
export interface TaskVisibleRule extends RowRule<TaskAccessRow> {
  /**
   * The SQL form split into branches (one per way of seeing a task, one per department) whose
   * union is exactly `where`, so that a worklist can be read as a UNION ALL of small ordered
   * index scans instead of one scan of every open task. Null: the actor sees every task, or the
   * branches would be more than `maxBranches` (then `where` serves). Branches read unqualified
   * columns of `tasks`.
   */
  branches(maxBranches?: number): TaskBranch[] | null;
}

/**
 * Who sees a task: its assignee; its owner (who delegated it); its candidate users; holders of
 * one of its candidate groups in the task's department or above it, where they may read tasks;
 * and those who may reassign tasks in its department (team leaders, managers). An actor who may
 * both read and reassign tasks everywhere sees every task.
 */
export async function taskVisible(authorization: Authorization, actor: Actor): Promise<TaskVisibleRule> {
  const supervised = await departmentScope(authorization, actor, 'task', 'reassign');
  const readScope = await departmentScope(authorization, actor, 'task', 'read');
  const groups = await groupDepartments(authorization, actor, readScope);
  const everything = supervised.all && readScope.all;
  const me = actor.username;

  return {
    where: (table) => (q) => {
      if (everything) return;
      q.where((w) => {
        w.where(col(table, 'assignee'), me)
          .orWhere(col(table, 'owner'), me)
          .orWhereRaw(`${col(table, 'candidate_users')} @> ARRAY[?]::text[]`, [me]);
        for (const [role, departmentIds] of groups) {
          w.orWhere((r) => {
            r.whereRaw(`${col(table, 'candidate_groups')} @> ARRAY[?]::text[]`, [role]).whereIn(
              col(table, 'department_id'),
              departmentIds,
            );
          });
        }
        if (supervised.all) w.orWhereRaw('true');
        else if (supervised.departmentIds.length) w.orWhereIn(col(table, 'department_id'), supervised.departmentIds);
      });
    },

    allows: (task) => {
      if (everything) return true;
      if (task.assignee === me || (task.owner ?? null) === me || task.candidate_users.includes(me)) return true;
      if (departmentInScope(supervised, task.department_id)) return true;
      const department = task.department_id;
      return department !== null && task.candidate_groups.some((g) => groups.get(g)?.includes(department) ?? false);
    },

    branches: (maxBranches = 48) => {
      if (everything) return null;
      const result: TaskBranch[] = [
        {
          apply: (q) => {
            q.where('assignee', me);
          },
        },
        // Few tasks name an owner or users: find them through their indexes, not by walking the date index.
        {
          apply: (q) => {
            q.where('owner', me);
          },
          sortAfterFilter: true,
        },
        {
          apply: (q) => {
            q.whereRaw('candidate_users @> ARRAY[?]::text[]', [me]);
          },
          sortAfterFilter: true,
        },
      ];
      if (supervised.all) {
        result.push({ apply: () => undefined });
        return result;
      }
      const covered = new Set(supervised.departmentIds);
      for (const department of covered) {
        result.push({
          apply: (q) => {
            q.where('department_id', department);
          },
        });
      }
      for (const [role, departmentIds] of groups) {
        for (const department of departmentIds) {
          if (covered.has(department)) continue;
          result.push({
            apply: (q) => {
              q.where('department_id', department).whereRaw('candidate_groups @> ARRAY[?]::text[]', [role]);
            },
          });
        }
      }
      return result.length > maxBranches ? null : result;
    },
  };
}

/**
 * The departments (subtrees expanded) where the actor holds each role, kept to those in `within`:
 * where holding a candidate group makes a task the actor's.
 */
export async function groupDepartments(
  authorization: Authorization,
  actor: Actor,
  ...within: Scope[]
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  for (const [role, departmentIds] of await authorization.roleDepartments(actor)) {
    const allowed = departmentIds.filter((id) => within.every((scope) => departmentInScope(scope, id)));
    if (allowed.length) result.set(role, allowed);
  }
  return result;
}
