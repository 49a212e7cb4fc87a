import { z } from 'zod';
import { calendarDate, decimal, decimalString, iso, isoDate, timestamp } from '../lib/contract.js';

export const RELIEF_KINDS = ['waiver', 'deferral'] as const;
export const RELIEF_STATUSES = ['pending', 'approved', 'rejected'] as const;

/**
 * A request to waive (in whole or in part) or defer a bill's late fee (电费违约金减免/缓收,
 * DOMAIN.md §6). It changes nothing until the approval task of its late-fee-relief process
 * approves it; a rejection leaves the fee as it was.
 */
export const lateFeeReliefSchema = z.object({
  id: z.guid(),
  customerId: z.guid(),
  billId: z.guid(),
  kind: z.enum(RELIEF_KINDS),
  /** A waiver's amount; null on a whole waiver and on a deferral. */
  amount: decimalString.nullable(),
  /** A deferral's new date: the penalty counts from the day after it. */
  deferTo: calendarDate.nullable(),
  reason: z.string(),
  status: z.enum(RELIEF_STATUSES),
  /** The late-fee-relief process instance that carries the approval. */
  instanceId: z.guid().nullable(),
  requestedBy: z.string(),
  requestedAt: timestamp,
  decidedBy: z.string().nullable(),
  decidedAt: timestamp.nullable(),
  decisionComment: z.string().nullable(),
});
export type LateFeeRelief = z.infer<typeof lateFeeReliefSchema>;

const money = z
  .string()
  .regex(/^\d{1,10}(\.\d{1,2})?$/, { error: 'amount must be yuan with at most 2 decimals, e.g. 1.94' });

/** POST /customers/:id/late-fee-reliefs */
export const lateFeeReliefCreateSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('waiver'),
    billId: z.guid(),
    /** Leave out to waive the whole fee. */
    amount: money.optional(),
    reason: z.string().trim().min(2).max(500),
  }),
  z.strictObject({
    kind: z.literal('deferral'),
    billId: z.guid(),
    deferTo: calendarDate,
    reason: z.string().trim().min(2).max(500),
  }),
]);
export type LateFeeReliefCreate = z.infer<typeof lateFeeReliefCreateSchema>;

export interface LateFeeReliefRow {
  id: string;
  customer_id: string;
  bill_id: string;
  kind: (typeof RELIEF_KINDS)[number];
  amount: string | null;
  defer_to: string | Date | null;
  reason: string;
  status: (typeof RELIEF_STATUSES)[number];
  instance_id: string | null;
  requested_by: string;
  requested_at: Date | string;
  decided_by: string | null;
  decided_at: Date | string | null;
  decision_comment: string | null;
}

export function toLateFeeRelief(row: LateFeeReliefRow): LateFeeRelief {
  return {
    id: row.id,
    customerId: row.customer_id,
    billId: row.bill_id,
    kind: row.kind,
    amount: decimal(row.amount),
    deferTo: isoDate(row.defer_to),
    reason: row.reason,
    status: row.status,
    instanceId: row.instance_id,
    requestedBy: row.requested_by,
    requestedAt: iso(row.requested_at),
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    decisionComment: row.decision_comment,
  };
}
