import { Invalid } from '../../lib/errors.js';
import { type DateLike, fromDayNumber, toDayNumber, toIsoDate } from '../calendar/dates.js';
import type { WorkingCalendar } from '../calendar/working-calendar.js';
import type { ConnectionClass } from './connection-class.js';
import { type CumulativeSlaTable, type SlaMeasure, SGCC_2023_COMMITMENTS } from './tables.js';

/** Whose time an interval is: the utility's, or waiting for the customer (documents, own works, fees). */
export type SlaClock = 'utility' | 'customer';

export interface SlaInterval {
  clock: SlaClock;
  /** The day (or instant, read in Asia/Shanghai) the interval began; it does not count. */
  start: DateLike;
  /** The day it ended; it counts. */
  end: DateLike;
  /** The SG186 step, for reporting only. */
  step?: string;
}

export interface ConnectionSlaResult {
  connectionClass: ConnectionClass;
  tableId: string;
  measure: SlaMeasure;
  utilityWd: number;
  customerWd: number;
  /** The WD the limit is compared with: utility time, or the whole process. */
  countedWd: number;
  limitWd: number;
  /** Negative once breached. */
  remainingWd: number;
  onTime: boolean;
  status: 'on-time' | 'breached';
}

/**
 * Evaluates a new-connection job against a cumulative SLA table (DOMAIN.md §2).
 * Each interval covers the working days after its start up to and including its end. Intervals on
 * the same clock are merged, so parallel steps (e.g. grid-side works during the survey) count a day
 * once; the whole-process measure counts a day once even if both clocks ran on it.
 */
export function evaluateConnectionSla(
  connectionClass: ConnectionClass,
  intervals: readonly SlaInterval[],
  calendar: WorkingCalendar,
  table: CumulativeSlaTable = SGCC_2023_COMMITMENTS,
): ConnectionSlaResult {
  const days: Record<SlaClock, Set<number>> = { utility: new Set(), customer: new Set() };
  for (const interval of intervals) {
    const from = toDayNumber(toIsoDate(interval.start));
    const to = toDayNumber(toIsoDate(interval.end));
    if (to < from) {
      const which = interval.step === undefined ? 'an interval' : `interval ${interval.step}`;
      throw new Invalid('SLA_INTERVAL_REVERSED', `${which} ends before it starts`);
    }
    for (let day = from + 1; day <= to; day += 1) {
      if (calendar.isWorkingDay(fromDayNumber(day))) days[interval.clock].add(day);
    }
  }
  const { limitWd, measure } = table.limits[connectionClass];
  const utilityWd = days.utility.size;
  const customerWd = days.customer.size;
  // DOMAIN.md §2: only utility-side time counts for the cumulative commitments (customer clock excluded).
  const countedWd = measure === 'utility' ? utilityWd : new Set([...days.utility, ...days.customer]).size;
  const onTime = countedWd <= limitWd;
  return {
    connectionClass,
    tableId: table.id,
    measure,
    utilityWd,
    customerWd,
    countedWd,
    limitWd,
    remainingWd: limitWd - countedWd,
    onTime,
    status: onTime ? 'on-time' : 'breached',
  };
}
