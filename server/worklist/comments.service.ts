import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import type { Transactions } from '../workflow/transactions.js';
import { insertAnnounced, type Owner, type TaskAccess } from './task-access.js';

/** Remarks on a task, seen by whoever may see the task, and together per instance. */
export class CommentsService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly access: TaskAccess,
  ) {}

  /** Oldest first (at most 1 000). */
  async list(owner: Owner, actor: Actor) {
    const [column, id] = await this.access.rowsOf(owner, actor);
    const rows = await this.db('task_comments as c')
      .leftJoin('users as u', 'u.username', 'c.author')
      .where(`c.${column}`, id)
      .select('c.id', 'c.task_id', 'c.instance_id', 'c.author', 'u.display_name', 'c.body', 'c.created_at')
      .orderBy([{ column: 'c.created_at' }, { column: 'c.id' }])
      .limit(1000);
    return {
      items: rows.map((r) => ({
        id: r.id as string,
        taskId: r.task_id as string,
        instanceId: r.instance_id as string,
        author: r.author as string,
        authorName: (r.display_name as string | null) ?? r.author,
        body: r.body as string,
        createdAt: r.created_at as Date,
      })),
    };
  }

  /** Adds a comment and announces it (`task:commented`) in the same transaction. */
  async add(taskId: string, body: string, actor: Actor) {
    const task = await this.access.task(taskId, actor);
    const comment = {
      id: randomUUID(),
      task_id: task.id,
      instance_id: task.instance_id,
      author: actor.username,
      body,
      created_at: new Date(),
    };
    await insertAnnounced(this.transactions, 'task_comments', comment, task, {
      commentId: comment.id,
      author: actor.username,
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
}
