import { z } from 'zod';
import { iso, listSchema, timestamp } from '../lib/contract.js';

/**
 * A comment on a task or on an instance itself (GET /tasks/:id/comments, GET
 * /process-instances/:id/comments: both kinds; POST answers the one it added).
 */
export const commentSchema = z.object({
  id: z.guid(),
  /** Null: a comment on the instance, not on one of its tasks. */
  taskId: z.guid().nullable(),
  instanceId: z.guid(),
  /** The author's username; `authorName` is their display name. */
  author: z.string(),
  authorName: z.string(),
  body: z.string(),
  createdAt: timestamp,
});
export type Comment = z.infer<typeof commentSchema>;

export const commentListSchema = listSchema(commentSchema);
export type CommentList = z.infer<typeof commentListSchema>;

/** A comment on an instance: trimmed, neither empty nor longer than a task's comment may be. */
export const instanceCommentBody = z.object({ body: z.string().trim().min(1).max(4000) });
export type InstanceCommentBody = z.infer<typeof instanceCommentBody>;

/** A row of task_comments, with the author's display name (null: an unknown user). */
export interface CommentRow {
  id: string;
  task_id: string | null;
  instance_id: string;
  author: string;
  display_name: string | null;
  body: string;
  created_at: Date | string;
}

export function toComment(r: CommentRow): Comment {
  return {
    id: r.id,
    taskId: r.task_id,
    instanceId: r.instance_id,
    author: r.author,
    authorName: r.display_name ?? r.author,
    body: r.body,
    createdAt: iso(r.created_at),
  };
}
