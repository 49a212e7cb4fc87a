import { dec, sum } from '../decimal.js';
import { consumptionFromReadings } from '../metering/rollover.js';
import { kwh } from './format.js';
import type { AuditCheck } from './types.js';

/** Rule 1: the total register went backwards — always audited, with the rollover test's verdict. */
export const readingWentBackwards: AuditCheck = (input, config) => {
  const r = input.readings;
  if (!r || dec(r.current).greaterThanOrEqualTo(r.previous)) return null;
  const base = `reading went backwards from ${dec(r.previous).toString()} to ${dec(r.current).toString()}`;
  if (r.avgDailyKwh === undefined) return `${base}; no average daily use to test it as a register rollover`;
  // DOMAIN.md §4: a rollover is accepted (flagged) up to factor × average daily use × days.
  const rollover = consumptionFromReadings(r.previous, r.current, r.digits, r.multiplier, {
    avgDailyKwh: r.avgDailyKwh,
    days: r.days,
    factor: config.rolloverFactor,
  });
  return rollover.needsReview
    ? `${base}; as a rollover that is ${rollover.kwh} kWh, implausible for the customer's use — check the readings`
    : `${base}; plausible register rollover of ${rollover.kwh} kWh`;
};

/** Rule 5: the total register differs from the sum of the TOU registers beyond the tolerance. */
export const touSumMismatch: AuditCheck = (input, config) => {
  const tou = input.tou;
  if (!tou) return null;
  const registers = Object.values(tou.registersKwh).filter((v) => v !== undefined);
  if (registers.length === 0) return null;
  const total = dec(tou.totalKwh);
  const touSum = sum(registers);
  const difference = total.minus(touSum).abs();
  const allowed = total.abs().times(config.touTolerancePercent).dividedBy(100);
  if (difference.lessThanOrEqualTo(allowed)) return null;
  return `total register ${kwh(total)} kWh differs from the TOU registers' sum ${kwh(touSum)} kWh by ${kwh(difference)} kWh (tolerance ${dec(config.touTolerancePercent).toString()} %)`;
};

/** Rule 8: the main meter recorded less than its sub-meters together. */
export const mainBelowSubMeters: AuditCheck = (input) => {
  if (!input.subMeterKwh || input.subMeterKwh.length === 0) return null;
  const subs = sum(input.subMeterKwh);
  if (dec(input.consumptionKwh).greaterThanOrEqualTo(subs)) return null;
  return `main meter ${kwh(input.consumptionKwh)} kWh is below the sum of its ${input.subMeterKwh.length} sub-meters, ${kwh(subs)} kWh`;
};
