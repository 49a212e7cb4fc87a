import { z } from 'zod';
import { decimalString, timestamp } from '../lib/contract.js';

/** Pay these bills from this simulated bank account; the bills must be the oldest unpaid ones. */
export const hallPaymentCreateSchema = z.strictObject({
  billIds: z.array(z.guid()).min(1).max(120),
  bankAccountId: z.string().trim().min(1).max(32),
});
export type HallPaymentCreate = z.infer<typeof hallPaymentCreateSchema>;

/** The receipt of an online payment: amount, bills settled, time, the provider's reference. */
export const hallReceiptSchema = z.object({
  paymentId: z.guid(),
  accountId: z.guid(),
  reference: z.string(),
  amount: decimalString,
  paidAt: timestamp,
  bills: z.array(z.object({ billId: z.guid(), period: z.string(), amount: decimalString })),
  creditBalance: decimalString,
});
export type HallReceipt = z.infer<typeof hallReceiptSchema>;

export const simulatedBankAccountSchema = z.object({ id: z.string(), holder: z.string(), balance: decimalString });

/** The bank's signed callback (the simulator posts it; a real provider would too). */
export const paymentCallbackSchema = z.strictObject({
  reference: z.string().min(1).max(64),
  customerId: z.guid(),
  amount: z.string().regex(/^\d+\.\d{2}$/),
  paidAt: z.iso.datetime({ offset: true }),
  signature: z.string().min(1).max(128),
});
