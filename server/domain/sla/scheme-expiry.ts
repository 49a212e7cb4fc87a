import { addMonths, compareDates, type DateLike, type IsoDate, toIsoDate } from '../calendar/dates.js';
import { type ConnectionClass, isHighVoltage } from './connection-class.js';

/** (cfg) How long a supply scheme reply stays valid, in calendar months (DOMAIN.md §2). */
export interface SchemeValidityConfig {
  lowVoltageMonths: number;
  highVoltageMonths: number;
}

export const DEFAULT_SCHEME_VALIDITY: SchemeValidityConfig = { lowVoltageMonths: 3, highVoltageMonths: 12 };

/**
 * The last day a supply scheme issued on `issueDate` is valid. A period in months starts the day
 * after issue and ends on the corresponding day of the final month, or that month's last day when
 * there is none (Civil Code of the PRC arts. 201–202): an LV scheme issued 2024-11-30 is valid up to
 * and including 2025-02-28; an HV scheme issued 2025-03-10 up to and including 2026-03-10.
 */
export function schemeLastValidDate(
  issueDate: DateLike,
  connectionClass: ConnectionClass,
  config: SchemeValidityConfig = DEFAULT_SCHEME_VALIDITY,
): IsoDate {
  const months = isHighVoltage(connectionClass) ? config.highVoltageMonths : config.lowVoltageMonths;
  return addMonths(toIsoDate(issueDate), months);
}

/** DOMAIN.md §2: a contract cannot be signed on an expired scheme. */
export function isSchemeExpired(
  issueDate: DateLike,
  connectionClass: ConnectionClass,
  onDate: DateLike,
  config: SchemeValidityConfig = DEFAULT_SCHEME_VALIDITY,
): boolean {
  return compareDates(toIsoDate(onDate), schemeLastValidDate(issueDate, connectionClass, config)) > 0;
}
