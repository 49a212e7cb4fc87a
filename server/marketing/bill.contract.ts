import { z } from 'zod';
import { calendarDate, decimal, decimalString, iso, isoDate, timestamp } from '../lib/contract.js';

/** One bill line (DOMAIN.md §1): 01 energy, 02 PF adjustment, 03 basic charge, 04 government funds. */
export const billLineSchema = z.object({
  type: z.enum(['01', '02', '03', '04']),
  label: z.string(),
  quantity: decimalString,
  unitPrice: decimalString,
  amount: decimalString,
});

/** An audit rule a bill tripped (migration 04): the bill is held until someone reviews it. */
export const auditFlagSchema = z.object({
  rule: z.number().int(),
  code: z.string(),
  message: z.string(),
});

export const BILL_KINDS = ['energy', 'adjustment'] as const;

export const BILL_STATUSES = ['held', 'issued', 'partly_paid', 'settled', 'written_off'] as const;

/** A bill (电费; DOMAIN.md §1): money as decimal strings, the period as YYYY-MM. */
export const billSchema = z.object({
  /** A GUID, not always an RFC 4122 UUID: the billing run derives a bill's id from md5(customer, period). */
  id: z.guid(),
  customerId: z.guid(),
  /** YYYY-MM. */
  period: z.string(),
  /** `energy`: the month's bill (one per month); `adjustment`: an approved meter adjustment back-billed. */
  kind: z.enum(BILL_KINDS),
  lines: z.array(billLineSchema),
  total: decimalString,
  paidAmount: decimalString,
  outstanding: decimalString,
  /** null while the bill is held for audit. */
  dueDate: calendarDate.nullable(),
  status: z.enum(BILL_STATUSES),
  auditFlags: z.array(auditFlagSchema),
  /** The month's reactive energy (kvarh, multiplier applied) of a bill the run priced; audit rule 9 reads it. */
  reactiveKvarh: decimalString.nullable(),
  issuedAt: timestamp,
  issuedBy: z.string(),
});
export type Bill = z.infer<typeof billSchema>;
export type BillLine = z.infer<typeof billLineSchema>;
export type AuditFlag = z.infer<typeof auditFlagSchema>;

/** A `bills` row as the service reads it (`outstanding` computed, the due date as YYYY-MM-DD text). */
export interface BillRow {
  id: string;
  customer_id: string;
  period: string;
  kind: string;
  lines: BillLine[] | null;
  total: string;
  paid_amount: string;
  outstanding: string;
  due_date: string | Date | null;
  status: string;
  audit_flags: AuditFlag[] | null;
  reactive_kvarh: string | null;
  issued_at: Date | string;
  issued_by: string;
}

export function toBill(row: BillRow): Bill {
  return {
    id: row.id,
    customerId: row.customer_id,
    period: row.period,
    kind: row.kind as Bill['kind'],
    lines: row.lines ?? [],
    total: decimal(row.total),
    paidAmount: decimal(row.paid_amount),
    outstanding: decimal(row.outstanding),
    dueDate: isoDate(row.due_date),
    status: row.status as Bill['status'],
    auditFlags: (row.audit_flags ?? []).map(({ rule, code, message }) => ({ rule, code, message })),
    reactiveKvarh: row.reactive_kvarh === null ? null : decimal(row.reactive_kvarh),
    issuedAt: iso(row.issued_at),
    issuedBy: row.issued_by,
  };
}
