import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** HQ's review of a one-province order, whose "escalate" decision is an escalation (督办). */
export const REVIEW_STEP = 'RW_REVIEW';

export interface ReviewEscalation {
  warningId: string;
  /** The review task whose decision it was: the escalation's identity (migration 20261211_80). */
  taskId: string;
  reason: string;
  escalatedBy: string;
  escalatedAt: Date;
}

/**
 * Records an escalation decided at HQ's review in the order's history, once per review task:
 * both the supervision screen (which completes the review) and the process's escalate step (which
 * also follows a review completed from the worklist) call this, in either order. The order's row
 * is locked first, as every writer of its history does, so the next `seq` is not taken twice.
 * Answers the escalation's id (the one already recorded, if the other writer came first).
 */
export async function recordReviewEscalation(trx: Knex.Transaction, e: ReviewEscalation): Promise<string> {
  await trx('risk_warnings').where({ id: e.warningId }).forUpdate().first('id');
  await trx.raw(
    `INSERT INTO risk_warning_escalations (id, warning_id, seq, stage, reason, escalated_by, escalated_at, notified, task_id)
     SELECT ?, ?, COALESCE(max(seq), 0) + 1, 'review', ?, ?, ?, NULL, ? FROM risk_warning_escalations WHERE warning_id = ?
     ON CONFLICT (task_id) WHERE task_id IS NOT NULL DO NOTHING`,
    [randomUUID(), e.warningId, e.reason, e.escalatedBy, e.escalatedAt, e.taskId, e.warningId],
  );
  const row = await trx('risk_warning_escalations').where({ task_id: e.taskId }).first<{ id: string }>('id');
  return row.id;
}
