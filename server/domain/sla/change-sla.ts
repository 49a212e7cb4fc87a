import { compareDates, type IsoDate } from '../calendar/dates.js';
import { SlaTableNotFound } from './tables.js';

/**
 * DOMAIN.md §9: a change of service is a process with the same kinds of steps as a new connection
 * (accept, site work, approval, archive) and deadlines in working days (cfg). The steps' names are
 * the `sla:<step>` a change process's user tasks write in camunda:dueDate.
 */
export const CHANGE_SLA_STEPS = [
  'change-accept',
  'change-approval',
  'change-site',
  'change-settlement',
  'change-archive',
] as const;

export type ChangeSlaStep = (typeof CHANGE_SLA_STEPS)[number];

/** A versioned table of the change processes' step limits and their notice period. */
export interface ChangeSlaTable {
  kind: 'change-steps';
  id: string;
  name: string;
  effectiveFrom: IsoDate;
  effectiveTo?: IsoDate;
  /** Working days each step allows, counted from the day after it starts. */
  limits: Record<ChangeSlaStep, number>;
  /** Working days a suspension or reduction is applied for ahead of its first day (DOMAIN.md §9: 5). */
  leadWd: number;
}

/**
 * The default table. DOMAIN.md §9 fixes only the 5 WD notice; the step limits follow the new
 * connection's LV figures (acceptance 1, approval 2, site work 3 as installation for residential,
 * settlement and archive 2), which the table's next version may change.
 */
export const SGCC_CHANGE_TABLE: ChangeSlaTable = {
  kind: 'change-steps',
  id: 'SGCC-CHANGE',
  name: 'State Grid change-of-service step limits',
  effectiveFrom: '2000-01-01',
  limits: {
    'change-accept': 1,
    'change-approval': 2,
    'change-site': 3,
    'change-settlement': 2,
    'change-archive': 2,
  },
  leadWd: 5,
};

export const CHANGE_SLA_TABLES: readonly ChangeSlaTable[] = [SGCC_CHANGE_TABLE];

export function isChangeSlaStep(step: string): step is ChangeSlaStep {
  return (CHANGE_SLA_STEPS as readonly string[]).includes(step);
}

/** The change table in effect on a date: the latest `effectiveFrom` on or before it, not yet expired. */
export function changeSlaTable(onDate: IsoDate, tables: readonly ChangeSlaTable[] = CHANGE_SLA_TABLES): ChangeSlaTable {
  let best: ChangeSlaTable | undefined;
  for (const table of tables) {
    if (compareDates(table.effectiveFrom, onDate) > 0) continue;
    if (table.effectiveTo !== undefined && compareDates(onDate, table.effectiveTo) >= 0) continue;
    if (!best || compareDates(table.effectiveFrom, best.effectiveFrom) > 0) best = table;
  }
  if (!best) throw new SlaTableNotFound('change-steps', onDate);
  return best;
}
