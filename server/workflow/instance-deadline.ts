import { resolveTemplate } from '../engine/expressions.js';
import type { StepOutcome } from '../engine/runtime.js';
import type { DeployedDefinition } from '../engine/pool/runner.js';
import { StepContext } from '../engine/step-context.js';
import type { Db } from '../db/index.js';
import { Prepared } from '../db/prepared.js';
import { deadlineCalendar, resolveDeadline } from '../lib/deadlines.js';
import type { Logger } from '../lib/logger.js';
import type { InstanceRow } from './instances.repository.js';

type PausedTask = { created_at: Date; completed_at: Date | null };

// Every step of a process with a paused clock reads this; built per step it cost PostgreSQL more
// to plan than to run.
const PAUSED_TASKS = new Prepared<PausedTask>(
  'instance_paused_tasks',
  `SELECT created_at, completed_at FROM tasks
    WHERE instance_id = ? AND element_id = ANY(?::text[]) AND status IN ('open', 'completed')`,
);

/**
 * The tasks of the elements that pause the instance's clock, read while the engine step runs (as
 * the step's open tasks are): the instance is locked and the step's own writes wait in its batch
 * until commit, so the read answers what it would after the step. Null when the process declares
 * no paused clock. A step that fails first never awaits it.
 */
export function pausedTasksRead(
  trx: Db,
  instance: InstanceRow,
  definition: DeployedDefinition,
): Promise<PausedTask[]> | null {
  const pausedBy = definition.meta.deadline?.pausedBy ?? [];
  if (pausedBy.length === 0) return null;
  const read = PAUSED_TASKS.rows(trx, [instance.id, pausedBy]);
  read.catch(() => undefined);
  return read;
}

/**
 * The whole instance's deadline after a step (DefinitionMeta.deadline): the process's `dueDate`
 * counted from the instance's start, moved by the working days spent in the `dueDatePausedBy`
 * elements (the customer's clock: their documents, their works, their payment). While such an
 * element is waiting the clock is stopped and the instance has no deadline, so no alert is raised
 * for time that is the customer's. `undefined` when the process declares no deadline (the row's
 * value is left alone); null when it cannot be known yet (e.g. sla:total before the class is set).
 */
export async function instanceDeadline(
  logger: Logger,
  instance: InstanceRow,
  definition: DeployedDefinition,
  outcome: StepOutcome,
  now: Date,
  clock: () => number,
  pausedTasks: Promise<PausedTask[]> | null,
): Promise<Date | null | undefined> {
  const declared = definition.meta.deadline;
  if (!declared) return undefined;
  if (instance.status !== 'running') return instance.due_at ?? null;
  let base: Date | null;
  try {
    const value = resolveTemplate(declared.dueDate, new StepContext(instance.variables, clock).scope());
    base = resolveDeadline(value, new Date(instance.started_at), instance.variables);
  } catch (err) {
    // Not known yet (a variable still unset) or unreadable: no deadline rather than a failed step.
    logger.debug({ instanceId: instance.id, err: (err as Error).message }, 'instance deadline not resolved');
    return null;
  }
  if (!base || declared.pausedBy.length === 0) return base;
  const paused = new Set(declared.pausedBy);
  if (outcome.waiting.some((w) => paused.has(w.elementId))) return null;
  const spent = (await pausedTasks) ?? [];
  const calendar = deadlineCalendar();
  const pausedWd = spent.reduce(
    (sum, t) => sum + Math.max(0, calendar.workingDaysBetween(new Date(t.created_at), new Date(t.completed_at ?? now))),
    0,
  );
  return pausedWd === 0 ? base : calendar.deadlineAfter(base, pausedWd);
}
