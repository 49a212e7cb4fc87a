import { addDays, addMonths, compareDates, type IsoDate, maxDate } from '../calendar/dates.js';
import type { DeviceClass } from './device-class.js';

/** (cfg) Periodic on-site test of metering devices; defaults from DL/T 448-2000 (DOMAIN.md §3). */
export interface TestCycleConfig {
  /** The first on-site test is due this many months after commissioning. */
  firstTestWithinMonths: number;
  /**
   * Months between on-site tests; null = no periodic on-site test. Default: none for IV and V —
   * DL/T 448 checks those by rotation and sampling of meter batches, not by per-device visits.
   * DL/T 448-2000 also asks for the first test of *HV* class IV devices within a month; a province
   * that wants it configures a cycle for IV.
   */
  cycleMonths: Record<DeviceClass, number | null>;
  /** The test work order is generated this many calendar days before the due date. */
  workOrderLeadDays: number;
}

export const DEFAULT_TEST_CYCLE: TestCycleConfig = {
  firstTestWithinMonths: 1,
  cycleMonths: { I: 3, II: 6, III: 12, IV: null, V: null },
  workOrderLeadDays: 30,
};

export interface TestHistory {
  deviceClass: DeviceClass;
  commissionedOn: IsoDate;
  /** The last on-site test; absent when never tested since commissioning. */
  lastTestedOn?: IsoDate | null;
}

/**
 * When the next on-site test is due, or null when the class has no periodic test.
 * Never tested on site since commissioning ⇒ the first-test rule (commissioning + 1 month);
 * otherwise `max(last test, commissioning) + cycle(class)` (DOMAIN.md §3). A last test dated
 * before commissioning (a laboratory test of the meter) is not an on-site test of the device.
 */
export function nextTestDue(history: TestHistory, config: TestCycleConfig = DEFAULT_TEST_CYCLE): IsoDate | null {
  const cycle = config.cycleMonths[history.deviceClass];
  if (cycle === null) return null;
  const last = history.lastTestedOn;
  if (last === undefined || last === null || compareDates(last, history.commissionedOn) < 0) {
    return addMonths(history.commissionedOn, config.firstTestWithinMonths);
  }
  return addMonths(maxDate(last, history.commissionedOn), cycle);
}

/** DOMAIN.md §3: the work order is generated 30 days (cfg) before the test is due. */
export function workOrderDate(due: IsoDate, config: TestCycleConfig = DEFAULT_TEST_CYCLE): IsoDate {
  return addDays(due, -config.workOrderLeadDays);
}
