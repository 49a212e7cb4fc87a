import { Invalid } from '../../lib/errors.js';

/** A calendar date as `YYYY-MM-DD`, with no time and no time zone. */
export type IsoDate = string;

/** A calendar date, or an instant that is read as its date in Asia/Shanghai. */
export type DateLike = IsoDate | Date;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/**
 * Asia/Shanghai is UTC+8 all year: China has observed no daylight saving time since 1991, so a
 * fixed offset is exact for every date the platform handles and needs no time-zone database.
 */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Days since 1970-01-01 for a valid ISO date; throws `Invalid` (INVALID_DATE) otherwise. */
export function toDayNumber(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(y, mo - 1, d);
    const back = new Date(ms);
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) {
      return ms / MS_PER_DAY;
    }
  }
  throw new Invalid('INVALID_DATE', `"${date}" is not a calendar date (YYYY-MM-DD)`);
}

export function fromDayNumber(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function isIsoDate(value: string): boolean {
  try {
    toDayNumber(value);
    return true;
  } catch {
    return false;
  }
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOfDayNumber(day: number): number {
  // 1970-01-01 was a Thursday (4).
  return (((day + 4) % 7) + 7) % 7;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * Adds calendar months; when the target month has no such day, the month's last day is used
 * (Civil Code of the PRC art. 202: "没有对应日的，月末日为期间的最后一日"), so
 * 2024-11-30 + 3 months = 2025-02-28.
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  if (!Number.isInteger(months)) throw new RangeError(`months must be an integer, got ${months}`);
  toDayNumber(date);
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (mo - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12;
  const lastDay = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return fromDayNumber(Date.UTC(ty, tm, Math.min(d, lastDay)) / MS_PER_DAY);
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return Math.sign(toDayNumber(a) - toDayNumber(b));
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return compareDates(a, b) >= 0 ? a : b;
}

/** The calendar date an instant falls on in Asia/Shanghai. */
export function shanghaiDateOf(instant: Date): IsoDate {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new Invalid('INVALID_DATE', 'invalid Date instant');
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The last millisecond of a date in Asia/Shanghai: 23:59:59.999+08:00. */
export function endOfShanghaiDay(date: IsoDate): Date {
  return new Date((toDayNumber(date) + 1) * MS_PER_DAY - SHANGHAI_OFFSET_MS - 1);
}

/** An ISO date as given, or the Asia/Shanghai date of an instant. */
export function toIsoDate(value: DateLike): IsoDate {
  if (value instanceof Date) return shanghaiDateOf(value);
  toDayNumber(value);
  return value;
}
