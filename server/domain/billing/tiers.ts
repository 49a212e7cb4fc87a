import { Dec, type DecimalInput, dec } from '../decimal.js';

export interface TierSplit {
  q1: Dec;
  q2: Dec;
  q3: Dec;
}

const clamp = (value: Dec, min: Dec, max: Dec): Dec => Dec.max(min, Dec.min(value, max));

/**
 * Splits this bill's kWh `e` over the three tiers, given `before` kWh already billed in the tier
 * period (DOMAIN.md §5.1):
 *   q1 = clamp(T1 − before, 0, E); q2 = clamp(T2 − max(before, T1), 0, E − q1); q3 = E − q1 − q2.
 */
export function splitTiers(
  e: DecimalInput,
  before: DecimalInput,
  thresholds: { t1: DecimalInput; t2: DecimalInput },
): TierSplit {
  const energy = dec(e);
  const b = dec(before);
  const t1 = dec(thresholds.t1);
  const t2 = dec(thresholds.t2);
  const zero = dec(0);
  const q1 = clamp(t1.minus(b), zero, energy);
  const q2 = clamp(t2.minus(Dec.max(b, t1)), zero, energy.minus(q1));
  return { q1, q2, q3: energy.minus(q1).minus(q2) };
}

export interface TouShare {
  peak: Dec;
  valley: Dec;
}

/**
 * Splits each tier's kWh into peak and valley pro rata to this bill's peak : valley kWh (DOMAIN.md
 * §5.1). Shares are rounded to 0.01 kWh on the running total (cumulative peak = round(cumulative
 * kWh × peak / E)), so the peak parts add up to the bill's peak exactly, the valley parts to its
 * valley, and each tier keeps its own kWh.
 */
export function splitTouWithinTiers(
  tiers: readonly DecimalInput[],
  peak: DecimalInput,
  valley: DecimalInput,
): TouShare[] {
  const p = dec(peak);
  const total = p.plus(valley);
  let cumulativeKwh = dec(0);
  let cumulativePeak = dec(0);
  return tiers.map((q) => {
    const kwh = dec(q);
    cumulativeKwh = cumulativeKwh.plus(kwh);
    const nextPeak = total.isZero()
      ? dec(0)
      : cumulativeKwh.times(p).dividedBy(total).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
    const share = nextPeak.minus(cumulativePeak);
    cumulativePeak = nextPeak;
    return { peak: share, valley: kwh.minus(share) };
  });
}

const monthIndex = (yearMonth: string) => Number(yearMonth.slice(0, 4)) * 12 + Number(yearMonth.slice(5, 7)) - 1;

/**
 * Months left in the tier year of `month` for an account connected in `connectedMonth` (YYYY-MM),
 * the month of connection included; null when it was connected before the tier year began. The
 * tier year starts on the 1st of `tierYearStart`'s month (MM-DD): the tiers are billed by month.
 */
export function tierMonthsLeft(month: string, tierYearStart: string, connectedMonth: string): number | null {
  const startMonth = Number(tierYearStart.slice(0, 2)) - 1;
  const billed = monthIndex(month);
  const start = billed - ((((billed - startMonth) % 12) + 12) % 12);
  const connected = monthIndex(connectedMonth);
  if (connected <= start) return null;
  if (connected > billed) throw new RangeError(`connected in ${connectedMonth}, after the billed month ${month}`);
  return 12 - (connected - start);
}

/**
 * DOMAIN.md §5.1 (policy switch): a mid-year account's thresholds, prorated by the months left in
 * the tier year (T × months / 12, to 0.01 kWh half up).
 */
export function proratedThresholds(thresholds: { t1: DecimalInput; t2: DecimalInput }, monthsLeft: number) {
  const share = (t: DecimalInput) => dec(t).times(monthsLeft).dividedBy(12).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
  return { t1: share(thresholds.t1), t2: share(thresholds.t2) };
}
