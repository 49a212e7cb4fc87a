import { z } from 'zod';
import { calendarDate, decimalString, iso, jsonObject, timestamp } from '../lib/contract.js';
import { customerBillSchema } from '../marketing/customer-owner.contract.js';
import { customerSummarySchema } from '../marketing/customer.contract.js';
import { taskSchema } from './tasks.contract.js';

/** One step of the instance's history, and who acted at it. */
export const historyEntrySchema = z.object({
  elementId: z.string(),
  name: z.string().nullable(),
  type: z.string(),
  actor: z.string().nullable(),
  actorName: z.string().nullable(),
  /** No person acts at this step (gateways, service tasks, timers): the engine did it. */
  automatic: z.boolean(),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
  durationMs: z.number().nullable(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** The customer's arrears (DOMAIN.md §1): principal and late fees, and the oldest unpaid period. */
export const contextArrearsSchema = z.object({
  total: decimalString,
  principal: decimalString,
  penalty: decimalString,
  oldest: z.string().nullable(),
  asOf: calendarDate,
});

/** An audit rule a held bill tripped; `details` are the rule's own findings. */
export const auditFlagSchema = z.object({
  rule: z.number().int(),
  message: z.string(),
  details: jsonObject,
});

/** GET /tasks/:id/context: everything the task page shows beside the form. */
export const taskContextSchema = z.object({
  task: taskSchema,
  instance: z.object({
    id: z.guid(),
    definitionKey: z.string(),
    definitionName: z.string().nullable(),
    version: z.number().int(),
    businessKey: z.string().nullable(),
    startedAt: timestamp,
  }),
  diagramXml: z.string().nullable(),
  activeElementIds: z.array(z.string()),
  history: z.array(historyEntrySchema),
  /** Present when the instance names a customer the caller may see. */
  customer: customerSummarySchema.optional(),
  /** The customer's last 12 bills, when the caller may read their billing. */
  bills: z.array(customerBillSchema).optional(),
  arrears: contextArrearsSchema.optional(),
  /** The audit rules the bill named by `billId` tripped. */
  auditFlags: z.array(auditFlagSchema).optional(),
});
export type TaskContext = z.infer<typeof taskContextSchema>;

export interface HistoryRow {
  element_id: string;
  element_type: string;
  execution_id: string;
  actor: string | null;
  started_at: Date | string;
  ended_at: Date | string | null;
  duration_ms: string | number | null;
}

/** A history row with who acted (see TaskContextService.actors) → the entry. */
export function toHistoryEntry(
  h: HistoryRow & { automatic: boolean },
  elementName: string | null,
  actorName: string | null,
): HistoryEntry {
  return {
    elementId: h.element_id,
    name: elementName,
    type: h.element_type,
    actor: h.actor,
    actorName,
    automatic: h.automatic,
    startedAt: iso(h.started_at),
    endedAt: iso(h.ended_at),
    durationMs: h.duration_ms === null ? null : Number(h.duration_ms),
  };
}
