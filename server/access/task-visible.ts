import type { Authorization, Scope } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { departmentInScope, departmentScope } from './department-subtree.js';
import { col, type RowRule, type TaskAccessRow, type TaskBranch } from './rule.js';
import { isApplicantTask, staffTaskWhere } from './applicant-task.js';

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
 * both read and reassign tasks everywhere sees every task — every staff task: a customer step
 * (addressed to the applicant, applicant-task.ts) is seen by no staff actor at all.
 */
export async function taskVisible(authorization: Authorization, actor: Actor): Promise<TaskVisibleRule> {
  const supervised = await departmentScope(authorization, actor, 'task', 'reassign');
  const readScope = await departmentScope(authorization, actor, 'task', 'read');
  const groups = await groupDepartments(authorization, actor, readScope);
  const everything = supervised.all && readScope.all;
  const me = actor.username;
  const myNames = await userNames(authorization, actor);

  return {
    where: (table) => (q) => {
      q.where(staffTaskWhere(table));
      if (everything) return;
      q.where((w) => {
        w.where(col(table, 'assignee'), me)
          .orWhere(col(table, 'owner'), me)
          .orWhereRaw(`${col(table, 'candidate_users')} && ${textArray(myNames)}`, myNames);
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
      if (isApplicantTask(task)) return false;
      if (everything) return true;
      if (task.assignee === me || (task.owner ?? null) === me || namesAny(task.candidate_users, myNames)) return true;
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
            q.whereRaw(`candidate_users && ${textArray(myNames)}`, myNames);
          },
          sortAfterFilter: true,
        },
      ];
      if (supervised.all) {
        result.push({ apply: () => undefined });
        return result.map(staffOnly);
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
      return result.length > maxBranches ? null : result.map(staffOnly);
    },
  };
}

/** A branch narrowed to staff tasks (no customer step, applicant-task.ts). */
export function staffOnly(branch: TaskBranch): TaskBranch {
  return {
    ...branch,
    apply: (q) => {
      branch.apply(q);
      q.where(staffTaskWhere(''));
    },
  };
}

/**
 * The departments (subtrees expanded) where the actor holds each role, kept to those in `within`:
 * where holding a candidate group makes a task the actor's. This is where a candidate group's
 * name is read: a role's code, or an external group name an administrator mapped to the role
 * (Camunda's `management`), counts the same. Read when the rule is compiled, not stored on the
 * tasks: a mapping added later applies to the tasks already open, and the task keeps the name
 * its process gave it.
 */
export async function groupDepartments(
  authorization: Authorization,
  actor: Actor,
  ...within: Scope[]
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  const external = (await authorization.candidateNames(actor)).groups;
  const add = (name: string, departmentIds: string[]) =>
    result.set(name, [...new Set([...(result.get(name) ?? []), ...departmentIds])]);
  for (const [role, departmentIds] of await authorization.roleDepartments(actor)) {
    const allowed = departmentIds.filter((id) => within.every((scope) => departmentInScope(scope, id)));
    if (!allowed.length) continue;
    add(role, allowed);
    for (const name of external.get(role) ?? []) add(name, allowed);
  }
  return result;
}

/** The names that mean the actor among a task's candidate users: their username and the external ids mapped to them. */
export async function userNames(authorization: Authorization, actor: Actor): Promise<string[]> {
  return [actor.username, ...(await authorization.candidateNames(actor)).users];
}

/** `ARRAY[?, …]::text[]` for `names` (bound one by one: both PostgreSQL and PGlite take it). */
export function textArray(names: string[]): string {
  return `ARRAY[${names.map(() => '?').join(', ')}]::text[]`;
}

export function namesAny(values: string[], names: string[]): boolean {
  return values.some((v) => names.includes(v));
}
