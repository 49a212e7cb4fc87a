import { z } from 'zod';
import { calendarDate, decimalString } from '../lib/contract.js';

/** DOMAIN.md §1 classes: current month, earlier months this year, prior years (陈欠). */
export const AGEING_BUCKETS = ['currentMonth', 'earlierThisYear', 'priorYears'] as const;

/** One unsettled bill with its late fee accrued to the report's day (DOMAIN.md §6). */
export const billArrearsSchema = z.object({
  id: z.guid(),
  period: z.string(),
  dueDate: calendarDate,
  total: decimalString,
  paidAmount: decimalString,
  outstanding: decimalString,
  bucket: z.enum(AGEING_BUCKETS),
  lateFee: z.object({ days: z.number().int(), amount: decimalString }),
});

const arrearsFigures = {
  asOf: calendarDate,
  totalArrears: decimalString,
  ageing: z.object({ currentMonth: decimalString, earlierThisYear: decimalString, priorYears: decimalString }),
  creditBalance: decimalString,
  /** Arrears less credit: negative when the customer is in credit. */
  netBalance: decimalString,
  lateFees: decimalString,
  bills: z.array(billArrearsSchema),
};

/** Arrears of unsettled bills as of a day, as the pure `arrearsOf` computes them. */
export const arrearsReportSchema = z.object(arrearsFigures);

/** A customer's arrears (应收/欠费; GET /customers/:id/arrears). */
export const customerArrearsSchema = z.object({
  customerId: z.guid(),
  accountNo: z.string(),
  ...arrearsFigures,
});

export type AgeingBucket = (typeof AGEING_BUCKETS)[number];
export type BillArrears = z.infer<typeof billArrearsSchema>;
export type ArrearsReport = z.infer<typeof arrearsReportSchema>;
export type CustomerArrears = z.infer<typeof customerArrearsSchema>;
