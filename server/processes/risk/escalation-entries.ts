import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** HQ's review of a one-province order, whose "escalate" decision is an escalation (督办). */
export const REVIEW_STEP = 'RW_REVIEW';

/** One entry of an order's escalation history (risk_warning_escalations). */
export interface EscalationEntry {
  warningId: string;
  /** answer: waiting for the province; review: decided at HQ's review; hq: waiting on HQ itself. */
  stage: 'answer' | 'review' | 'hq';
  reason: string;
  escalatedBy: string;
  escalatedAt: Date;
  /** Answering staff notified; null when none are (a review's new task reaches its staff itself). */
  notified: number | null;
  /**
   * The review task whose decision it was (migration 20261211_80): both the supervision screen
   * (which completes the review) and the process's escalate step (which also follows a review
   * completed from the worklist) record it, in either order, and it is written once.
   */
  taskId?: string;
}

/**
 * Appends an entry to an order's escalation history. The order's row is locked first, as every
 * writer of its history does, so the next `seq` is not taken twice. Answers the entry's id (for
 * a review task already recorded by the other writer, that one's).
 */
export async function recordEscalation(trx: Knex.Transaction, e: EscalationEntry): Promise<string> {
  await trx('risk_warnings').where({ id: e.warningId }).forUpdate().first('id');
  const id = randomUUID();
  await trx.raw(
    `INSERT INTO risk_warning_escalations (id, warning_id, seq, stage, reason, escalated_by, escalated_at, notified, task_id)
     SELECT ?, ?, COALESCE(max(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM risk_warning_escalations WHERE warning_id = ?
     ON CONFLICT (task_id) WHERE task_id IS NOT NULL DO NOTHING`,
    [id, e.warningId, e.stage, e.reason, e.escalatedBy, e.escalatedAt, e.notified, e.taskId ?? null, e.warningId],
  );
  if (!e.taskId) return id;
  const row = await trx('risk_warning_escalations').where({ task_id: e.taskId }).first<{ id: string }>('id');
  return row.id;
}
