import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { Forbidden, TooLarge } from '../lib/errors.js';
import type { TasksService } from './tasks.service.js';
import type { Visibility } from '../workflow/visibility.js';
import { NO_DRAFT, toDraft, type Draft, type DraftRow } from './drafts.contract.js';

export const MAX_DRAFT_BYTES = 256 * 1024;

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
    await this.db.transaction(async (trx) => {
      await trx('task_drafts')
        .insert({ task_id: taskId, username: actor.username, data: json, saved_at: savedAt })
        .onConflict(['task_id', 'username'])
        .merge(['data', 'saved_at']);
      await trx.raw(
        `DELETE FROM task_drafts d USING tasks t WHERE d.username = ? AND t.id = d.task_id AND t.status <> 'open'`,
        [actor.username],
      );
    });
    return toDraft({ data, saved_at: savedAt });
  }

  async remove(taskId: string, actor: Actor): Promise<void> {
    await this.tasks.get(taskId, actor);
    await this.db('task_drafts').where({ task_id: taskId, username: actor.username }).delete();
  }
}
