import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import type { InstanceAccessRow } from '../access/rule.js';
import type { TaskCommentedDetails } from '../realtime/contract.js';
import { NotFound } from '../lib/errors.js';
import { instanceEvent } from '../workflow/outbox.js';
import type { TasksService } from './tasks.service.js';
import type { Transactions } from '../workflow/transactions.js';
import type { Visibility } from '../workflow/visibility.js';

/** The task fields the task page's services need (a row of TasksService.get). */
export interface TaskRef {
  id: string;
  instance_id: string;
  department_id: string | null;
  definition_key: string;
  business_key: string | null;
}

/** What comments and attachments hang off: one task, or all of an instance's tasks. */
export type Owner = { taskId: string } | { instanceId: string };

/** The instance a task belongs to, in the shape outbox events take. */
export function instanceOf(task: TaskRef) {
  return {
    id: task.instance_id,
    department_id: task.department_id,
    definition_key: task.definition_key,
    business_key: task.business_key,
  };
}

/**
 * Stores a row hanging off a task and announces it as `task:commented` (payload: the task, the
 * author and `details`) in the same transaction, so listeners never hear of a row that is not there.
 */
export async function insertAnnounced(
  transactions: Transactions,
  table: string,
  row: Record<string, unknown>,
  task: TaskRef,
  details: Omit<TaskCommentedDetails, 'taskId'>,
): Promise<void> {
  await transactions.run(async (scope) => {
    await scope.trx(table).insert(row);
    scope.outbox.add(instanceEvent('task:commented', instanceOf(task), { taskId: task.id, ...details }));
  });
}

/**
 * Who may see what hangs off a task or an instance (comments, attachments): a task to whoever
 * sees it (access/task-visible.ts); an instance to whoever may read it (access/instance-readable.ts)
 * or sees one of its tasks. Any other id answers 404.
 */
export class TaskAccess {
  constructor(
    private readonly db: Db,
    private readonly tasks: TasksService,
    private readonly visibility: Visibility,
  ) {}

  async task(taskId: string, actor: Actor): Promise<TaskRef> {
    return this.tasks.get(taskId, actor);
  }

  /** The column and id that select the owner's rows, once the actor may see the owner. */
  async rowsOf(owner: Owner, actor: Actor): Promise<['task_id' | 'instance_id', string]> {
    if ('taskId' in owner) {
      await this.task(owner.taskId, actor);
      return ['task_id', owner.taskId];
    }
    await this.instance(owner.instanceId, actor);
    return ['instance_id', owner.instanceId];
  }

  async instance(instanceId: string, actor: Actor): Promise<{ id: string; department_id: string | null }> {
    const instance = await this.db('process_instances')
      .where({ id: instanceId })
      .first<(InstanceAccessRow & { id: string }) | undefined>('id', 'department_id', 'started_by');
    if (!instance) throw new NotFound('process instance', instanceId);
    const ref = { id: instance.id, department_id: instance.department_id };
    if ((await this.visibility.instanceReadable(actor)).allows(instance)) return ref;
    const visible = await this.visibility.taskVisible(actor);
    const viaTask = await this.db('tasks')
      .where({ instance_id: instanceId })
      .where(visible.where('tasks'))
      .first<{ id: string } | undefined>('id');
    if (!viaTask) throw new NotFound('process instance', instanceId);
    return ref;
  }
}
