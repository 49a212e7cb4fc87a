import { z } from 'zod';
import type { Actor } from '../lib/actor.js';
import { AppError } from '../lib/errors.js';
import type { Task } from './tasks.contract.js';

/** One task of a bulk claim: claimed, or refused with the code and words a single claim would answer. */
export const bulkClaimResultSchema = z.object({
  taskId: z.guid(),
  claimed: z.boolean(),
  code: z.string().nullable(),
  message: z.string().nullable(),
  /** Who holds it when someone else was first (TASK_ALREADY_CLAIMED). */
  assignee: z.string().nullable(),
  assigneeName: z.string().nullable(),
});
export const bulkClaimSchema = z.object({ results: z.array(bulkClaimResultSchema) });
export type BulkClaim = z.infer<typeof bulkClaimSchema>;

/**
 * Claims each task through the one claim (its own transaction, access rule, audit row and event),
 * so a task someone else took first is refused alone while the others are claimed.
 */
export async function claimEach(
  claim: (id: string, actor: Actor) => Promise<Task>,
  taskIds: string[],
  actor: Actor,
): Promise<BulkClaim> {
  const results: BulkClaim['results'] = [];
  for (const taskId of new Set(taskIds)) {
    try {
      await claim(taskId, actor);
      results.push({ taskId, claimed: true, code: null, message: null, assignee: null, assigneeName: null });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const extra = err.extra as { assignee?: unknown; assigneeName?: unknown };
      results.push({
        taskId,
        claimed: false,
        code: err.code,
        message: err.message,
        assignee: typeof extra.assignee === 'string' ? extra.assignee : null,
        assigneeName: typeof extra.assigneeName === 'string' ? extra.assigneeName : null,
      });
    }
  }
  return { results };
}
