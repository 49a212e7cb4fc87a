import { chinaWorkingCalendar, toIsoDate, type WorkingCalendar } from '../domain/calendar/index.js';
import {
  CHANGE_SLA_STEPS,
  changeSlaTable,
  CONNECTION_CLASS_CODES,
  isChangeSlaStep,
  PER_STEP_GROUPS,
  perStepGroupOf,
  resolveSlaTable,
  SGCC_2023_COMMITMENTS,
  SGCC_PER_STEP_TABLE,
  type ConnectionClass,
  type CumulativeSlaTable,
  type PerStepGroup,
  type PerStepSlaTable,
} from '../domain/sla/index.js';
import { addIsoDuration } from './time.js';

/**
 * Deadlines written in BPMN attributes (camunda:dueDate, followUpDate, timer timeDuration /
 * timeDate) in the power-marketing vocabulary, besides ISO 8601 dates and durations:
 *
 * - `wd:<N>`  — the end (23:59:59.999 Asia/Shanghai) of the Nth working day after the day the step
 *   starts (DOMAIN.md: "within N WD counts from the day after it starts"), by the holiday calendar;
 * - `sla:<step>` — the same, with N from the versioned SLA table in effect on the start day:
 *   `<step>` is an SG186 step code of the per-step table (A05, A09…A12, A14, A15, A17, A18) or
 *   its group name (`scheme-reply`, `design-review`, `mid-term-inspection`,
 *   `completion-inspection`, `installation-energisation`), or `total` for the whole job's
 *   cumulative commitment, or a change-of-service step (`change-accept`, `change-approval`,
 *   `change-site`, `change-settlement`, `change-archive`; server/domain/sla/change-sla.ts, no
 *   class needed). The connection class comes from the instance variable `acceptClass`
 *   (SG186 ACCEPT_CONS_CODE 01–04; `connectionClass` is read too). Where the table has no limit
 *   for the class ("–"), there is no deadline (null).
 */
export type DeadlineSpec = { kind: 'wd'; days: number } | { kind: 'sla'; step: string };

const WD = /^wd:(\d{1,3})$/;
const SLA = /^sla:([A-Za-z0-9-]+)$/;
const MAX_WD = 366;

const PER_STEP_TABLES: readonly PerStepSlaTable[] = [SGCC_PER_STEP_TABLE];
const CUMULATIVE_TABLES: readonly CumulativeSlaTable[] = [SGCC_2023_COMMITMENTS];

/**
 * Deadlines must not stop a process: a year whose holiday notice is not configured yet is read
 * as Monday–Friday (a deadline a few days off is better than a failed instance). The SLA reports
 * themselves use the strict calendar.
 */
let calendar: WorkingCalendar | null = null;
export function deadlineCalendar(): WorkingCalendar {
  calendar ??= chinaWorkingCalendar({ unconfiguredYears: 'weekends-only' });
  return calendar;
}

export function isDeadlineSpec(text: string): boolean {
  return WD.test(text.trim()) || SLA.test(text.trim());
}

/** Why a `wd:`/`sla:` text is malformed, or null when it is well formed (or not one at all). */
export function deadlineSpecProblem(text: string): string | null {
  const value = text.trim();
  if (!/^(wd|sla):/i.test(value)) return null;
  const wd = WD.exec(value);
  if (value.startsWith('wd:')) {
    if (!wd || Number(wd[1]) > MAX_WD)
      return `"${value}" must be wd:<N> with N a whole number of working days 0–${MAX_WD}`;
    return null;
  }
  const sla = SLA.exec(value);
  if (!value.startsWith('sla:') || !sla) return `"${value}" must be wd:<N> or sla:<step>`;
  const step = sla[1] as string;
  if (step === 'total' || step in PER_STEP_GROUPS || isChangeSlaStep(step)) return null;
  try {
    perStepGroupOf(step);
    return null;
  } catch {
    const steps = Object.values(PER_STEP_GROUPS).flat().join(', ');
    return `"${value}": unknown SLA step; use one of ${steps}, a group (${Object.keys(PER_STEP_GROUPS).join(', ')}), total or a change step (${CHANGE_SLA_STEPS.join(', ')})`;
  }
}

export function parseDeadlineSpec(text: string): DeadlineSpec | null {
  const value = text.trim();
  const wd = WD.exec(value);
  if (wd) return { kind: 'wd', days: Number(wd[1]) };
  const sla = SLA.exec(value);
  if (sla) return { kind: 'sla', step: sla[1] as string };
  return null;
}

