import { randomUUID } from 'node:crypto';
import { resolveTemplate } from '../engine/expressions.js';
import { parseRetryCycle } from '../engine/io-mapping.js';
import type { StepOutcome, WaitingActivity } from '../engine/runtime.js';
import type { DeployedDefinition } from '../engine/pool/runner.js';
import { StepContext } from '../engine/step-context.js';
import { externalTaskRows, hasExternalTasks, isExternal } from '../external-tasks/external-task-rows.js';
import type { Logger } from '../lib/logger.js';
import { resolveDeadline } from '../lib/deadlines.js';
import { asText } from '../lib/text.js';
import { mappedUsernames } from '../identity/external-names.service.js';
import { resolveElementDepartments } from './element-department.js';
import { toJson, type InstanceRow } from './instances.repository.js';
import { instanceEvent } from './outbox.js';
import type { TransactionScope } from './transactions.js';
import { Prepared } from '../db/prepared.js';

type OpenTask = { id: string; execution_id: string };

/** The instance's open tasks, read by every step after the first: planned once per connection. */
const OPEN_TASKS = new Prepared<OpenTask>(
  'step_open_tasks',
  "SELECT id, execution_id FROM tasks WHERE instance_id = ? AND status = 'open'",
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The customer a task is about, from the variables `customerId` / `accountNo` (the worklist lists and searches by it). */
function customerOf(variables: Record<string, unknown>): { customer_id: string | null; account_no: string | null } {
  const id = variables.customerId;
  const accountNo = variables.accountNo;
  return {
    customer_id: typeof id === 'string' && UUID.test(id) ? id : null,
    account_no: typeof accountNo === 'string' && accountNo.length <= 64 ? accountNo : null,
  };
}

/**
 * What a service job runs: the registry's service a service or send task names, or the decision
 * a business rule task names (evaluated by the job executor, which reads the database the step may not).
 */
function servicePayload(definition: DeployedDefinition, elementId: string): Record<string, unknown> {
  const decision = definition.meta.businessRuleTasks?.[elementId];
  if (decision) return { decision };
  return { service: definition.meta.serviceTasks[elementId]?.service };
}

/**
 * camunda:failedJobRetryTimeCycle: the job's attempts (visible as its retries) and the cycle the
 * executor waits by; without one the table's default retries and the executor's backoff apply.
 */
function retriesOf(definition: DeployedDefinition, elementId: string): { retries?: number } {
  const cycle = definition.meta.retryCycles?.[elementId];
  const parsed = cycle ? parseRetryCycle(cycle) : null;
  return parsed ? { retries: parsed.attempts } : {};
}

/**
 * Turns a step's outcome into rows: user tasks that appeared become task rows, tasks no longer
 * waiting are cancelled, timers become jobs, message waits become subscriptions. Reads only what
 * it must (the open tasks); every write goes into the transaction's write batch.
 */
export class StepPersistence {
  constructor(
    private readonly logger: Logger,
    private readonly clock: () => number,
  ) {}

  /**
   * The open tasks of an instance the caller holds locked, read while its engine step runs (the
   * lock keeps them as they are until `tasks` uses them); a first step has none.
   */
  openTasks(scope: TransactionScope, instance: InstanceRow): Promise<OpenTask[]> {
    if (instance.revision === 0) return Promise.resolve([]);
    const read = OPEN_TASKS.rows(scope.trx, [instance.id]);
    // A step that fails before its tasks are persisted never awaits the read.
    read.catch(() => undefined);
    return read;
  }

  async tasks(
    scope: TransactionScope,
    instance: InstanceRow,
    definition: DeployedDefinition,
    outcome: StepOutcome,
    completedTaskId: string | undefined,
    now: Date,
    openTasks: Promise<OpenTask[]>,
  ) {
    const waitingTasks = outcome.waiting.filter((w) => w.type === 'bpmn:UserTask');
    const open = await openTasks;
    const openIds = new Set(open.map((t) => t.execution_id));
    const waitingIds = new Set(waitingTasks.map((w) => w.executionId));

    const gone = open.filter((t) => !waitingIds.has(t.execution_id) && t.id !== completedTaskId);
    if (gone.length) {
      scope.batch.add(
        scope
          .trx('tasks')
          .whereIn(
            'id',
            gone.map((t) => t.id),
          )
          .update({ status: 'cancelled', completed_at: now, revision: scope.trx.raw('revision + 1') }),
      );
      for (const t of gone) scope.outbox.add(instanceEvent('task:cancelled', instance, { taskId: t.id }));
    }

    const fresh = waitingTasks.filter((w) => !openIds.has(w.executionId));
    if (fresh.length === 0) return;
    const context = new StepContext(instance.variables, this.clock);
    // A task takes its instance's department unless it names one (camunda:property `department`).
    const departments = await resolveElementDepartments(
      scope.trx,
      instance,
      fresh.map((wait) => ({
        elementId: wait.elementId,
        template: definition.meta.departments?.[wait.elementId] ?? null,
        scope: context.scope(undefined, wait.locals ?? undefined),
      })),
    );
    const rows = fresh.map((wait, i) => this.taskRow(instance, definition, wait, context, now, departments[i] ?? null));
    // An assignee a Camunda 7 process names by an external id (mapped by an administrator) is that user.
    const mapped = await mappedUsernames(
      scope.trx,
      rows.flatMap((r) => (r.assignee ? [r.assignee] : [])),
    );
    for (const row of rows) if (row.assignee) row.assignee = mapped.get(row.assignee) ?? row.assignee;
    scope.batch.add(scope.trx('tasks').insert(rows).onConflict('execution_id').ignore());
    for (const row of rows) {
      scope.createdTasks.push(row);
      scope.outbox.add({
        ...instanceEvent('task:created', instance, {
          taskId: row.id,
          elementId: row.element_id,
          name: row.name,
          candidateGroups: row.candidate_groups,
          assignee: row.assignee,
          dueAt: row.due_at ? row.due_at.toISOString() : null,
        }),
        candidateUsers: row.candidate_users,
      });
    }
  }

  private taskRow(
    instance: InstanceRow,
    definition: DeployedDefinition,
    wait: WaitingActivity,
    context: StepContext,
    now: Date,
    departmentId: string | null,
  ) {
    const meta = definition.meta.userTasks[wait.elementId];
    const scope = context.scope(undefined, wait.locals ?? undefined);
    const resolve = (template: string | null | undefined): unknown =>
      template ? resolveTemplate(template, scope) : null;
    const list = (template: string | null | undefined): string[] => {
      const value = resolve(template);
      const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
      return items.map((s) => String(s).trim()).filter(Boolean);
    };
    const text = (template: string | null | undefined): string | null => {
      const value = resolve(template);
      return value === null || value === undefined || value === '' ? null : asText(value);
    };
    const date = (template: string | null | undefined, field: string): Date | null => {
      try {
        // ISO dates and durations, or the working-day forms wd:<N> / sla:<step> (lib/deadlines.ts).
        return resolveDeadline(resolve(template), now, { ...instance.variables, ...(wait.locals ?? {}) });
      } catch (err) {
        this.logger.warn(
          { instanceId: instance.id, elementId: wait.elementId, field, err: (err as Error).message },
          'task date ignored',
        );
        return null;
      }
    };
    const priority = Number(resolve(meta?.priority ?? null) ?? 50);
    return {
      id: randomUUID(),
      instance_id: instance.id,
      definition_id: instance.definition_id,
      definition_key: instance.definition_key,
      element_id: wait.elementId,
      execution_id: wait.executionId,
      name: meta?.name ?? definition.meta.elements[wait.elementId]?.name ?? wait.elementId,
      candidate_groups: list(meta?.candidateGroups),
      candidate_users: list(meta?.candidateUsers),
      assignee: text(meta?.assignee),
      form_key: text(meta?.formKey),
      due_at: date(meta?.dueDate, 'dueDate'),
      follow_up_at: date(meta?.followUpDate, 'followUpDate'),
      priority: Number.isFinite(priority) ? Math.trunc(priority) : 50,
      status: 'open',
      department_id: departmentId,
      business_key: instance.business_key,
      ...customerOf(instance.variables),
      locals: wait.locals ? toJson(wait.locals) : null,
      created_at: now,
    };
  }

  /** Timers as jobs, pending service calls as jobs (ARCHITECTURE.md "timers are jobs"). */
  jobs(
    scope: TransactionScope,
    instance: InstanceRow,
    definition: DeployedDefinition,
    outcome: StepOutcome,
    now: Date,
  ): void {
    const trx = scope.trx;
    const timerIds = outcome.timers.map((t) => t.executionId);
    if (instance.has_timers) {
      const stale = trx('jobs').where({ instance_id: instance.id, type: 'timer' });
      scope.batch.add((timerIds.length ? stale.whereNotIn('execution_id', timerIds) : stale).delete());
    }
    if (outcome.timers.length) {
      scope.batch.add(
        trx('jobs')
          .insert(
            outcome.timers.map((t) => ({
              id: randomUUID(),
              type: 'timer',
              instance_id: instance.id,
              execution_id: t.executionId,
              element_id: t.elementId,
              due_at: t.dueAt,
            })),
          )
          .onConflict(['instance_id', 'type', 'execution_id'])
          .merge(['due_at']),
      );
      if (outcome.timers.some((t) => t.dueAt.getTime() <= now.getTime())) scope.dueJobs = true;
    }
    // External tasks wait for workers outside the platform, not for the job executor (externalTasks).
    const serviceRequests = outcome.serviceRequests.filter((r) => !isExternal(definition, r.elementId));
    if (serviceRequests.length) {
      scope.batch.add(
        trx('jobs')
          .insert(
            serviceRequests.map((r) => ({
              id: randomUUID(),
              type: 'service',
              instance_id: instance.id,
              execution_id: r.executionId,
              element_id: r.elementId,
              due_at: now,
              ...retriesOf(definition, r.elementId),
              // The call sees its input parameters (camunda:inputOutput) besides the instance's variables.
              payload: toJson({
                ...servicePayload(definition, r.elementId),
                ...(r.locals ? { locals: r.locals } : {}),
                ...(definition.meta.retryCycles?.[r.elementId]
                  ? { retryCycle: definition.meta.retryCycles[r.elementId] }
                  : {}),
              }),
            })),
          )
          .onConflict(['instance_id', 'type', 'execution_id'])
          .ignore(),
      );
      scope.dueJobs = true;
    }
    this.continuations(scope, instance, definition, outcome, now);
  }

  /**
   * Boundaries activities wait at (camunda:asyncBefore / asyncAfter, engine/async-continuation.ts)
   * as jobs due now, retried by the element's camunda:failedJobRetryTimeCycle; the job of an
   * activity no longer at its boundary (a boundary event or a modification took it) goes.
   */
  private continuations(
    scope: TransactionScope,
    instance: InstanceRow,
    definition: DeployedDefinition,
    outcome: StepOutcome,
    now: Date,
  ): void {
    if (!definition.meta.asyncBoundaries) return;
    const trx = scope.trx;
    const ids = outcome.continuations.map((c) => c.executionId);
    const stale = trx('jobs').where({ instance_id: instance.id, type: 'async-continuation' });
    scope.batch.add((ids.length ? stale.whereNotIn('execution_id', ids) : stale).delete());
    if (ids.length === 0) return;
    scope.batch.add(
      trx('jobs')
        .insert(
          outcome.continuations.map((c) => ({
            id: randomUUID(),
            type: 'async-continuation',
            instance_id: instance.id,
            execution_id: c.executionId,
            element_id: c.elementId,
            due_at: now,
            ...retriesOf(definition, c.elementId),
            payload: toJson({
              boundary: c.boundary,
              ...(definition.meta.retryCycles?.[c.elementId]
                ? { retryCycle: definition.meta.retryCycles[c.elementId] }
                : {}),
            }),
          })),
        )
        .onConflict(['instance_id', 'type', 'execution_id'])
        .ignore(),
    );
    scope.dueJobs = true;
  }

  /**
   * External tasks (server/external-tasks): a row for each one the step reached, and none left
   * for a task no longer waiting (an interrupting boundary event took it away). Processes without
   * external tasks pay nothing.
   */
  externalTasks(
    scope: TransactionScope,
    instance: InstanceRow,
    definition: DeployedDefinition,
    outcome: StepOutcome,
    now: Date,
  ): void {
    if (!hasExternalTasks(definition)) return;
    if (instance.revision > 1) {
      const waiting = outcome.waiting.filter((w) => isExternal(definition, w.elementId)).map((w) => w.executionId);
      const stale = scope.trx('external_tasks').where({ instance_id: instance.id });
      scope.batch.add((waiting.length ? stale.whereNotIn('execution_id', waiting) : stale).delete());
    }
    const rows = externalTaskRows(instance, definition, outcome, now, this.clock, this.logger);
    if (rows.length === 0) return;
    scope.batch.add(scope.trx('external_tasks').insert(rows).onConflict('execution_id').ignore());
    for (const row of rows) scope.externalTopics.add(row.topic);
  }

  subscriptions(scope: TransactionScope, instance: InstanceRow, outcome: StepOutcome): void {
    const waits = outcome.waiting.filter((w) => w.messageName);
    const ids = waits.map((w) => w.executionId);
    if (instance.has_subscriptions) {
      const stale = scope.trx('message_subscriptions').where({ instance_id: instance.id });
      scope.batch.add((ids.length ? stale.whereNotIn('execution_id', ids) : stale).delete());
    }
    if (waits.length === 0) return;
    scope.batch.add(
      scope
        .trx('message_subscriptions')
        .insert(
          waits.map((w) => ({
            id: randomUUID(),
            instance_id: instance.id,
            execution_id: w.executionId,
            element_id: w.elementId,
            message_name: w.messageName,
            business_key: instance.business_key,
          })),
        )
        .onConflict('execution_id')
        .ignore(),
    );
  }

  /**
   * Signal waits become subscriptions, as message waits do. A signal start event of the process
   * (`is_start`) waits only in an instance a signal has just started; no broadcast reaches it.
   */
  signalSubscriptions(
    scope: TransactionScope,
    instance: InstanceRow,
    definition: DeployedDefinition,
    outcome: StepOutcome,
  ): void {
    const waits = outcome.waiting.filter((w) => w.signalName);
    const ids = waits.map((w) => w.executionId);
    if (instance.has_subscriptions) {
      const stale = scope.trx('signal_subscriptions').where({ instance_id: instance.id });
      scope.batch.add((ids.length ? stale.whereNotIn('execution_id', ids) : stale).delete());
    }
    if (waits.length === 0) return;
    const starts = definition.meta.signalStarts ?? {};
    scope.batch.add(
      scope
        .trx('signal_subscriptions')
        .insert(
          waits.map((w) => ({
            id: randomUUID(),
            instance_id: instance.id,
            execution_id: w.executionId,
            element_id: w.elementId,
            signal_name: w.signalName,
            is_start: w.type === 'bpmn:StartEvent' && w.elementId in starts,
          })),
        )
        .onConflict('execution_id')
        .ignore(),
    );
  }
}
