import { type DecimalInput, dec, sum } from '../decimal.js';
import { deviationPercent, kwh, signedPercent } from './format.js';
import type { AuditCheck } from './types.js';

/**
 * A deviation beyond ±limit %; exactly at the limit is not beyond. A missing or zero reference
 * cannot be compared and trips nothing (zero consumption has rule 10, a first bill rule 13).
 */
function deviation(
  current: DecimalInput,
  reference: DecimalInput | null | undefined,
  limitPercent: DecimalInput,
  what: string,
): string | null {
  if (reference === null || reference === undefined) return null;
  const pct = deviationPercent(current, reference);
  if (pct === null || pct.abs().lessThanOrEqualTo(limitPercent)) return null;
  return `consumption ${kwh(current)} kWh is ${signedPercent(pct)} against ${kwh(reference)} kWh ${what} (limit ±${dec(limitPercent).toString()} %)`;
}

/** Rule 2: consumption against the same month last year, ±50 % LV / ±30 % HV. */
export const yearOnYearDeviation: AuditCheck = (input, config) =>
  deviation(
    input.consumptionKwh,
    input.sameMonthLastYearKwh,
    config.yoyDeviationPercent[input.voltage],
    'in the same month last year',
  );

/** Rule 3: consumption against last month, ±50 % LV / ±30 % HV. */
export const monthOnMonthDeviation: AuditCheck = (input, config) =>
  deviation(input.consumptionKwh, input.lastMonthKwh, config.momDeviationPercent[input.voltage], 'last month');

/** Rule 4: consumption against the average of the last 3 months (all three needed), ±50 %. */
export const threeMonthAverageDeviation: AuditCheck = (input, config) => {
  const months = input.lastThreeMonthsKwh;
  if (!months || months.length < 3) return null;
  const average = sum(months.slice(0, 3)).dividedBy(3);
  return deviation(input.consumptionKwh, average, config.avg3DeviationPercent, 'on average over the last 3 months');
};

/** Rule 6: monthly kWh above the absolute limit for the customer's electricity category. */
export const classLimitExceeded: AuditCheck = (input, config) => {
  const code = input.elecTypeCode;
  const category = `${code.slice(0, 1)}00`;
  const limit = config.classMonthlyLimitKwh[code] ?? config.classMonthlyLimitKwh[category];
  if (limit === undefined || dec(input.consumptionKwh).lessThanOrEqualTo(limit)) return null;
  return `consumption ${kwh(input.consumptionKwh)} kWh is above the monthly limit of ${kwh(limit)} kWh for category ${code}`;
};

/** Rule 7: more kWh than the capacity could deliver — above 720 h a month at full load. */
export const utilisationImplausible: AuditCheck = (input, config) => {
  if (input.capacityKva === null || input.capacityKva === undefined) return null;
  const capacity = dec(input.capacityKva);
  if (!capacity.greaterThan(0)) return null;
  const hours = dec(input.consumptionKwh).dividedBy(capacity);
  if (hours.lessThanOrEqualTo(config.maxUtilisationHours)) return null;
  return `consumption ${kwh(input.consumptionKwh)} kWh on ${capacity.toString()} kVA is ${hours.toFixed(1)} h at full load, above ${dec(config.maxUtilisationHours).toString()} h a month`;
};

/** Rule 10: zero consumption. */
export const zeroConsumption: AuditCheck = (input) =>
  dec(input.consumptionKwh).isZero() ? 'zero consumption this period' : null;
