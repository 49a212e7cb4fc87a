import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import type { TasksService } from './tasks.service.js';
import type { Task } from './tasks.contract.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Delegation with the owner round trip (TasksService.delegate / resolve): the holder hands the
 * task to a colleague and stays its owner; the colleague resolves it back with what they filled
 * in, which the owner finds as their draft; the owner completes it. Recorded in the operation
 * log, the audit log (`task.delegate`, `task.resolve`) and the outbox (`task:delegated`,
 * `task:resolved`).
 */
export class DelegationService {
  constructor(
    private readonly db: Db,
    private readonly tasks: TasksService,
  ) {}

  /**
   * `userId`: a user's id or username. An id is turned into the username here; whether the user
   * exists and is active is checked by TasksService.delegate, inside its transaction.
   */
  async delegate(taskId: string, userId: string, actor: Actor): Promise<Task> {
    const byId = UUID.test(userId)
      ? await this.db('users').where({ id: userId }).first<{ username: string } | undefined>('username')
      : undefined;
    return this.tasks.delegate(taskId, byId?.username ?? userId, actor);
  }
}
