import { AppError } from '../../lib/errors.js';
import { compareDates, type IsoDate } from '../calendar/dates.js';
import type { ConnectionClass } from './connection-class.js';

interface Versioned {
  id: string;
  name: string;
  /** First day the table applies to (by the job's acceptance date). */
  effectiveFrom: IsoDate;
  /** First day it no longer applies; open-ended when absent. */
  effectiveTo?: IsoDate;
}

/**
 * Which days a cumulative limit counts: `utility` = only intervals on the utility clock (customer
 * waiting time excluded); `whole-process` = every day of the job on either clock.
 */
export type SlaMeasure = 'utility' | 'whole-process';

/** A limit on the whole job, per connection class. */
export interface CumulativeSlaTable extends Versioned {
  kind: 'cumulative';
  limits: Record<ConnectionClass, { limitWd: number; measure: SlaMeasure }>;
}

/** The step groups the older per-step table limits; each group names the SG186 steps it spans. */
export const PER_STEP_GROUPS = {
  'scheme-reply': ['A05'],
  'design-review': ['A09', 'A10'],
  'mid-term-inspection': ['A11', 'A12'],
  'completion-inspection': ['A14', 'A15'],
  'installation-energisation': ['A17', 'A18'],
} as const;

export type PerStepGroup = keyof typeof PER_STEP_GROUPS;
export type PerStepCode = (typeof PER_STEP_GROUPS)[PerStepGroup][number];

/** A limit per step group and class; `null` = the step has no limit for that class ("–"). */
export interface PerStepSlaTable extends Versioned {
  kind: 'per-step';
  limits: Record<PerStepGroup, Record<ConnectionClass, number | null>>;
}

export type SlaTable = CumulativeSlaTable | PerStepSlaTable;

/**
 * DOMAIN.md §2 default: State Grid 2023 commitments. Residential is a whole-process limit;
 * the others count utility-side time only. (cfg) The exact start date of the commitments is not
 * in DOMAIN.md; 2023-01-01 is used.
 */
export const SGCC_2023_COMMITMENTS: CumulativeSlaTable = {
  kind: 'cumulative',
  id: 'SGCC-2023',
  name: 'State Grid 2023 commitments',
  effectiveFrom: '2023-01-01',
  limits: {
    '01': { limitWd: 5, measure: 'whole-process' },
    '02': { limitWd: 6, measure: 'utility' },
    '03': { limitWd: 22, measure: 'utility' },
    '04': { limitWd: 32, measure: 'utility' },
  },
};

/**
 * DOMAIN.md §2: the older per-step limits (residential / other LV / HV single / HV dual), kept as
 * an alternative table. DOMAIN.md gives it no dates, so it is valid from 2000-01-01, open-ended.
 */
export const SGCC_PER_STEP_TABLE: PerStepSlaTable = {
  kind: 'per-step',
  id: 'SGCC-PER-STEP',
  name: 'State Grid per-step limits (older table)',
  effectiveFrom: '2000-01-01',
  limits: {
    'scheme-reply': { '01': 3, '02': 8, '03': 20, '04': 45 },
    'design-review': { '01': null, '02': 8, '03': 20, '04': 20 },
    'mid-term-inspection': { '01': null, '02': 3, '03': 5, '04': 5 },
    'completion-inspection': { '01': null, '02': 5, '03': 7, '04': 7 },
    'installation-energisation': { '01': 3, '02': 5, '03': 7, '04': 7 },
  },
};

/** No table of the requested kind covers the date: a configuration gap, not a user error. */
export class SlaTableNotFound extends AppError {
  constructor(kind: string, onDate: IsoDate) {
    super(500, 'SLA_TABLE_NOT_FOUND', `no ${kind} SLA table is in effect on ${onDate}`, [], { kind, onDate });
  }
}

/** The table in effect on a date: the latest `effectiveFrom` on or before it, not yet expired. */
export function resolveSlaTable<T extends SlaTable>(tables: readonly T[], onDate: IsoDate): T {
  let best: T | undefined;
  for (const table of tables) {
    if (compareDates(table.effectiveFrom, onDate) > 0) continue;
    if (table.effectiveTo !== undefined && compareDates(onDate, table.effectiveTo) >= 0) continue;
    if (!best || compareDates(table.effectiveFrom, best.effectiveFrom) > 0) best = table;
  }
  if (!best) throw new SlaTableNotFound(tables[0]?.kind ?? 'any', onDate);
  return best;
}
