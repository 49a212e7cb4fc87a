import type { Knex } from 'knex';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import type { PermissionObject } from '../../permissions/roles.js';

/** One way of seeing a task, as a filter; `sortAfterFilter`: its rows are few, do not walk an index to order them. */
export interface TaskBranch {
  apply(q: Knex.QueryBuilder): void;
  sortAfterFilter?: boolean;
}

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
        // No department has an empty id (NUL is not valid text in PostgreSQL: an error, not an empty list).
        w.whereIn(column, scope.departmentIds.length ? scope.departmentIds : ['']);
        if (extra) w.orWhere(extra);
      });
    };
  }

  /**
   * Issue 3 §5: a task is visible to its assignee, to its candidate users, to holders of one of
   * its candidate groups in the task's department or an ancestor (where the actor may read
   * tasks), and to those who may reassign tasks there (team leaders, managers). Null: the actor
   * sees every task. `taskFilter` and `taskBranches` are two SQL shapes of this one answer.
   */
  private async taskVisibility(
    actor: Actor,
  ): Promise<{ supervised: 'all' | string[]; groups: Map<string, string[]> } | null> {
    const supervise = await this.authorization.scope(actor, 'task', 'reassign');
    const readScope = await this.authorization.scope(actor, 'task', 'read');
    if (supervise.all && readScope.all) return null;
    const groups = new Map<string, string[]>();
    for (const [role, departmentIds] of await this.authorization.roleDepartments(actor)) {
      const allowed = readScope.all
        ? departmentIds
        : departmentIds.filter((id) => readScope.departmentIds.includes(id));
      if (allowed.length) groups.set(role, allowed);
    }
    return { supervised: supervise.all ? 'all' : supervise.departmentIds, groups };
  }

  /** Task visibility as one filter (grouped by role), for lists other than the open worklist. */
  async taskFilter(actor: Actor) {
    const visibility = await this.taskVisibility(actor);
    return (q: Knex.QueryBuilder) => {
      if (!visibility) return;
      q.where((w) => {
        w.where('tasks.assignee', actor.username)
          // the owner of a task they delegated still sees it
          .orWhere('tasks.owner', actor.username)
          .orWhereRaw('tasks.candidate_users @> ARRAY[?]::text[]', [actor.username]);
        for (const [role, departmentIds] of visibility.groups) {
          w.orWhere((r) =>
            r
              .whereRaw('tasks.candidate_groups @> ARRAY[?]::text[]', [role])
              .whereIn('tasks.department_id', departmentIds),
          );
        }
        if (visibility.supervised === 'all') w.orWhereRaw('true');
        else if (visibility.supervised.length) w.orWhereIn('tasks.department_id', visibility.supervised);
      });
    };
  }

  /**
   * The same visibility split into index-friendly branches (one per way of seeing a task, one
   * per department), so that a worklist can be read as a UNION ALL of small ordered index scans
   * instead of one scan of every open task. Null: the actor sees all, or the branches would be
   * too many (then `taskFilter` serves).
   */
  async taskBranches(actor: Actor, maxBranches = 48): Promise<TaskBranch[] | null> {
    const visibility = await this.taskVisibility(actor);
    if (!visibility) return null;
    const me = actor.username;
    const branches: TaskBranch[] = [
      { apply: (q) => q.where('assignee', me) },
      // Few tasks name users: find them through the GIN index, not by walking the date index.
      { apply: (q) => q.whereRaw('candidate_users @> ARRAY[?]::text[]', [me]), sortAfterFilter: true },
    ];
    const supervised = new Set(visibility.supervised === 'all' ? [] : visibility.supervised);
    if (visibility.supervised === 'all') branches.push({ apply: () => undefined });
    for (const department of supervised) branches.push({ apply: (q) => q.where('department_id', department) });
    if (visibility.supervised !== 'all') {
      for (const [role, departmentIds] of visibility.groups) {
        for (const department of departmentIds) {
          if (supervised.has(department)) continue;
          branches.push({
            apply: (q) => q.where('department_id', department).whereRaw('candidate_groups @> ARRAY[?]::text[]', [role]),
          });
        }
      }
    }
    return branches.length > maxBranches ? null : branches;
  }

  /**
   * Where the actor is a candidate (the worklist's "claimable", issue 6): named as a candidate
   * user, or holding a candidate group in the task's department (or above it) where they may
   * claim tasks; the same rule as `isCandidate` plus the claim check. One branch per user and
   * per (group, department), as `taskBranches`; a single filter when they would be too many.
   */
  async candidateBranches(actor: Actor, maxBranches = 48): Promise<TaskBranch[]> {
    const me = actor.username;
    const byUser: TaskBranch = {
      apply: (q) => q.whereRaw('candidate_users @> ARRAY[?]::text[]', [me]),
      sortAfterFilter: true,
    };
    const claimScope = await this.authorization.scope(actor, 'task', 'claim');
    const groups: [string, string[]][] = [];
    for (const [role, departmentIds] of await this.authorization.roleDepartments(actor)) {
      const allowed = claimScope.all
        ? departmentIds
        : departmentIds.filter((id) => claimScope.departmentIds.includes(id));
      if (allowed.length) groups.push([role, allowed]);
    }
    const perDepartment = groups.flatMap(([role, departmentIds]) =>
      departmentIds.map((department): TaskBranch => ({
        apply: (q) => q.where('department_id', department).whereRaw('candidate_groups @> ARRAY[?]::text[]', [role]),
      })),
    );
    if (perDepartment.length + 1 <= maxBranches) return [byUser, ...perDepartment];
    return [
      {
        apply: (q) =>
          q.where((w) => {
            w.whereRaw('candidate_users @> ARRAY[?]::text[]', [me]);
            for (const [role, departmentIds] of groups) {
              w.orWhere((r) =>
                r.whereRaw('candidate_groups @> ARRAY[?]::text[]', [role]).whereIn('department_id', departmentIds),
              );
            }
          }),
      },
    ];
  }

  /** The in-memory twin of `taskFilter`, for a task row already at hand. */
  async canSee(
    actor: Actor,
    task: {
      assignee: string | null;
      owner?: string | null;
      candidate_users: string[];
      candidate_groups: string[];
      department_id: string | null;
    },
  ): Promise<boolean> {
    if (task.assignee === actor.username || task.owner === actor.username) return true;
    if (task.candidate_users.includes(actor.username)) return true;
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
