import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { Prepared } from '../db/prepared.js';
import type { Actor } from '../lib/actor.js';
import type { Transactions } from '../workflow/transactions.js';
import { insertAnnounced, type Owner, type TaskAccess } from './task-access.js';
import { toComment, type Comment, type CommentRow } from './comments.contract.js';
import { wholeList, type Page } from '../workflow/paging.js';

// Every task page reads them: a fixed text per owner kind, planned once per connection.
const commentsOf = (column: 'task_id' | 'instance_id') =>
  new Prepared<CommentRow>(
    `task_comments_of_${column}`,
    `SELECT c.id, c.task_id, c.instance_id, c.author, u.display_name, c.body, c.created_at
       FROM task_comments c LEFT JOIN users u ON u.username = c.author
      WHERE c.${column} = ? ORDER BY c.created_at, c.id LIMIT 1000`,
  );
const COMMENTS_OF_TASK = commentsOf('task_id');
const COMMENTS_OF_INSTANCE = commentsOf('instance_id');

/** Remarks on a task, seen by whoever may see the task, and together per instance. */
export class CommentsService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly access: TaskAccess,
  ) {}

  /** Oldest first (at most 1 000). */
  async list(owner: Owner, actor: Actor): Promise<Page<Comment>> {
    const [column, id] = await this.access.rowsOf(owner, actor);
    const rows = await (column === 'task_id' ? COMMENTS_OF_TASK : COMMENTS_OF_INSTANCE).rows(this.db, [id]);
    return wholeList(rows.map(toComment));
  }

  /** Adds a comment and announces it (`task:commented`) in the same transaction. */
  async add(taskId: string, body: string, actor: Actor): Promise<Comment> {
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
    return toComment({ ...comment, display_name: actor.displayName });
  }
}
