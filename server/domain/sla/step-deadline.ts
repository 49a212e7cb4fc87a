import { Invalid } from '../../lib/errors.js';
import type { DateLike, IsoDate } from '../calendar/dates.js';
import type { WorkingCalendar } from '../calendar/working-calendar.js';
import type { ConnectionClass } from './connection-class.js';
import {
  PER_STEP_GROUPS,
  type PerStepCode,
  type PerStepGroup,
  type PerStepSlaTable,
  SGCC_PER_STEP_TABLE,
} from './tables.js';

const GROUP_OF_STEP = new Map<string, PerStepGroup>(
  Object.entries(PER_STEP_GROUPS).flatMap(([group, codes]) => codes.map((code) => [code, group as PerStepGroup])),
);

/** The per-step group of an SG186 step code; throws UNKNOWN_SLA_STEP for a step the table does not limit. */
export function perStepGroupOf(stepCode: string): PerStepGroup {
  const group = GROUP_OF_STEP.get(stepCode);
  if (!group) {
    const known = [...GROUP_OF_STEP.keys()].join(', ');
    throw new Invalid('UNKNOWN_SLA_STEP', `step ${stepCode} has no per-step limit (limited steps: ${known})`);
  }
  return group;
}

/**
 * The per-step limit in WD, or null where the table has "–" for the class (e.g. no design review
 * for residential). Both codes of a pair (A09/A10, A11/A12, A14/A15, A17/A18) share one limit,
 * counted from the start of the pair's first step.
 */
export function perStepLimitWd(
  stepCode: PerStepCode,
  connectionClass: ConnectionClass,
  table: PerStepSlaTable = SGCC_PER_STEP_TABLE,
): number | null {
  return table.limits[perStepGroupOf(stepCode)][connectionClass];
}

/** Deadline date of a step started on `start` under the per-step table; null when no limit applies. */
export function stepDeadline(
  stepCode: PerStepCode,
  connectionClass: ConnectionClass,
  start: DateLike,
  calendar: WorkingCalendar,
  table: PerStepSlaTable = SGCC_PER_STEP_TABLE,
): IsoDate | null {
  const limit = perStepLimitWd(stepCode, connectionClass, table);
  return limit === null ? null : calendar.addWorkingDays(start, limit);
}

/** `stepDeadline` for a step started at an instant: the end of the deadline day in Asia/Shanghai. */
export function stepDeadlineAt(
  stepCode: PerStepCode,
  connectionClass: ConnectionClass,
  startedAt: Date,
  calendar: WorkingCalendar,
  table: PerStepSlaTable = SGCC_PER_STEP_TABLE,
): Date | null {
  const limit = perStepLimitWd(stepCode, connectionClass, table);
  return limit === null ? null : calendar.deadlineAfter(startedAt, limit);
}
