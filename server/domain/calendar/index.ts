import { CN_HOLIDAY_CALENDARS } from './cn-holidays.js';
import { WorkingCalendar, type CalendarYearConfig, type WorkingCalendarOptions } from './working-calendar.js';

export * from './dates.js';
export * from './working-calendar.js';
export { CN_HOLIDAY_CALENDARS } from './cn-holidays.js';

/** The national calendar seeded from the State Council notices, plus any extra (e.g. provincial) years. */
export function chinaWorkingCalendar(
  options: WorkingCalendarOptions = {},
  extraYears: readonly CalendarYearConfig[] = [],
): WorkingCalendar {
  return new WorkingCalendar([...CN_HOLIDAY_CALENDARS, ...extraYears], options);
}
