import { addMonths, compareDates, type IsoDate } from '../calendar/dates.js';
import { type DecimalInput, dec } from '../decimal.js';

export type CreditGrade = 'A' | 'B' | 'C';

/** (cfg) Credit grading (DOMAIN.md §7). */
export interface CreditGradeConfig {
  /** Points from which a customer is A (default 90). */
  gradeAFrom: DecimalInput;
  /** Points from which a customer is B (default 70); below is C. */
  gradeBFrom: DecimalInput;
  /** A new customer without points yet. */
  newCustomerGrade: CreditGrade;
  /** How long current-year arrears aged 3 months keep a customer at C. */
  forcedCMonths: number;
}

export const DEFAULT_CREDIT_CONFIG: CreditGradeConfig = {
  gradeAFrom: '90',
  gradeBFrom: '70',
  newCustomerGrade: 'B',
  forcedCMonths: 12,
};

/** A ≥ 90 points, B 70–89 (any score from 70 up to, not including, 90), C < 70. */
export function creditGradeFromPoints(
  points: DecimalInput,
  config: CreditGradeConfig = DEFAULT_CREDIT_CONFIG,
): CreditGrade {
  const p = dec(points);
  if (p.greaterThanOrEqualTo(config.gradeAFrom)) return 'A';
  if (p.greaterThanOrEqualTo(config.gradeBFrom)) return 'B';
  return 'C';
}

export interface CreditStanding {
  /** Null for a new customer who has no score yet. */
  points: DecimalInput | null;
  /** The day the customer's current-year arrears reached 3 months, if they ever did. */
  arrearsAgedThreeMonthsOn?: IsoDate | null;
  onDate: IsoDate;
}

/**
 * The grade on a date (DOMAIN.md §7): new customers start at B; current-year arrears of 3 months
 * force C for one year — through the same calendar day a year later — whatever the points say.
 */
export function creditGrade(standing: CreditStanding, config: CreditGradeConfig = DEFAULT_CREDIT_CONFIG): CreditGrade {
  const since = standing.arrearsAgedThreeMonthsOn;
  if (since && compareDates(standing.onDate, since) >= 0) {
    if (compareDates(standing.onDate, addMonths(since, config.forcedCMonths)) <= 0) return 'C';
  }
  return standing.points === null ? config.newCustomerGrade : creditGradeFromPoints(standing.points, config);
}

/** DOMAIN.md §7: C-grade customers with arrears must sign a prepayment agreement. */
export function requiresPrepaymentAgreement(grade: CreditGrade, arrearsYuan: DecimalInput): boolean {
  return grade === 'C' && dec(arrearsYuan).greaterThan(0);
}
