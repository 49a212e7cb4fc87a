import { z } from 'zod';
import { decimalString } from '../lib/contract.js';
import { billLineSchema } from './bill.contract.js';

/**
 * Quotes: the domain's pure, decimal-exact results answered as they are computed, every figure a
 * decimal string exactly as the domain wrote it (no re-rounding on the way out).
 */

/** A government fund inside the energy price: reported beside the bill, not in its total. */
const inPriceLevySchema = z.object({
  name: z.string(),
  quantity: decimalString,
  unitPrice: decimalString,
  amount: decimalString,
});

/** POST /billing/quote (DOMAIN.md §5). */
export const billQuoteSchema = z.object({
  lines: z.array(billLineSchema),
  /** cosφ to 2 decimals, or null without kvarh. */
  powerFactor: decimalString.nullable(),
  /** Percent (+ surcharge, − reduction); null when not PF-assessed. */
  pfAdjustmentPercent: decimalString.nullable(),
  total: decimalString,
  inPriceLevies: z.array(inPriceLevySchema),
});
export type BillQuoteResult = z.infer<typeof billQuoteSchema>;

/** POST /billing/late-fee-quote (DOMAIN.md §6). */
export const lateFeeQuoteSchema = z.object({
  days: z.number().int(),
  amount: decimalString,
  breakdown: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      days: z.number().int(),
      principal: decimalString,
      /** Daily rate in ‰ of the principal. */
      ratePerMille: decimalString,
      /** principal × rate × days, unrounded: the total is this summed, then rounded once. */
      exactAmount: decimalString,
      /** `exactAmount` rounded to the cent, for display. */
      amount: decimalString,
    }),
  ),
});
export type LateFeeQuoteResult = z.infer<typeof lateFeeQuoteSchema>;

/** POST /metering/adjustment-quote (DOMAIN.md §3): kWh signed, − refund, + back-bill. */
export const adjustmentQuoteSchema = z.object({
  kind: z.enum(['meter-error', 'wiring', 'multiplier']),
  adjustKwh: decimalString,
  direction: z.enum(['refund', 'back-bill', 'none']),
  trueKwh: decimalString.optional(),
  deltaKwh: decimalString.optional(),
  withinTolerance: z.boolean().optional(),
});
export type AdjustmentQuoteResult = z.infer<typeof adjustmentQuoteSchema>;
