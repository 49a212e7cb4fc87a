import { daysInMonth } from '../billing/dates.js';
import { type DecimalInput, dec } from '../decimal.js';

/** The old owner's position on the day of the transfer (过户, DOMAIN.md §9). */
export interface TransferPosition {
  arrears: DecimalInput;
  lateFees: DecimalInput;
  /** The new owner has signed to take over the arrears and late fees. */
  assumedInWriting: boolean;
}

export interface TransferRefusal {
  code: 'TRANSFER_ARREARS_UNSETTLED';
  message: string;
}

/**
 * DOMAIN.md §9: a transfer of ownership only with all arrears and late fees settled, or assumed
 * by the new owner in writing. Null when the transfer may go ahead.
 */
export function transferRefusal(position: TransferPosition): TransferRefusal | null {
  const owed = dec(position.arrears).plus(position.lateFees);
  if (!owed.greaterThan(0) || position.assumedInWriting) return null;
  return {
    code: 'TRANSFER_ARREARS_UNSETTLED',
    message: `arrears and late fees of ${owed.toFixed(2)} yuan must be settled, or assumed by the new owner in writing`,
  };
}

/**
 * Whose a bill of `period` (YYYY-MM) is when the account is transferred on `transferOn` (DOMAIN.md
 * §9: the customer record changes from the transfer date; bills before it stay with the old owner):
 * `old` for a month that ended before the transfer, `new` for one that starts on or after it, and
 * `split` for the month the transfer falls inside of, which a reading on the transfer date divides.
 */
export function billOwner(period: string, transferOn: string): 'old' | 'new' | 'split' {
  const first = `${period}-01`;
  const last = `${period}-${String(daysInMonth(period)).padStart(2, '0')}`;
  if (last < transferOn) return 'old';
  if (first >= transferOn) return 'new';
  return 'split';
}
