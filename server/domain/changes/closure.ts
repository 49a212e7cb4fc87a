import { daysInMonth } from '../billing/dates.js';
import { BillingInputError } from '../billing/errors.js';
import { type Dec, type DecimalInput, dec } from '../decimal.js';
import { isIsoDate } from '../tariffs/index.js';

/**
 * The period of an account's final bill (销户, DOMAIN.md §9): the month of the final reading, billed
 * from the 1st — or the day the account was connected, if later — to the final reading day, that
 * day included (a partial day counts as one). Handed to `quoteBill`, `days` prorates the basic charge
 * at 1/30 of the monthly charge a day (DOMAIN.md §5.2); a whole month leaves `days` out.
 */
export function finalBillPeriod(finalReadingOn: string, inServiceFrom?: string): { month: string; days?: string } {
  if (!isIsoDate(finalReadingOn)) {
    throw new BillingInputError('finalReadingOn', `finalReadingOn must be a date YYYY-MM-DD, got "${finalReadingOn}"`);
  }
  if (inServiceFrom !== undefined && (!isIsoDate(inServiceFrom) || inServiceFrom > finalReadingOn)) {
    throw new BillingInputError('inServiceFrom', `inServiceFrom must be a date on or before ${finalReadingOn}`);
  }
  const month = finalReadingOn.slice(0, 7);
  const from = inServiceFrom !== undefined && inServiceFrom.startsWith(month) ? Number(inServiceFrom.slice(8)) : 1;
  const days = Number(finalReadingOn.slice(8)) - from + 1;
  return days === daysInMonth(month) ? { month } : { month, days: String(days) };
}

export interface ClosureAccount {
  /** Unsettled bills, yuan. */
  arrears: DecimalInput;
  lateFees: DecimalInput;
  /** Money paid ahead and not yet used. */
  credit: DecimalInput;
  /** The deposit (保证金) held, if any. */
  deposit?: DecimalInput | undefined;
}

/**
 * How a closing account settles (DOMAIN.md §9): the credit and the deposit pay the arrears and late
 * fees first; what they leave is collected from the customer, or refunded to them. Exactly one of
 * the two is non-zero, or both are zero.
 */
export function closureSettlement(account: ClosureAccount): { toCollect: Dec; toRefund: Dec } {
  const owed = dec(account.arrears).plus(account.lateFees);
  const held = dec(account.credit).plus(account.deposit ?? 0);
  const balance = owed.minus(held);
  return balance.isNegative()
    ? { toCollect: dec(0), toRefund: balance.negated() }
    : { toCollect: balance, toRefund: dec(0) };
}
