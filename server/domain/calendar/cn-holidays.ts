import { addDays, compareDates, type IsoDate } from './dates.js';
import type { CalendarYearConfig } from './working-calendar.js';

/**
 * China's official public-holiday calendars (全国年节及纪念日放假办法 and the yearly State Council
 * notice 国务院办公厅关于 YYYY 年部分节假日安排的通知). Each holiday block is listed from its first to
 * its last day off, weekends inside the block included; `adjustedWorkingDays` are the weekend days
 * the notice makes working days (调休上班).
 *
 * Maintenance: the notice for year Y+1 appears around October–November of year Y. Add it here (or
 * in provincial configuration) before the first deadline that reaches into Y+1 is computed; until
 * then the calendar throws CALENDAR_YEAR_NOT_CONFIGURED rather than guessing.
 */

type Block = readonly [first: IsoDate, last: IsoDate];

function expand(blocks: readonly Block[]): IsoDate[] {
  const days: IsoDate[] = [];
  for (const [first, last] of blocks) {
    for (let d = first; compareDates(d, last) <= 0; d = addDays(d, 1)) days.push(d);
  }
  return days;
}

/**
 * 2024: 国办发明电〔2023〕7号, published 2023-10-25. Note: New Year's Eve of the lunar year (除夕,
 * 2024-02-09, a Friday) is officially a working day; the notice only encourages employers to give
 * it off.
 */
const CN_2024: CalendarYearConfig = {
  year: 2024,
  source: '国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号, 2023-10-25)',
  holidays: expand([
    ['2024-01-01', '2024-01-01'], // New Year 元旦 (with the 2023-12-30/31 weekend)
    ['2024-02-10', '2024-02-17'], // Spring Festival 春节
    ['2024-04-04', '2024-04-06'], // Qingming 清明节
    ['2024-05-01', '2024-05-05'], // Labour Day 劳动节
    ['2024-06-08', '2024-06-10'], // Dragon Boat 端午节
    ['2024-09-15', '2024-09-17'], // Mid-Autumn 中秋节
    ['2024-10-01', '2024-10-07'], // National Day 国庆节
  ]),
  adjustedWorkingDays: [
    '2024-02-04', // Spring Festival
    '2024-02-18', // Spring Festival
    '2024-04-07', // Qingming
    '2024-04-28', // Labour Day
    '2024-05-11', // Labour Day
    '2024-09-14', // Mid-Autumn
    '2024-09-29', // National Day
    '2024-10-12', // National Day
  ],
};

/**
 * 2025: 国办发明电〔2024〕12号, published 2024-11-12 — the first year under the November 2024
 * revision that adds 除夕 and 2 May as statutory holidays (13 statutory days instead of 11).
 */
const CN_2025: CalendarYearConfig = {
  year: 2025,
  source: '国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12)',
  holidays: expand([
    ['2025-01-01', '2025-01-01'], // New Year, Wednesday, no swap
    ['2025-01-28', '2025-02-04'], // Spring Festival, from 除夕
    ['2025-04-04', '2025-04-06'], // Qingming
    ['2025-05-01', '2025-05-05'], // Labour Day
    ['2025-05-31', '2025-06-02'], // Dragon Boat
    ['2025-10-01', '2025-10-08'], // National Day and Mid-Autumn combined
  ]),
  adjustedWorkingDays: [
    '2025-01-26', // Spring Festival
    '2025-02-08', // Spring Festival
    '2025-04-27', // Labour Day
    '2025-09-28', // National Day
    '2025-10-11', // National Day
  ],
};

/**
 * 2026: 国务院办公厅关于2026年部分节假日安排的通知, published 2025-11-04 (Xinhua). The dates below were
 * checked against several reprints of the Xinhua text; the document number (国办发明电〔2025〕…号)
 * was not verified, so cite the notice by its date. Re-check against www.gov.cn before relying on
 * 2026 deadlines in production.
 */
const CN_2026: CalendarYearConfig = {
  year: 2026,
  source: '国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)',
  holidays: expand([
    ['2026-01-01', '2026-01-03'], // New Year
    ['2026-02-15', '2026-02-23'], // Spring Festival, 9 days
    ['2026-04-04', '2026-04-06'], // Qingming
    ['2026-05-01', '2026-05-05'], // Labour Day
    ['2026-06-19', '2026-06-21'], // Dragon Boat
    ['2026-09-25', '2026-09-27'], // Mid-Autumn
    ['2026-10-01', '2026-10-07'], // National Day
  ]),
  adjustedWorkingDays: [
    '2026-01-04', // New Year
    '2026-02-14', // Spring Festival
    '2026-02-28', // Spring Festival
    '2026-05-09', // Labour Day
    '2026-09-20', // National Day
    '2026-10-10', // National Day
  ],
};

/** The seeded national calendars, oldest first. Provinces may add local days in configuration. */
export const CN_HOLIDAY_CALENDARS: readonly CalendarYearConfig[] = [CN_2024, CN_2025, CN_2026];
