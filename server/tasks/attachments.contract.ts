import { z } from 'zod';
import { iso, listSchema, timestamp } from '../lib/contract.js';

/** An attachment's metadata (GET /tasks/:id/attachments); the file downloads through `downloadUrl`. */
export const attachmentSchema = z.object({
  id: z.guid(),
  taskId: z.guid(),
  instanceId: z.guid(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string(),
  /** The uploader's username; `uploadedByName` is their display name. */
  uploadedBy: z.string(),
  uploadedByName: z.string(),
  createdAt: timestamp,
  downloadUrl: z.string(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const attachmentListSchema = listSchema(attachmentSchema);
export type AttachmentList = z.infer<typeof attachmentListSchema>;

/** A row of task_attachments without its content, with the uploader's display name. */
export interface AttachmentRow {
  id: string;
  task_id: string;
  instance_id: string;
  filename: string;
  content_type: string;
  /** pg answers a bigint as a string. */
  size: number | string;
  sha256: string;
  uploaded_by: string;
  display_name: string | null;
  created_at: Date | string;
}

export function toAttachment(r: AttachmentRow): Attachment {
  return {
    id: r.id,
    taskId: r.task_id,
    instanceId: r.instance_id,
    filename: r.filename,
    contentType: r.content_type,
    size: Number(r.size),
    sha256: r.sha256,
    uploadedBy: r.uploaded_by,
    uploadedByName: r.display_name ?? r.uploaded_by,
    createdAt: iso(r.created_at),
    downloadUrl: `/api/v1/attachments/${r.id}`,
  };
}
