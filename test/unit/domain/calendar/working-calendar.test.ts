import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CalendarYearConfig,
  CalendarYearNotConfigured,
  WorkingCalendar,
  addDays,
  chinaWorkingCalendar,
} from '../../../../server/domain/calendar/index.js';

const calendar = chinaWorkingCalendar();

describe('WorkingCalendar.isWorkingDay (seeded national calendar)', () => {
  it.each([
    ['2025-03-03', true, 'a plain Monday'],
    ['2025-03-08', false, 'a plain Saturday'],
    ['2024-02-09', true, '2024 lunar New Year’s Eve, officially a working Friday'],
    ['2024-02-12', false, 'a Monday inside the 2024 Spring Festival'],
    ['2024-02-04', true, 'a Sunday made a working day for the 2024 Spring Festival'],
    ['2024-10-12', true, 'a Saturday made a working day after National Day 2024'],
    ['2025-01-28', false, '2025 lunar New Year’s Eve, a holiday from 2025'],
    ['2025-09-28', true, 'the Sunday before National Day 2025'],
    ['2025-10-08', false, 'the 8th day of the combined 2025 National Day / Mid-Autumn break'],
    ['2025-10-11', true, 'the Saturday after National Day 2025'],
    ['2026-01-04', true, 'the Sunday after New Year 2026'],
    ['2026-02-23', false, 'the last day of the 9-day 2026 Spring Festival'],
    ['2026-02-28', true, 'the Saturday after the 2026 Spring Festival'],
    ['2026-06-19', false, 'Dragon Boat Festival 2026, a Friday'],
  ])('%s is a working day: %s (%s)', (date, expected) => {
    // given the national calendar / when / then
    expect(calendar.isWorkingDay(date)).toBe(expected);
  });

  it('counts 248 working days in 2025: 261 weekdays − 18 weekday holidays + 5 adjusted weekends', () => {
    // given every day of 2025
    const days = Array.from({ length: 365 }, (_, i) => addDays('2025-01-01', i));
    // when
    const working = days.filter((d) => calendar.isWorkingDay(d)).length;
    // then
    expect(working).toBe(248);
  });
});

