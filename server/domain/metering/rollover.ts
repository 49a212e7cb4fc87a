import { Invalid } from '../../lib/errors.js';
import { type DecimalInput, dec, roundEnergy } from '../decimal.js';

/** (cfg) How much a rollover may plausibly be: `factor × avgDailyKwh × days` (DOMAIN.md §4). */
export interface RolloverPlausibility {
  /** The customer's average daily consumption, kWh (after the multiplier). */
  avgDailyKwh: DecimalInput;
  /** Days in the reading period. */
  days: number;
  /** Default 3. */
  factor?: DecimalInput;
}

export interface ConsumptionFromReadings {
  /** Consumption in kWh, 2 decimals, multiplier applied. */
  kwh: string;
  /** The register passed its maximum and started again from zero. */
  rollover: boolean;
  /** A rollover too large to be plausible: a person must check the readings before billing. */
  needsReview: boolean;
}

/**
 * Consumption between two register readings. When `curr < prev` the register is taken to have
 * rolled over: `(10^digits − prev + curr) × multiplier`, accepted (flagged) when it is at most
 * `factor × avgDailyKwh × days`, otherwise sent to manual review (DOMAIN.md §4). `digits` counts the
 * register's integer digits; readings may carry decimals.
 */
export function consumptionFromReadings(
  prev: DecimalInput,
  curr: DecimalInput,
  digits: number,
  multiplier: DecimalInput,
  plausibility: RolloverPlausibility,
): ConsumptionFromReadings {
  if (!Number.isInteger(digits) || digits < 1 || digits > 15) {
    throw new Invalid('INVALID_READING', `register digits must be an integer from 1 to 15, got ${digits}`);
  }
  const capacity = dec(10).pow(digits);
  const previous = dec(prev);
  const current = dec(curr);
  for (const [name, value] of [
    ['previous', previous],
    ['current', current],
  ] as const) {
    if (value.isNegative() || value.greaterThanOrEqualTo(capacity)) {
      throw new Invalid(
        'INVALID_READING',
        `${name} reading ${value.toString()} does not fit a ${digits}-digit register`,
      );
    }
  }
  const m = dec(multiplier);
  if (!m.greaterThan(0)) throw new Invalid('INVALID_READING', 'multiplier must be greater than 0');

  if (current.greaterThanOrEqualTo(previous)) {
    return { kwh: roundEnergy(current.minus(previous).times(m)).toFixed(2), rollover: false, needsReview: false };
  }
  const kwh = roundEnergy(capacity.minus(previous).plus(current).times(m));
  const limit = dec(plausibility.factor ?? 3)
    .times(plausibility.avgDailyKwh)
    .times(plausibility.days);
  return { kwh: kwh.toFixed(2), rollover: true, needsReview: kwh.greaterThan(limit) };
}
