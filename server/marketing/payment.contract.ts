import { z } from 'zod';
import { decimal, decimalString, iso, timestamp } from '../lib/contract.js';
import { PAYMENT_CHANNELS } from './schemas.js';

/**
 * A row of the customer's account (实收; DOMAIN.md §1, §6): a payment, a refund of credit, the
 * reversal of a payment, or the money of an approved meter adjustment given back (退补, DOMAIN.md
 * §3; kind and channel `adjustment`), or a closing account's deposit applied to its bills (销户,
 * DOMAIN.md §9; channel `deposit`) — each a row of its own, never an edit. `amount` is always
 * positive; `kind` says which way the money went.
 */
export const paymentSchema = z.object({
  id: z.guid(),
  customerId: z.guid(),
  kind: z.enum(['payment', 'refund', 'reversal', 'adjustment']),
  channel: z.enum([...PAYMENT_CHANNELS, 'adjustment', 'deposit']),
  amount: decimalString,
  paidAt: timestamp,
  /** null on a reversal (it is keyed by the payment it reverses). */
  idempotencyKey: z.string().nullable(),
  reversesPaymentId: z.guid().nullable(),
  reason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: timestamp,
});
export type Payment = z.infer<typeof paymentSchema>;

/** Money of a payment applied to one bill (negative on a reversal). */
export const allocationSchema = z.object({
  billId: z.guid(),
  period: z.string(),
  amount: decimalString,
});
export type Allocation = z.infer<typeof allocationSchema>;

/**
 * One payment, refund or reversal as its own routes answer it: with the bills it settled and the
 * customer's credit after it.
 */
export const paymentDetailSchema = paymentSchema.extend({
  allocations: z.array(allocationSchema),
  creditBalance: decimalString,
});
export type PaymentDetail = z.infer<typeof paymentDetailSchema>;

/** A payment in the back office's list: the row with whose account it is. */
export const paymentListItemSchema = paymentSchema.extend({
  accountNo: z.string(),
  customerName: z.string(),
});
export type PaymentListItem = z.infer<typeof paymentListItemSchema>;

export interface PaymentRow {
  id: string;
  customer_id: string;
  kind: string;
  channel: string;
  amount: string;
  paid_at: Date | string;
  idempotency_key: string | null;
  reverses_payment_id: string | null;
  reason: string | null;
  created_by: string;
  created_at: Date | string;
}

export interface AllocationRow {
  bill_id: string;
  period: string;
  amount: string;
}

export function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    customerId: row.customer_id,
    kind: row.kind as Payment['kind'],
    channel: row.channel as Payment['channel'],
    amount: decimal(row.amount),
    paidAt: iso(row.paid_at),
    idempotencyKey: row.idempotency_key,
    reversesPaymentId: row.reverses_payment_id,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
  };
}

export function toPaymentDetail(row: PaymentRow, allocations: AllocationRow[], creditBalance: string): PaymentDetail {
  return {
    ...toPayment(row),
    allocations: allocations.map((a) => ({ billId: a.bill_id, period: a.period, amount: decimal(a.amount) })),
    creditBalance,
  };
}

export interface PaymentListRow extends PaymentRow {
  account_no: string;
  customer_name: string;
}

export function toPaymentListItem(row: PaymentListRow): PaymentListItem {
  return { ...toPayment(row), accountNo: row.account_no, customerName: row.customer_name };
}
