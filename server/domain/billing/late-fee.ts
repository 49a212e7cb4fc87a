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
  /** principal × rate × days, rounded to 0.01 half up. */
  amount: string;
}

/**
 * `days` from the first day after the due date to the payment day; `amount` is the sum of the
 * breakdown (each run rounded to the cent like a bill line), or 1.00 when that sum is strictly
 * between 0 and 1 yuan.
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

  const breakdown = runs
    .filter((r) => r.principal.greaterThan(0))
    .map((r) => {
      const n = r.to - r.from + 1;
      const amount = roundMoney(r.principal.times(r.perMille).dividedBy(1000).times(n));
      return {
        from: isoDateOf(r.from),
        to: isoDateOf(r.to),
        days: n,
        principal: r.principal.toFixed(2),
        ratePerMille: String(r.perMille),
        amount: amount.toFixed(2),
      };
    });
  const total = sum(breakdown.map((s) => s.amount));
  // DOMAIN.md §6: a penalty between 0 and 1 yuan is charged as 1 yuan.
  const amount = total.greaterThan(0) && total.lessThan(1) ? dec(1) : total;
  return { days, amount: amount.toFixed(2), breakdown };
}
