import { Dec, dec, sum } from '../domain/decimal.js';
import { daysInMonth } from '../domain/billing/dates.js';
import type { WorkingCalendar } from '../domain/calendar/index.js';
import type { RegisterReading, RunCustomer, RunMeter } from '../marketing/billing-compute.js';
import { shiftPeriod } from '../marketing/billing-periods.js';

export type EstimateBasis = 'calendar-days' | 'working-days';

/** Days of a month on the basis: calendar days, or working days (Mon–Fri when the year's calendar is not configured). */
export function daysOf(period: string, basis: EstimateBasis, calendar: WorkingCalendar): number {
  const days = daysInMonth(period);
  if (basis === 'calendar-days') return days;
  const previous = shiftPeriod(period, -1);
  try {
    return calendar.workingDaysBetween(
      `${previous}-${String(daysInMonth(previous)).padStart(2, '0')}`,
      `${period}-${String(days).padStart(2, '0')}`,
    );
  } catch {
    let count = 0;
    for (let d = 1; d <= days; d++) {
      const weekday = new Date(`${period}-${String(d).padStart(2, '0')}T00:00:00Z`).getUTCDay();
      if (weekday !== 0 && weekday !== 6) count += 1;
    }
    return count;
  }
}

/**
 * The month's kWh from the customer's history: the average per day of the basis over the billed
 * months given (households by calendar days, businesses by working days — a shop or a factory
 * uses its power on the days it works), times the month's days of that basis, to 0.01 kWh.
 */
export function estimateKwh(
  history: readonly { period: string; kwh: string }[],
  period: string,
  basis: EstimateBasis,
  calendar: WorkingCalendar,
): { dailyKwh: Dec; days: number; kwh: Dec } | null {
  const historyDays = history.reduce((n, h) => n + daysOf(h.period, basis, calendar), 0);
  if (history.length === 0 || historyDays === 0) return null;
  const total = sum(history.map((h) => h.kwh));
  const days = daysOf(period, basis, calendar);
  return {
    dailyKwh: total.dividedBy(historyDays),
    days,
    kwh: total.times(days).dividedBy(historyDays).toDecimalPlaces(2, Dec.ROUND_HALF_UP),
  };
}

const REGISTERS = ['total', 'sharp', 'peak', 'flat', 'valley', 'deepValley', 'reactiveKvarh'] as const;

/**
 * The customer as the billing run would see it at the end of `period` had the meters advanced by
 * `kwh` in the shape of the last month read (`last`: each meter with that month's and the month
 * before's readings): every register's last advance scaled by kwh / the last advance's kWh. The
 * billing run's own `computeBill` then prices it, so the estimate carries the lines a bill would.
 * Null when the last month's advance cannot be read (no readings, a rollover, nothing used).
 */
export function projectedCustomer(current: RunCustomer, last: RunCustomer, kwh: Dec): RunCustomer | null {
  const lastKwh = sum(
    last.meters.map((m) =>
      m.current && m.previous ? dec(m.current.total).minus(m.previous.total).times(m.multiplier) : dec(-1),
    ),
  );
  if (!lastKwh.greaterThan(0) || last.meters.length !== current.meters.length) return null;
  const factor = kwh.dividedBy(lastKwh);
  const meters: RunMeter[] = [];
  for (const meter of last.meters) {
    const c = meter.current as RegisterReading;
    const p = meter.previous as RegisterReading;
    const next: RegisterReading = { ...c, readingType: '03' };
    for (const r of REGISTERS) {
      const now = c[r];
      const before = p[r];
      if (now === null || before === null) continue;
      const advance = dec(now).minus(before);
      if (advance.isNegative()) return null;
      next[r] = dec(now).plus(advance.times(factor).toDecimalPlaces(2, Dec.ROUND_HALF_UP)).toFixed(2);
    }
    meters.push({ ...meter, previous: c, current: next, subMeters: [] });
  }
  return { ...current, meters };
}
