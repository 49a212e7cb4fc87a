import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { Prepared } from '../db/prepared.js';
import type { Actor } from '../lib/actor.js';
import { AppError, Invalid, NotFound } from '../lib/errors.js';
import type { Transactions } from '../workflow/transactions.js';
import { insertAnnounced, type Owner, type TaskAccess, type TaskRef } from './task-access.js';
import type { UploadedFile } from './upload.js';
import { toAttachment, type Attachment, type AttachmentRow } from './attachments.contract.js';
import { wholeList, type Page } from '../workflow/paging.js';

/** Documents staff attach to applications: scans, photos, office files. Nothing a browser would run. */
export const ALLOWED_CONTENT_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/plain',
  'text/csv',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/zip',
];

export const DEFAULT_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;

const META = [
  'a.id',
  'a.task_id',
  'a.instance_id',
  'a.filename',
  'a.content_type',
  'a.size',
  'a.sha256',
  'a.uploaded_by',
  'a.created_at',
];

// Every task page lists them: a fixed text per owner kind, planned once per connection.
const attachmentsOf = (column: 'task_id' | 'instance_id') =>
  new Prepared<AttachmentRow>(
    `task_attachments_of_${column}`,
    `SELECT ${META.join(', ')}, u.display_name
       FROM task_attachments a LEFT JOIN users u ON u.username = a.uploaded_by
      WHERE a.${column} = ? ORDER BY a.created_at, a.id LIMIT 500`,
  );
const ATTACHMENTS_OF_TASK = attachmentsOf('task_id');
const ATTACHMENTS_OF_INSTANCE = attachmentsOf('instance_id');

/** An attachment's bytes and what its download headers need. */
export interface AttachmentFile {
  filename: string;
  contentType: string;
  sha256: string;
  content: Buffer;
}

type StoredFile = Pick<AttachmentRow, 'id' | 'task_id' | 'instance_id' | 'filename' | 'content_type' | 'sha256'> & {
  content: Uint8Array;
};

/** Files on a task, kept in the database (bytea, with their sha256), read through the task's visibility. */
export class AttachmentsService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly access: TaskAccess,
    readonly maxBytes: number = DEFAULT_ATTACHMENT_MAX_BYTES,
  ) {}

  /** Checks the task is visible before the upload is read: a 404 costs the caller no bandwidth. */
  requireTask(taskId: string, actor: Actor): Promise<TaskRef> {
    return this.access.task(taskId, actor);
  }

  /** Metadata, oldest first (at most 500); each downloads through `downloadUrl`. */
  async list(owner: Owner, actor: Actor): Promise<Page<Attachment>> {
    const [column, id] = await this.access.rowsOf(owner, actor);
    const rows = await (column === 'task_id' ? ATTACHMENTS_OF_TASK : ATTACHMENTS_OF_INSTANCE).rows(this.db, [id]);
    return wholeList(rows.map(toAttachment));
  }

  async add(task: TaskRef, file: UploadedFile, actor: Actor): Promise<Attachment> {
    const contentType = file.contentType.toLowerCase();
    if (!ALLOWED_CONTENT_TYPES.includes(contentType)) {
      throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', `files of type ${contentType} are not accepted`, [
        { field: 'file', reason: `allowed types: ${ALLOWED_CONTENT_TYPES.join(', ')}` },
      ]);
    }
    const filename = safeFilename(file.filename);
    if (!filename) {
      throw new Invalid('VALIDATION_FAILED', 'the file has no usable name', [
        { field: 'file', reason: 'name required' },
      ]);
    }
    const row = {
      id: randomUUID(),
      task_id: task.id,
      instance_id: task.instance_id,
      filename,
      content_type: contentType,
      size: file.content.length,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      content: file.content,
      uploaded_by: actor.username,
      created_at: new Date(),
    };
    await insertAnnounced(this.transactions, 'task_attachments', row, task, {
      attachmentId: row.id,
      author: actor.username,
      filename,
    });
    return toAttachment({ ...row, display_name: actor.displayName });
  }

  /** The file, if the actor may see the task (or instance) it belongs to; otherwise 404. */
  async download(id: string, actor: Actor): Promise<AttachmentFile> {
    const row = await this.db('task_attachments')
      .where({ id })
      .first<StoredFile | undefined>('id', 'task_id', 'instance_id', 'filename', 'content_type', 'content', 'sha256');
    if (!row) throw new NotFound('attachment', id);
    try {
      await this.access.rowsOf({ taskId: row.task_id }, actor);
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
      try {
        await this.access.rowsOf({ instanceId: row.instance_id }, actor);
      } catch {
        throw new NotFound('attachment', id);
      }
    }
    return {
      filename: row.filename,
      contentType: row.content_type,
      sha256: row.sha256,
      // pg answers bytea as a Buffer, PGlite as a Uint8Array.
      content: Buffer.from(row.content),
    };
  }
}

/** The last path segment, without control characters or quotes, at most 200 characters. */
function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return [...base]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f && ch !== '"')
    .join('')
    .trim()
    .slice(0, 200);
}
