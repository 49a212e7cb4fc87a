import { z } from 'zod';
import { Dec, type DecimalInput, dec, roundMoney, sum } from '../decimal.js';
import { decimalString, isIsoDate, isYearMonth, isoDateString, yearMonthString } from '../tariffs/index.js';
import { ELEC_TYPE_CODES, type ElecTypeCode, isResidentialCategory } from './categories.js';
import { dayNumber, isoDateOf, yearOf } from './dates.js';
import { BillingInputError } from './errors.js';
import { readDecimal } from './inputs.js';

export interface LateFeePayment {
  date: string;
  amount: DecimalInput;
}

export interface LateFeeQuoteRequest {
  category: ElecTypeCode;
  /** The bill's unpaid amount on its due date, yuan. */
  principal: DecimalInput;
  /** YYYY-MM: the bill's year decides when its arrears cross a year end. */
  billMonth: string;
  dueDate: string;
  /** The day the remaining principal is paid: the last penalty day. */
  payDate: string;
  /** Partial payments up to `payDate`; each lowers the principal from the next day. */
  payments?: LateFeePayment[] | undefined;
}

/** A run of days with one principal and one daily rate. */
export interface LateFeeSegment {
  from: string;
  to: string;
  days: number;
  principal: string;
  /** Daily rate in ‰ of the principal. */
  ratePerMille: string;
  /** principal × rate × days, unrounded: what the quote's total adds up. */
  exactAmount: string;
  /** `exactAmount` rounded to 0.01 half up, for display. */
  amount: string;
}

/**
 * `days` from the first day after the due date to the payment day; `amount` is the exact sum of
 * the runs rounded once to the cent, or 1.00 when that exact sum is strictly between 0 and 1 yuan.
 * The runs' rounded `amount`s may therefore differ from the total by a cent or so.
 */
export interface LateFeeQuote {
  days: number;
  amount: string;
  breakdown: LateFeeSegment[];
}

/** The body of a late-fee quote request (DOMAIN.md §6), validated and documented by one schema. */
export const lateFeeQuoteRequestSchema = z.strictObject({
  category: z.enum(ELEC_TYPE_CODES, { error: `category must be one of ${ELEC_TYPE_CODES.join(', ')}` }),
  principal: decimalString('principal', 'non-negative'),
  billMonth: yearMonthString('billMonth'),
  dueDate: isoDateString('dueDate'),
  payDate: isoDateString('payDate'),
  payments: z
    .array(
      z.strictObject({
        date: isoDateString('payments[].date'),
        amount: decimalString('payments[].amount', 'non-negative'),
      }),
    )
    .optional(),
});

export type LateFeeQuoteRequestInput = z.input<typeof lateFeeQuoteRequestSchema>;

interface Payment {
  day: number;
  amount: Dec;
}

function readRequest(request: LateFeeQuoteRequest): { principal: Dec; payments: Payment[]; due: number; pay: number } {
  if (!ELEC_TYPE_CODES.includes(request.category)) {
    throw new BillingInputError('category', `category must be one of ${ELEC_TYPE_CODES.join(', ')}`);
  }
  if (!isYearMonth(request.billMonth)) {
    throw new BillingInputError('billMonth', `billMonth must be YYYY-MM, got "${request.billMonth}"`);
  }
  for (const field of ['dueDate', 'payDate'] as const) {
    if (!isIsoDate(request[field])) {
      throw new BillingInputError(field, `${field} must be a real date written YYYY-MM-DD, got "${request[field]}"`);
    }
  }
  const payments = (request.payments ?? []).map((p, i) => {
    const field = `payments.${i}`;
    if (!isIsoDate(p.date)) throw new BillingInputError(`${field}.date`, `${field}.date must be a date YYYY-MM-DD`);
    if (p.date > request.payDate) {
      throw new BillingInputError(`${field}.date`, `payment on ${p.date} is after payDate ${request.payDate}`);
    }
    return { day: dayNumber(p.date), amount: readDecimal(`${field}.amount`, p.amount, 'non-negative', 2) };
  });
  return {
    principal: readDecimal('principal', request.principal, 'non-negative', 2),
    payments,
    due: dayNumber(request.dueDate),
    pay: dayNumber(request.payDate),
  };
}

interface Run {
  from: number;
  to: number;
  principal: Dec;
  perMille: number;
}

/**
 * The late-payment penalty (电费违约金) of one bill (DOMAIN.md §6), on the unpaid principal only, no
 * compounding: residential (200/201/202) 1 ‰ a day; others 2 ‰ a day while the arrears are of the
 * current year and 3 ‰ once they are carried across a year end.
 *
 * Interpretation of "carried across a year end": the arrears belong to the year of `billMonth` (Y).
 * Penalty days in year Y are charged 2 ‰, penalty days in Y+1 or later 3 ‰. So a December bill due
 * in January is charged 3 ‰ from its first penalty day.
 */
export function quoteLateFee(request: LateFeeQuoteRequest): LateFeeQuote {
  const { principal, payments, due, pay } = readRequest(request);
  const days = Math.max(0, pay - due);
  const first = due + 1;
  const residential = isResidentialCategory(request.category);
  const crossing = dayNumber(`${yearOf(request.billMonth) + 1}-01-01`);
  const rateOn = (day: number): number => (residential ? 1 : day >= crossing ? 3 : 2);
  // DOMAIN.md §6: partial payments lower the principal from the next day.
  const owedOn = (day: number): Dec =>
    Dec.max(0, principal.minus(sum(payments.filter((p) => p.day < day).map((p) => p.amount))));

  const starts = [first, crossing, ...payments.map((p) => p.day + 1)].filter((d) => d >= first && d <= pay);
  const sorted = [...new Set(starts)].sort((a, b) => a - b);
  const runs: Run[] = [];
  sorted.forEach((from, i) => {
    const to = (sorted[i + 1] ?? pay + 1) - 1;
    const run = { from, to, principal: owedOn(from), perMille: rateOn(from) };
    const last = runs[runs.length - 1];
    if (last && last.principal.equals(run.principal) && last.perMille === run.perMille) last.to = to;
    else runs.push(run);
  });

  const priced = runs
    .filter((r) => r.principal.greaterThan(0))
    .map((r) => {
      const days = r.to - r.from + 1;
      return { ...r, days, exact: r.principal.times(r.perMille).dividedBy(1000).times(days) };
    });
  const breakdown = priced.map((r) => ({
    from: isoDateOf(r.from),
    to: isoDateOf(r.to),
    days: r.days,
    principal: r.principal.toFixed(2),
    ratePerMille: String(r.perMille),
    exactAmount: r.exact.toFixed(),
    amount: roundMoney(r.exact).toFixed(2),
  }));
  return { days, amount: penaltyCharged(sum(priced.map((r) => r.exact))).toFixed(2), breakdown };
}

/**
 * The penalty charged for an exact, unrounded total (DOMAIN.md §6): a total between 0 and 1 yuan is
 * charged as 1 yuan. The test is on the unrounded total so that a penalty of a few tenths of a fen
 * — each day and each run rounding to 0.00 on its own — is still charged, never waived by rounding.
 */
export function penaltyCharged(exactTotal: DecimalInput): Dec {
  const total = dec(exactTotal);
  if (total.greaterThan(0) && total.lessThan(1)) return dec(1);
  return roundMoney(total);
}
