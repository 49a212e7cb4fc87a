import type { Db } from '../db/index.js';
import { iso } from '../lib/contract.js';
import type { Escalation } from './supervision.contract.js';

interface EscalationRow {
  id: string;
  stage: Escalation['stage'];
  reason: string;
  escalated_by: string;
  escalated_at: Date | string;
  notified: number | null;
}

export function toEscalation(row: EscalationRow): Escalation {
  return {
    id: row.id,
    stage: row.stage,
    reason: row.reason,
    escalatedBy: row.escalated_by,
    escalatedAt: iso(row.escalated_at),
    notified: row.notified === null ? null : Number(row.notified),
  };
}

/** An order's escalations, oldest first. */
export async function escalationsOf(db: Db, warningId: string): Promise<Escalation[]> {
  const rows = await db('risk_warning_escalations')
    .where({ warning_id: warningId })
    .orderBy('seq')
    .select<EscalationRow[]>('id', 'stage', 'reason', 'escalated_by', 'escalated_at', 'notified');
  return rows.map(toEscalation);
}
