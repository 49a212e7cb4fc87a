import { AppError, Invalid } from '../../lib/errors.js';
import {
  type DateLike,
  type IsoDate,
  endOfShanghaiDay,
  fromDayNumber,
  toDayNumber,
  toIsoDate,
  weekdayOfDayNumber,
} from './dates.js';

/** One year of the holiday calendar, as the State Council publishes it (configuration data). */
export interface CalendarYearConfig {
  year: number;
  /** Days off: statutory holidays and the weekdays swapped into a holiday block. */
  holidays: readonly IsoDate[];
  /** 调休: weekend days that are working days. */
  adjustedWorkingDays: readonly IsoDate[];
  /** Where the dates come from (the notice), for reviewers. */
  source?: string;
}

export interface WorkingCalendarOptions {
  /**
   * What to do with a date in a year that has no configuration. `'throw'` (the default) raises
   * `CalendarYearNotConfigured`; `'weekends-only'` treats such a year as plain Monday–Friday,
   * which silently ignores that year's holidays — use it only where a wrong deadline is harmless.
   */
  unconfiguredYears?: 'throw' | 'weekends-only';
}

/** A date fell in a year whose holiday calendar nobody has configured yet. */
export class CalendarYearNotConfigured extends AppError {
  constructor(readonly year: number) {
    super(
      500,
      'CALENDAR_YEAR_NOT_CONFIGURED',
      `the working-day calendar has no holiday data for ${year}; add the State Council notice for ${year} to the calendar configuration`,
      [],
      { year },
    );
  }
}

interface YearDays {
  holidays: Set<number>;
  adjusted: Set<number>;
}

/**
 * Working days by a yearly-maintained holiday calendar (DOMAIN.md conventions: WD).
 * A date is a working day when it is an adjusted working weekend, or a Monday–Friday that is not
 * a holiday. "Within N WD" counts from the day after a step starts (DOMAIN.md conventions).
 */
export class WorkingCalendar {
  readonly #years = new Map<number, YearDays>();
  readonly #fallback: boolean;

  constructor(years: readonly CalendarYearConfig[], options: WorkingCalendarOptions = {}) {
    this.#fallback = options.unconfiguredYears === 'weekends-only';
    for (const config of years) this.#years.set(config.year, validateYear(config, this.#years));
  }

  configuredYears(): number[] {
    return [...this.#years.keys()].sort((a, b) => a - b);
  }

  isWorkingDay(date: DateLike): boolean {
    return this.#isWorkingDayNumber(toDayNumber(toIsoDate(date)));
  }

  /**
   * The Nth working day after `start` (the start day itself never counts, whether or not it is a
   * working day). `n = 0` returns the start date.
   */
  addWorkingDays(start: DateLike, n: number): IsoDate {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
    let day = toDayNumber(toIsoDate(start));
    for (let counted = 0; counted < n;) {
      day += 1;
      if (this.#isWorkingDayNumber(day)) counted += 1;
    }
    return fromDayNumber(day);
  }

  /**
   * Working days after `from` up to and including `to`: the number of WD a step that started on
   * `from` has used by the end of `to`. Negative (the same count, negated) when `to` is before `from`.
   */
  workingDaysBetween(from: DateLike, to: DateLike): number {
    const a = toDayNumber(toIsoDate(from));
    const b = toDayNumber(toIsoDate(to));
    if (b < a) return -this.workingDaysBetween(to, from);
    let count = 0;
    for (let day = a + 1; day <= b; day += 1) if (this.#isWorkingDayNumber(day)) count += 1;
    return count;
  }

  /**
   * Deadline of a step that started at an instant and has N WD: the end (23:59:59.999+08:00) of
   * the Nth working day after the start's Asia/Shanghai date. Choice: the time of day the step
   * started does not shorten or extend the allowance — a step started at 16:55 gets the same
   * deadline as one started at 08:00, which is how the commitments are counted ("N working days",
   * not "N × 24 hours"). A step is overdue when `now > deadline`.
   */
  deadlineAfter(startedAt: Date, n: number): Date {
    return endOfShanghaiDay(this.addWorkingDays(startedAt, n));
  }

  /** `workingDaysBetween` over the Asia/Shanghai dates of two instants. */
  workingDaysElapsed(from: Date, to: Date): number {
    return this.workingDaysBetween(from, to);
  }

  #isWorkingDayNumber(day: number): boolean {
    const year = new Date(day * 86_400_000).getUTCFullYear();
    const config = this.#years.get(year);
    if (config) {
      if (config.adjusted.has(day)) return true;
      if (config.holidays.has(day)) return false;
    } else if (!this.#fallback) {
      throw new CalendarYearNotConfigured(year);
    }
    const weekday = weekdayOfDayNumber(day);
    return weekday !== 0 && weekday !== 6;
  }
}

function validateYear(config: CalendarYearConfig, seen: ReadonlyMap<number, YearDays>): YearDays {
  const problem = (reason: string): Invalid =>
    new Invalid('INVALID_CALENDAR', `calendar year ${config.year}: ${reason}`);
  if (!Number.isInteger(config.year) || config.year < 1900 || config.year > 9999)
    throw problem('year must be an integer');
  if (seen.has(config.year)) throw problem('configured twice');
  const inYear = (date: IsoDate): number => {
    const day = toDayNumber(date);
    if (!date.startsWith(`${config.year}-`)) throw problem(`${date} is not in ${config.year}`);
    return day;
  };
  const holidays = new Set(config.holidays.map(inYear));
  const adjusted = new Set<number>();
  for (const date of config.adjustedWorkingDays) {
    const day = inYear(date);
    const weekday = weekdayOfDayNumber(day);
    if (weekday !== 0 && weekday !== 6) throw problem(`adjusted working day ${date} is not a weekend day`);
    if (holidays.has(day)) throw problem(`${date} is both a holiday and an adjusted working day`);
    adjusted.add(day);
  }
  return { holidays, adjusted };
}
