import { addDays, compareDates, endOfShanghaiDay } from '../../domain/calendar/index.js';
import { shiftPeriod } from '../../marketing/billing-periods.js';
import { daysInMonth } from '../../domain/billing/dates.js';

/**
 * How a supply contract sets a bill's due date (DOMAIN.md §6): a fixed date, N days after issue,
 * the end of the issue month, the reading day + N, or a fixed day of this or the next month.
 */
export type DueDateMethod =
  | { method: 'fixed-date'; date: string }
  | { method: 'days-after-issue'; days: number }
  | { method: 'end-of-issue-month' }
  | { method: 'reading-day-plus'; days: number }
  | { method: 'fixed-day'; day: number; month: 'this' | 'next' };

/** The contracts of the demo data: the 15th of the month after the period (worked example C). */
export const DEFAULT_DUE_DATE_METHOD: DueDateMethod = { method: 'fixed-day', day: 15, month: 'next' };

/**
 * (cfg) The least time a customer gets between issue and due date. DOMAIN.md leaves it open; a
 * bill released by the audit after its contract date would otherwise be overdue the day it is
 * issued and fall straight into arrears collection.
 */
export const MIN_DAYS_TO_PAY = 7;

export interface DueDateFacts {
  /** The bill's period, YYYY-MM. */
  period: string;
  /** The day the bill is issued, YYYY-MM-DD (Asia/Shanghai). */
  issuedOn: string;
  /** The day the meter was read, YYYY-MM-DD; defaults to the last day of the period. */
  readOn?: string | undefined;
}

function dayOfMonth(yearMonth: string, day: number): string {
  return `${yearMonth}-${String(Math.min(day, daysInMonth(yearMonth))).padStart(2, '0')}`;
}

/** The contract's due date for a bill, never earlier than MIN_DAYS_TO_PAY after issue. */
export function dueDateFor(method: DueDateMethod, facts: DueDateFacts, minDays = MIN_DAYS_TO_PAY): string {
  const issueMonth = facts.issuedOn.slice(0, 7);
  const contract = ((): string => {
    switch (method.method) {
      case 'fixed-date':
        return method.date;
      case 'days-after-issue':
        return addDays(facts.issuedOn, method.days);
      case 'end-of-issue-month':
        return dayOfMonth(issueMonth, 31);
      case 'reading-day-plus':
        return addDays(facts.readOn ?? dayOfMonth(facts.period, 31), method.days);
      case 'fixed-day':
        return dayOfMonth(method.month === 'next' ? shiftPeriod(facts.period, 1) : facts.period, method.day);
    }
  })();
  const earliest = addDays(facts.issuedOn, minDays);
  return compareDates(contract, earliest) < 0 ? earliest : contract;
}

/**
 * The end (Asia/Shanghai) of the last day a bill of `period` can be issued and still leave the
 * customer MIN_DAYS_TO_PAY before the demo contracts' due date (DOMAIN.md §6): the 8th of the next
 * month. A bill issued later is given more time than the contract says, so cash comes in late —
 * this is the deadline of the monthly-billing run and of each held bill's audit.
 */
export function issueByOf(period: string): Date {
  const contractDue = dueDateFor(DEFAULT_DUE_DATE_METHOD, { period, issuedOn: `${period}-01` }, 0);
  return endOfShanghaiDay(addDays(contractDue, -MIN_DAYS_TO_PAY));
}