function connectionClassOf(variables: Readonly<Record<string, unknown>>): ConnectionClass {
  const raw = variables.acceptClass ?? variables.connectionClass;
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '';
  const code = typeof raw === 'number' ? text.padStart(2, '0') : text;
  if (!(CONNECTION_CLASS_CODES as string[]).includes(code)) {
    throw new Error(`an sla: deadline needs the variable acceptClass (01–04), not "${text}"`);
  }
  return code as ConnectionClass;
}

/** Working days an `sla:` step allows for this instance, or null when the table sets no limit. */
export function slaWorkingDays(
  step: string,
  variables: Readonly<Record<string, unknown>>,
  startedAt: Date,
): number | null {
  // DOMAIN.md §9: a change of service's steps have their own table, with no connection class.
  if (isChangeSlaStep(step)) return changeSlaTable(toIsoDate(startedAt)).limits[step];
  const connectionClass = connectionClassOf(variables);
  const onDate = toIsoDate(startedAt);
  if (step === 'total') return resolveSlaTable(CUMULATIVE_TABLES, onDate).limits[connectionClass].limitWd;
  const group: PerStepGroup = step in PER_STEP_GROUPS ? (step as PerStepGroup) : perStepGroupOf(step);
  return resolveSlaTable(PER_STEP_TABLES, onDate).limits[group][connectionClass];
}

/** The instant a `wd:`/`sla:` deadline falls on for a step started at `start`; null when no limit applies. */
export function resolveDeadlineSpec(
  spec: DeadlineSpec,
  start: Date,
  variables: Readonly<Record<string, unknown>>,
): Date | null {
  const days = spec.kind === 'wd' ? spec.days : slaWorkingDays(spec.step, variables, start);
  return days === null ? null : deadlineCalendar().deadlineAfter(start, days);
}

/**
 * A deadline attribute's resolved value as an instant: a Date, epoch ms, an ISO date or date-time,
 * an ISO duration from `start`, `wd:<N>` or `sla:<step>`. Null when absent or when the SLA table
 * sets no limit; throws when unreadable.
 */
export function resolveDeadline(
  value: unknown,
  start: Date,
  variables: Readonly<Record<string, unknown>>,
): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string') {
    const spec = parseDeadlineSpec(value);
    if (spec) return resolveDeadlineSpec(spec, start, variables);
    const problem = deadlineSpecProblem(value);
    if (problem) throw new Error(problem);
    if (value.trim().startsWith('P')) {
      const date = addIsoDuration(start, value);
      if (date) return date;
    } else {
      const parsed = Date.parse(value);
      if (!Number.isNaN(parsed)) return new Date(parsed);
    }
  }
  throw new Error(
    `"${typeof value === 'string' || typeof value === 'number' ? value : JSON.stringify(value)}" is neither a date, an ISO 8601 duration, wd:<N> nor sla:<step>`,
  );
}

/**
 * Why a deadline attribute's text cannot be read, or null when it can (or is an expression,
 * resolved at run time). One check for the deploy's validation and the designer's lint.
 */
export function deadlineValueProblem(value: string | null | undefined): string | null {
  if (!value || value.includes('${') || value.includes('#{')) return null;
  const problem = deadlineSpecProblem(value);
  if (problem) return problem;
  try {
    // A sample class: sla: steps are checked for existence here, their limit per instance later.
    resolveDeadline(value, new Date(), { acceptClass: '03' });
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** What a moddle element carries in extensionElements (only the shape read here). */
interface WithExtensions {
  extensionElements?: unknown;
  [property: string]: unknown;
}

/** An element's camunda:properties (name → value; blank ones left out). */
export function camundaProperties(element: WithExtensions): Map<string, string> {
  const properties = new Map<string, string>();
  const extensions = (element.extensionElements as { values?: { $type?: string; values?: unknown }[] } | undefined)
    ?.values;
  for (const ext of extensions ?? []) {
    if (ext.$type !== 'camunda:Properties') continue;
    for (const p of (ext.values as { name?: unknown; value?: unknown }[] | undefined) ?? []) {
      const name = typeof p.name === 'string' ? p.name.trim() : '';
      const value = typeof p.value === 'string' ? p.value.trim() : '';
      if (name && value) properties.set(name, value);
    }
  }
  return properties;
}

/**
 * The whole instance's deadline a process declares in its camunda:properties: `dueDate` and the
 * element ids `dueDatePausedBy` lists (processes/README.md "Deadlines"). One reading for the
 * deploy's validation and the designer's lint.
 */
export function declaredInstanceDeadline(process: WithExtensions): { dueDate: string | null; pausedBy: string[] } {
  const properties = camundaProperties(process);
  const pausedBy = (properties.get('dueDatePausedBy') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { dueDate: properties.get('dueDate') ?? null, pausedBy };
}