describe('WorkingCalendar.addWorkingDays', () => {
  it.each([
    ['2025-03-03', 1, '2025-03-04', 'counts from the day after the start'],
    ['2025-03-07', 1, '2025-03-10', 'skips the weekend'],
    ['2025-03-08', 1, '2025-03-10', 'a start on a Saturday counts from Monday'],
    ['2025-03-03', 0, '2025-03-03', 'zero days is the start day'],
    ['2025-09-30', 1, '2025-10-09', 'skips the 8-day National Day break'],
    ['2025-09-26', 1, '2025-09-28', 'lands on an adjusted working Sunday'],
    ['2025-12-31', 1, '2026-01-04', 'crosses the year end into the New Year swap Sunday'],
    ['2025-03-03', 6, '2025-03-11', 'six working days from a Monday'],
  ])('%s + %i WD = %s (%s)', (start, n, expected) => {
    expect(calendar.addWorkingDays(start, n)).toBe(expected);
  });

  it('rejects a negative or fractional count', () => {
    expect(() => calendar.addWorkingDays('2025-03-03', -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2025-03-03', 1.5)).toThrow(RangeError);
  });
});

describe('WorkingCalendar.workingDaysBetween', () => {
  it.each([
    ['2025-03-03', '2025-03-03', 0],
    ['2025-03-03', '2025-03-10', 5],
    ['2025-03-10', '2025-03-03', -5],
    // 01-26 (adjusted Sunday), 01-27, then 02-05..02-07 after the Spring Festival break
    ['2025-01-24', '2025-02-07', 5],
  ])('from %s to %s is %i WD', (from, to, expected) => {
    expect(calendar.workingDaysBetween(from, to)).toBe(expected);
  });

  it('is the inverse of addWorkingDays for any start in the seeded years', () => {
    // given any day from 2024-01-01 to 2026-09-30 and up to 60 WD
    const start = fc.integer({ min: 0, max: 1003 }).map((i) => addDays('2024-01-01', i));
    fc.assert(
      fc.property(start, fc.integer({ min: 0, max: 60 }), (d, n) => {
        // when
        const deadline = calendar.addWorkingDays(d, n);
        // then
        expect(calendar.workingDaysBetween(d, deadline)).toBe(n);
        if (n > 0) expect(calendar.isWorkingDay(deadline)).toBe(true);
      }),
    );
  });
});

describe('WorkingCalendar with an unconfigured year', () => {
  it('throws CALENDAR_YEAR_NOT_CONFIGURED rather than guessing Monday–Friday', () => {
    // given the seeded calendar (2024–2026) / when a 2027 date is asked / then
    expect(() => calendar.isWorkingDay('2027-01-04')).toThrow(CalendarYearNotConfigured);
    expect(() => calendar.addWorkingDays('2026-12-30', 5)).toThrow(/no holiday data for 2027/);
    let caught: unknown;
    try {
      calendar.isWorkingDay('2023-06-01');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CALENDAR_YEAR_NOT_CONFIGURED', year: 2023, status: 500 });
  });

  it('falls back to weekends only when the option allows it', () => {
    // given the weekend-only fallback
    const lenient = chinaWorkingCalendar({ unconfiguredYears: 'weekends-only' });
    // when / then: 2027-01-01 is a Friday and, unconfigured, counts as a working day
    expect(lenient.isWorkingDay('2027-01-01')).toBe(true);
    expect(lenient.isWorkingDay('2027-01-02')).toBe(false);
    expect(lenient.addWorkingDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('WorkingCalendar configuration', () => {
  const year = (overrides: Partial<CalendarYearConfig>): CalendarYearConfig => ({
    year: 2030,
    holidays: [],
    adjustedWorkingDays: [],
    ...overrides,
  });

  it.each([
    ['an adjusted working day on a weekday', [year({ adjustedWorkingDays: ['2030-01-07'] })], /not a weekend day/],
    ['a date outside its year', [year({ holidays: ['2031-01-01'] })], /not in 2030/],
    ['a year configured twice', [year({}), year({})], /configured twice/],
    ['a malformed date', [year({ holidays: ['2030-02-30'] })], /not a calendar date/],
    [
      'a day both off and on',
      [year({ holidays: ['2030-01-05'], adjustedWorkingDays: ['2030-01-05'] })],
      /both a holiday and an adjusted working day/,
    ],
  ])('rejects %s', (_what, years, message) => {
    expect(() => new WorkingCalendar(years)).toThrow(message);
  });
});

describe('WorkingCalendar timestamp variants (Asia/Shanghai)', () => {
  it('puts the deadline at the end of the deadline day in Shanghai, whatever the start time', () => {
    // given a step started on 2025-09-30 at 16:55 Shanghai time
    const startedAt = new Date('2025-09-30T16:55:00+08:00');
    // when it has 1 WD
    const deadline = calendar.deadlineAfter(startedAt, 1);
    // then it ends at 23:59:59.999 on 2025-10-09 in Shanghai
    expect(deadline.toISOString()).toBe('2025-10-09T15:59:59.999Z');
  });

  it('reads the start date in Shanghai, not UTC', () => {
    // given 2025-03-06T16:30Z, which is Friday 2025-03-07 00:30 in Shanghai
    const startedAt = new Date('2025-03-06T16:30:00Z');
    // when / then: the next working day is Monday, not Friday
    expect(calendar.deadlineAfter(startedAt, 1).toISOString()).toBe('2025-03-10T15:59:59.999Z');
    expect(calendar.workingDaysElapsed(startedAt, new Date('2025-03-10T01:00:00Z'))).toBe(1);
  });
});
