import { shanghaiDateOf, type IsoDate } from '../domain/calendar/dates.js';
import { addIsoDuration } from './time.js';

/**
 * The platform's notion of "now". Everything a process's timing depends on — timers, task due
 * dates, job due times and leases, the daily schedulers — reads it from here, so tests can move
 * time (a `TestClock`) and watch timers fire without waiting.
 */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The utility's time zone: its business day, daily-job hours and customer-facing times follow it. */
export const UTILITY_TIME_ZONE = 'Asia/Shanghai';

/** Today on a clock, YYYY-MM-DD in the utility's time zone (the business calendar's day). */
export function utilityToday(clock: Clock): IsoDate {
  return shanghaiDateOf(new Date(clock.now()));
}

/** The hour (0–23) on a clock in the utility's time zone. */
export function utilityHour(clock: Clock): number {
  return Number(
    new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: UTILITY_TIME_ZONE }).format(
      new Date(clock.now()),
    ),
  );
}

/** A clock that stands still until a test moves it. */
export class TestClock implements Clock {
  #now: number;

  constructor(start: Date | string | number = Date.now()) {
    this.#now = toMs(start);
  }

  now(): number {
    return this.#now;
  }

  /** Jumps to an instant (an ISO date-time, a Date or epoch milliseconds). */
  set(at: Date | string | number): this {
    this.#now = toMs(at);
    return this;
  }

  /** Moves forward by an ISO 8601 duration (`P3D`, `PT2H`) or a number of milliseconds. */
  advance(by: string | number): this {
    if (typeof by === 'number') {
      this.#now += by;
      return this;
    }
    const next = addIsoDuration(new Date(this.#now), by);
    if (!next) throw new Error(`"${by}" is not an ISO 8601 duration`);
    this.#now = next.getTime();
    return this;
  }
}

function toMs(at: Date | string | number): number {
  const ms = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : at;
  if (!Number.isFinite(ms)) throw new Error(`"${String(at)}" is not a date`);
  return ms;
}
