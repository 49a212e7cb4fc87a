import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { Forbidden, TooLarge } from '../lib/errors.js';
import type { TasksService } from './tasks.service.js';
import type { Visibility } from '../workflow/visibility.js';
import { Prepared } from '../db/prepared.js';
import { NO_DRAFT, toDraft, type Draft, type DraftRow } from './drafts.contract.js';

export const MAX_DRAFT_BYTES = 256 * 1024;

/**
 * The draft saved and the owner's drafts of closed tasks removed, as one statement that commits
 * by itself (a save is this one round trip, no BEGIN/COMMIT). The two writes touch different rows
 * (the removal never touches the task being saved), as data-modifying CTEs must.
 */
const SAVE_DRAFT = new Prepared(
  'task_draft_save',
  `WITH saved AS (
     INSERT INTO task_drafts (task_id, username, data, saved_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (task_id, username) DO UPDATE SET data = EXCLUDED.data, saved_at = EXCLUDED.saved_at
   ), removed AS (
     DELETE FROM task_drafts d USING tasks t
     WHERE d.username = ? AND t.id = d.task_id AND t.status <> 'open' AND d.task_id <> ?
   )
   SELECT 1`,
);

/**
 * Unfinished form input per task and user, so that work survives a closed tab. Drafts of tasks
 * that are no longer open are never answered and are removed lazily (when their owner next saves
 * one): the completion transaction stays as lean as the engine needs it.
 */
export class TaskFormDraftsService {
  constructor(
    private readonly db: Db,
    private readonly tasks: TasksService,
    private readonly visibility: Visibility,
  ) {}

  /** The actor's draft, or `{ data: null, savedAt: null }` when there is none (or the task is closed). */
  async get(taskId: string, actor: Actor): Promise<Draft> {
    const task = await this.tasks.get(taskId, actor);
    if (task.status !== 'open') return NO_DRAFT;
    const row = await this.db('task_drafts')
      .where({ task_id: taskId, username: actor.username })
      .first<DraftRow | undefined>('data', 'saved_at');
    return row ? toDraft(row) : NO_DRAFT;
  }

  /** Only the assignee or a candidate may keep a draft, and only of an open task. */
  async save(taskId: string, data: Record<string, unknown>, actor: Actor): Promise<Draft> {
    const task = await this.tasks.get(taskId, actor);
    const json = JSON.stringify(data);
    if (Buffer.byteLength(json) > MAX_DRAFT_BYTES) {
      throw new TooLarge(`a draft may hold at most ${MAX_DRAFT_BYTES} bytes`);
    }
    if (task.status !== 'open') throw new Forbidden('the task is no longer open', 'TASK_NOT_OPEN');
    const mayWork =
      task.assignee === actor.username || (!task.assignee && (await this.visibility.isCandidate(actor, task)));
    if (!mayWork) throw new Forbidden('only the assignee or a candidate may save a draft', 'NOT_A_CANDIDATE');
    const savedAt = new Date();
    await SAVE_DRAFT.rows(this.db, [taskId, actor.username, json, savedAt, actor.username, taskId]);
    return toDraft({ data, saved_at: savedAt });
  }

  async remove(taskId: string, actor: Actor): Promise<void> {
    await this.tasks.get(taskId, actor);
    await this.db('task_drafts').where({ task_id: taskId, username: actor.username }).delete();
  }
}
