import { describe, expect, it } from 'vitest';
import {
  addMonths,
  endOfShanghaiDay,
  isIsoDate,
  shanghaiDateOf,
  toIsoDate,
} from '../../../../server/domain/calendar/index.js';

describe('calendar dates', () => {
  it.each([
    ['2025-03-10', 3, '2025-06-10'],
    ['2024-11-30', 3, '2025-02-28'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2025-01-31', 1, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2025-03-31', -1, '2025-02-28'],
  ])('adds months to %s: + %i = %s, the month end when the day does not exist', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it.each(['2025-02-29', '2025-13-01', '2025-1-01', '20250101', ''])('rejects %j as a calendar date', (text) => {
    expect(isIsoDate(text)).toBe(false);
    expect(() => toIsoDate(text)).toThrow(/not a calendar date/);
  });

  it('reads an instant as its Asia/Shanghai date (UTC+8, no daylight saving)', () => {
    // given an instant 15:59:59.999 UTC and one millisecond later
    const before = new Date('2025-06-30T15:59:59.999Z');
    const after = new Date('2025-06-30T16:00:00.000Z');
    // when / then: midnight in Shanghai falls between them
    expect(shanghaiDateOf(before)).toBe('2025-06-30');
    expect(shanghaiDateOf(after)).toBe('2025-07-01');
    expect(endOfShanghaiDay('2025-06-30').getTime()).toBe(before.getTime());
  });
});
