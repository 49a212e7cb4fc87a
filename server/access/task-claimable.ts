import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { departmentScope, permittedIn, permittedWhere } from './department-subtree.js';
import { col, type RowRule, type TaskAccessRow, type TaskBranch, type WhereBuilder } from './rule.js';
import { groupDepartments, namesAny, staffOnly, textArray, userNames } from './task-visible.js';
import { isApplicantTask, staffTaskWhere } from './applicant-task.js';

/** Claimability as a filter, and as index-friendly branches of the same filter. */
export interface TaskClaimableRule extends RowRule<TaskAccessRow> {
  /**
   * The SQL form as union branches (candidate users, then one per group and department), as
   * the worklist's "claimable" view reads them; a single branch holding `where` when they would
   * be more than `maxBranches`. Branches read unqualified columns of `tasks`.
   */
  branches(maxBranches?: number): TaskBranch[];
}

/**
 * Who may claim a task — who is its candidate: a user it names as a candidate (by username or an
 * external id mapped to them, task-visible.ts userNames), or a holder of
 * one of its candidate groups in the task's department (or above it) where they may read tasks;
 * in either case only with `task:claim` there. Every claimable task is visible (task-visible.ts).
 * Whether it is still free to claim is the task's state, not access. A customer step
 * (applicant-task.ts) has no staff candidate.
 */
export async function taskClaimable(authorization: Authorization, actor: Actor): Promise<TaskClaimableRule> {
  const claimScope = await departmentScope(authorization, actor, 'task', 'claim');
  const readScope = await departmentScope(authorization, actor, 'task', 'read');
  const groups = await groupDepartments(authorization, actor, readScope, claimScope);
  const myNames = await userNames(authorization, actor);

  const where =
    (table: string): WhereBuilder =>
    (q) => {
      q.where(staffTaskWhere(table));
      q.where((w) => {
        w.where((u) => {
          u.whereRaw(`${col(table, 'candidate_users')} && ${textArray(myNames)}`, myNames).where(
            permittedWhere(claimScope, col(table, 'department_id')),
          );
        });
        for (const [role, departmentIds] of groups) {
          w.orWhere((r) => {
            r.whereRaw(`${col(table, 'candidate_groups')} @> ARRAY[?]::text[]`, [role]).whereIn(
              col(table, 'department_id'),
              departmentIds,
            );
          });
        }
      });
    };

  return {
    where,
    allows: (task) => {
      if (isApplicantTask(task)) return false;
      if (namesAny(task.candidate_users, myNames) && permittedIn(claimScope, task.department_id)) return true;
      const department = task.department_id;
      return department !== null && task.candidate_groups.some((g) => groups.get(g)?.includes(department) ?? false);
    },
    branches: (maxBranches = 48) => {
      const byUser: TaskBranch = {
        apply: (q) => {
          q.whereRaw(`candidate_users && ${textArray(myNames)}`, myNames).where(
            permittedWhere(claimScope, 'department_id'),
          );
        },
        sortAfterFilter: true,
      };
      const perDepartment = [...groups].flatMap(([role, departmentIds]) =>
        departmentIds.map((department): TaskBranch => ({
          apply: (q) => {
            q.where('department_id', department).whereRaw('candidate_groups @> ARRAY[?]::text[]', [role]);
          },
        })),
      );
      if (perDepartment.length + 1 <= maxBranches) return [byUser, ...perDepartment].map(staffOnly);
      return [{ apply: where('') }];
    },
  };
}
