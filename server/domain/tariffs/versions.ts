import { isIsoDate, isYearMonth } from './fields.js';
import type { TariffDefinition, TariffVersion } from './schema.js';

/**
 * The version of `tariff` in effect on a day (YYYY-MM-DD) or for a billing month (YYYY-MM), or null
 * when none is. A month is priced by the version in effect on its first day: published price
 * changes take effect on the 1st, so a month never straddles two versions in practice.
 * `effectiveTo` is inclusive (the last day the version applies).
 */
export function selectTariffVersion(tariff: TariffDefinition, dateOrMonth: string): TariffVersion | null {
  const day = isYearMonth(dateOrMonth) ? `${dateOrMonth}-01` : dateOrMonth;
  if (!isIsoDate(day)) throw new RangeError(`"${dateOrMonth}" is neither a date (YYYY-MM-DD) nor a month (YYYY-MM)`);
  // ISO dates compare correctly as strings.
  const inEffect = tariff.versions.filter(
    (v) => v.effectiveFrom <= day && (v.effectiveTo === undefined || day <= v.effectiveTo),
  );
  // The schema rejects overlapping versions; should an unchecked definition have them, the latest start wins.
  inEffect.sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom));
  return inEffect[0] ?? null;
}
