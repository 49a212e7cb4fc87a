import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { Invalid } from '../lib/errors.js';
import type { TasksService } from '../workflow/tasks.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Delegation, as a reassignment: the task goes to another user, with `task:reassign` in the
 * task's department, recorded in the operation log, the audit log (`task.reassign`, from → to)
 * and the outbox (`task:assigned`). Camunda's owner/resolve round trip is not modelled: the
 * person who delegated takes the task back by reassigning it again.
 */
export class DelegationService {
  constructor(
    private readonly db: Db,
    private readonly tasks: TasksService,
  ) {}

  /** `userId`: a user's id or username. */
  async delegate(taskId: string, userId: string, actor: Actor) {
    const user = await this.db('users')
      .where(UUID.test(userId) ? { id: userId } : { username: userId })
      .where({ active: true })
      .first('username');
    if (!user) {
      await this.tasks.get(taskId, actor);
      throw new Invalid('VALIDATION_FAILED', `no active user ${userId}`, [{ field: 'body.userId', reason: 'unknown' }]);
    }
    return this.tasks.assign(taskId, user.username as string, actor);
  }
}
