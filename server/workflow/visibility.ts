import type { Knex } from 'knex';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import type { PermissionObject } from '../../permissions/roles.js';
import { departmentScope, inDepartments } from '../access/department-subtree.js';
import type { TaskAccessRow, TaskBranch } from '../access/rule.js';
import { instanceReadable } from '../access/instance-readable.js';
import { messageCorrelatable } from '../access/message-correlatable.js';
import { taskClaimable } from '../access/task-claimable.js';
import { taskCompletable } from '../access/task-completable.js';
import { taskVisible } from '../access/task-visible.js';

export type { TaskBranch } from '../access/rule.js';

/**
 * The access rules of server/access bound to the platform's Authorization, for services that
 * take one injected object (ARCHITECTURE.md Permissions): lists are filtered in the database,
 * never loaded and checked row by row. The rules themselves live in server/access. Each rule is
 * compiled once per actor object — once per request — and policy version (Authorization.once).
 */
export class Visibility {
  constructor(private readonly authorization: Authorization) {}

  /** access/instance-readable.ts for this actor. */
  instanceReadable(actor: Actor) {
    return this.authorization.once(actor, 'rule:instanceReadable', () => instanceReadable(this.authorization, actor));
  }

  /** access/task-visible.ts for this actor. */
  taskVisible(actor: Actor) {
    return this.authorization.once(actor, 'rule:taskVisible', () => taskVisible(this.authorization, actor));
  }

  /** access/task-claimable.ts for this actor. */
  taskClaimable(actor: Actor) {
    return this.authorization.once(actor, 'rule:taskClaimable', () => taskClaimable(this.authorization, actor));
  }

  /** access/task-completable.ts for this actor. */
  taskCompletable(actor: Actor) {
    return this.authorization.once(actor, 'rule:taskCompletable', () => taskCompletable(this.authorization, actor));
  }

  /** access/message-correlatable.ts for this actor. */
  messageCorrelatable(actor: Actor) {
    return this.authorization.once(actor, 'rule:messageCorrelatable', () =>
      messageCorrelatable(this.authorization, actor),
    );
  }

  /** Rows whose department lies in the actor's scope for object:action (plus `extra` rows). */
  async departmentFilter(
    actor: Actor,
    object: PermissionObject,
    action: string,
    column: string,
    extra?: (q: Knex.QueryBuilder) => void,
  ) {
    const scope = await departmentScope(this.authorization, actor, object, action);
    return (q: Knex.QueryBuilder) => {
      if (scope.all) return;
      q.where((w) => {
        w.where(inDepartments(scope, column));
        if (extra) w.orWhere(extra);
      });
    };
  }

  /** The worklist's "claimable" (access/task-claimable.ts) as union branches. */
  async candidateBranches(actor: Actor, maxBranches = 48): Promise<TaskBranch[]> {
    return (await this.taskClaimable(actor)).branches(maxBranches);
  }

  /** May the actor claim this task (be its candidate): access/task-claimable.ts. */
  async isCandidate(actor: Actor, task: TaskAccessRow): Promise<boolean> {
    return (await this.taskClaimable(actor)).allows(task);
  }
}
