import { dayNumber } from '../billing/dates.js';
import type { SuspensionRules } from '../tariffs/index.js';

/** A suspension as applied for: its first and last day (inclusive). */
export interface SuspensionPeriod {
  from: string;
  to: string;
}

/**
 * DOMAIN.md §9, the 1996 rules (cfg): at most twice per calendar year, each at least 15 days, at
 * most 6 months per year in total. Six months are taken as half a year, 183 days, so that any six
 * calendar months fit.
 */
export const SUSPENSION_LIMITS_1996 = { timesPerYear: 2, minDays: 15, maxDaysPerYear: 183 };

export type SuspensionLimitCode = 'SUSPENSION_TOO_OFTEN' | 'SUSPENSION_TOO_SHORT' | 'SUSPENSION_TOO_LONG';

export interface SuspensionLimitProblem {
  code: SuspensionLimitCode;
  message: string;
}

const days = (p: SuspensionPeriod) => dayNumber(p.to) - dayNumber(p.from) + 1;

/** Days of `p` inside calendar year `year`. */
function daysIn(p: SuspensionPeriod, year: number): number {
  const from = Math.max(dayNumber(p.from), dayNumber(`${year}-01-01`));
  const to = Math.min(dayNumber(p.to), dayNumber(`${year}-12-31`));
  return Math.max(0, to - from + 1);
}

/**
 * What keeps a suspension applied for from being accepted, given the customer's other suspensions
 * (as applied for, or as they ran), under the rules in force: nothing under the current rules.
 * A suspension counts against the year it starts in; its days against the years they fall in.
 */
export function suspensionLimitProblems(
  rules: SuspensionRules,
  others: readonly SuspensionPeriod[],
  applied: SuspensionPeriod,
): SuspensionLimitProblem[] {
  if (rules !== '1996') return [];
  if (applied.to < applied.from) throw new RangeError(`suspension ends ${applied.to} before it starts ${applied.from}`);
  const limits = SUSPENSION_LIMITS_1996;
  const problems: SuspensionLimitProblem[] = [];
  const startYear = applied.from.slice(0, 4);
  const sameYear = others.filter((o) => o.from.slice(0, 4) === startYear).length;
  if (sameYear + 1 > limits.timesPerYear) {
    problems.push({
      code: 'SUSPENSION_TOO_OFTEN',
      message: `already ${sameYear} suspension(s) in ${startYear}; at most ${limits.timesPerYear} a calendar year`,
    });
  }
  if (days(applied) < limits.minDays) {
    problems.push({
      code: 'SUSPENSION_TOO_SHORT',
      message: `${days(applied)} days; a suspension lasts at least ${limits.minDays} days`,
    });
  }
  const years = new Set([Number(applied.from.slice(0, 4)), Number(applied.to.slice(0, 4))]);
  for (const year of years) {
    const total = [...others, applied].reduce((n, p) => n + daysIn(p, year), 0);
    if (total > limits.maxDaysPerYear) {
      problems.push({
        code: 'SUSPENSION_TOO_LONG',
        message: `${total} days suspended in ${year}; at most ${limits.maxDaysPerYear} (6 months) a calendar year`,
      });
    }
  }
  return problems;
}
