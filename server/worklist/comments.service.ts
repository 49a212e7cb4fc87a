import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { instanceEvent } from '../workflow/step-persistence.js';
import type { TasksService } from '../workflow/tasks.service.js';
import type { Transactions } from '../workflow/transactions.js';
import type { InstanceAccess } from './instance-access.js';

type TaskRef = {
  id: string;
  instance_id: string;
  department_id: string | null;
  definition_key: string;
  business_key: string | null;
};

/** Remarks on a task, seen by whoever may see the task, and together per instance. */
export class CommentsService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly tasks: TasksService,
    private readonly instances: InstanceAccess,
  ) {}

  async forTask(taskId: string, actor: Actor) {
    await this.tasks.get(taskId, actor);
    return { items: await this.read((q) => q.where('c.task_id', taskId)) };
  }

  async forInstance(instanceId: string, actor: Actor) {
    await this.instances.require(instanceId, actor);
    return { items: await this.read((q) => q.where('c.instance_id', instanceId)) };
  }

  /** Adds a comment and announces it (`task:commented`) in the same transaction. */
  async add(taskId: string, body: string, actor: Actor) {
    const task = (await this.tasks.get(taskId, actor)) as TaskRef;
    const comment = {
      id: randomUUID(),
      task_id: task.id,
      instance_id: task.instance_id,
      author: actor.username,
      body,
      created_at: new Date(),
    };
    await this.transactions.run(async (scope) => {
      await scope.trx('task_comments').insert(comment);
      scope.outbox.add(
        instanceEvent('task:commented', this.instanceOf(task), {
          taskId: task.id,
          commentId: comment.id,
          author: actor.username,
        }),
      );
    });
    return {
      id: comment.id,
      taskId: task.id,
      instanceId: task.instance_id,
      author: actor.username,
      authorName: actor.displayName,
      body,
      createdAt: comment.created_at,
    };
  }

  private async read(where: (q: ReturnType<Db>) => void) {
    const q = this.db('task_comments as c')
      .leftJoin('users as u', 'u.username', 'c.author')
      .select('c.id', 'c.task_id', 'c.instance_id', 'c.author', 'u.display_name', 'c.body', 'c.created_at')
      .orderBy([{ column: 'c.created_at' }, { column: 'c.id' }])
      .limit(1000);
    where(q);
    const rows = await q;
    return rows.map((r) => ({
      id: r.id as string,
      taskId: r.task_id as string,
      instanceId: r.instance_id as string,
      author: r.author as string,
      authorName: (r.display_name as string | null) ?? r.author,
      body: r.body as string,
      createdAt: r.created_at as Date,
    }));
  }

  private instanceOf(task: TaskRef) {
    return {
      id: task.instance_id,
      department_id: task.department_id,
      definition_key: task.definition_key,
      business_key: task.business_key,
    };
  }
}
