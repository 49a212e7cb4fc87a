import { randomUUID } from 'node:crypto';
import {
  executeStep,
  type Command,
  type LoadedDefinition,
  type StepOutcome,
  type WaitingActivity,
} from '../engine/runtime.js';
import { StepContext, type Variables } from '../engine/step-context.js';
import { resolveTemplate } from '../engine/expressions.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, NotFound } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { toTaskDate } from '../lib/time.js';
import type { DefinitionStore } from './definitions.repository.js';
import { lockInstance, toJson, type InstanceRow } from './instances.repository.js';
import type { TransactionScope } from './transactions.js';
import { persistHistory } from './history.repository.js';
import type { StepMetrics } from './metrics.js';

/** How deep call activities may nest before the platform refuses (a call cycle would never end). */
const MAX_CALL_DEPTH = 10;

/** What a command does before the engine step, inside the instance's lock. */
export interface PreparedCommand {
  command: Command;
  /** Variables to merge into the instance before the step (a task's form data, a message's payload). */
  variables?: Variables;
  /** The task this command completes (recorded as completed, not cancelled). */
  completedTaskId?: string;
}

export interface StartParams {
  definitionId: string;
  businessKey: string | null;
  departmentId: string | null;
  variables: Variables;
  actor: Actor;
  parent?: { instanceId: string; executionId: string; rootId: string; depth: number };
}

/**
 * Runs commands on instances, one transaction each (ARCHITECTURE.md "stateless step"): lock the
 * row, recover the engine from the saved state, apply the command, and write back state, tasks,
 * jobs, message subscriptions, history and outbox events before commit.
 */
export class StepExecutor {
  constructor(
    private readonly definitions: DefinitionStore,
    private readonly logger: Logger,
    private readonly metrics: StepMetrics,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Starts an instance of a definition; its first step runs in the caller's transaction. */
  async start(scope: TransactionScope, params: StartParams): Promise<InstanceRow> {
    const definition = await this.definitions.load(params.definitionId, scope.trx);
    const id = randomUUID();
    const now = new Date(this.clock());
    const row: InstanceRow = {
      id,
      definition_id: definition.id,
      definition_key: definition.key,
      definition_version: definition.version,
      business_key: params.businessKey,
      department_id: params.departmentId,
      status: 'running',
      state: null,
      variables: { ...params.variables },
      revision: 0,
      parent_instance_id: params.parent?.instanceId ?? null,
      parent_execution_id: params.parent?.executionId ?? null,
      root_instance_id: params.parent?.rootId ?? id,
      started_by: params.actor.username,
      started_at: now,
      ended_at: null,
      end_reason: null,
      open_incidents: 0,
    };
    await scope.trx('process_instances').insert({ ...row, state: null, variables: toJson(row.variables) });
    await scope
      .trx('operation_log')
      .insert({
        instance_id: id,
        operation: 'start',
        actor: params.actor.username,
        details: toJson({ definitionId: definition.id }),
      });
    scope.outbox.add(this.event('instance:started', row, { startedBy: params.actor.username }));
    return this.step(scope, row, definition, { command: { kind: 'start' } }, params.actor, params.parent?.depth ?? 0);
  }

  /**
   * Locks an instance, lets `prepare` validate and choose the command, runs the step and persists
   * it. `prepare` returning null means there is nothing to do (the row is left unchanged).
   */
  async run(
    scope: TransactionScope,
    instanceId: string,
    actor: Actor,
    prepare: (instance: InstanceRow, definition: LoadedDefinition) => Promise<PreparedCommand | null>,
  ): Promise<InstanceRow> {
    const instance = await lockInstance(scope.trx, instanceId);
    if (!instance) throw new NotFound('process instance', instanceId);
    const definition = await this.definitions.load(instance.definition_id, scope.trx);
    const prepared = await prepare(instance, definition);
    if (!prepared) return instance;
    if (instance.status !== 'running')
      throw new Conflict('INSTANCE_NOT_RUNNING', `the process instance is ${instance.status}`);
    return this.step(scope, instance, definition, prepared, actor, 0);
  }

  private async step(
    scope: TransactionScope,
    instance: InstanceRow,
    definition: LoadedDefinition,
    prepared: PreparedCommand,
    actor: Actor,
    depth: number,
  ): Promise<InstanceRow> {
    const variables = { ...instance.variables, ...prepared.variables };
    const started = performance.now();
    const outcome = await executeStep(definition, instance.state, variables, prepared.command, this.clock);
    if (!outcome.applied) {
      throw new Conflict(
        'NOT_WAITING',
        `nothing is waiting at execution ${'executionId' in prepared.command ? prepared.command.executionId : ''}`,
      );
    }
    const now = new Date(this.clock());
    const updated: InstanceRow = {
      ...instance,
      state: outcome.state,
      variables,
      revision: instance.revision + 1,
      status: outcome.status,
      ended_at: outcome.status === 'running' ? null : now,
      end_reason: outcome.status === 'failed' ? outcome.error : outcome.status === 'completed' ? 'completed' : null,
    };

    await persistHistory(scope.trx, updated, outcome.history, prepared.completedTaskId ? actor.username : null);
    await this.reconcileTasks(scope, updated, definition, outcome, prepared.completedTaskId, now);
    await this.reconcileJobs(scope, updated, outcome, now);
    await this.reconcileSubscriptions(scope, updated, outcome);
    await this.startCalledProcesses(scope, updated, outcome.waiting, actor, depth);

    await scope
      .trx('process_instances')
      .where({ id: updated.id })
      .update({
        state: toJson(updated.state),
        variables: toJson(updated.variables),
        revision: updated.revision,
        status: updated.status,
        ended_at: updated.ended_at,
        end_reason: updated.end_reason,
      });
    if (updated.status !== 'running') await this.finish(scope, updated, outcome);
    this.metrics.observeStep(prepared.command.kind, (performance.now() - started) / 1000);
    return updated;
  }

  private async finish(scope: TransactionScope, instance: InstanceRow, outcome: StepOutcome): Promise<void> {
    await scope.trx('jobs').where({ instance_id: instance.id }).delete();
    await scope.trx('message_subscriptions').where({ instance_id: instance.id }).delete();
    if (instance.status === 'failed') {
      this.logger.warn({ instanceId: instance.id, error: outcome.error }, 'process instance failed');
      await scope.trx('incidents').insert({
        id: randomUUID(),
        instance_id: instance.id,
        type: 'failed-instance',
        message: outcome.error ?? 'the process failed',
        status: 'open',
      });
      await scope.trx('process_instances').where({ id: instance.id }).increment('open_incidents', 1);
      scope.outbox.add(this.event('incident:created', instance, { message: outcome.error }));
    }
    scope.outbox.add(
      this.event(instance.status === 'completed' ? 'instance:completed' : 'instance:failed', instance, {}),
    );
    if (instance.parent_instance_id && instance.parent_execution_id && instance.status === 'completed') {
      // The parent is continued by a job, not here: locking parent after child could deadlock
      // against a command that locks the parent first.
      await scope
        .trx('jobs')
        .insert({
          id: randomUUID(),
          type: 'call-result',
          instance_id: instance.parent_instance_id,
          execution_id: instance.parent_execution_id,
          element_id: 'call',
          due_at: new Date(this.clock()),
          payload: toJson({ childInstanceId: instance.id, variables: instance.variables }),
        })
        .onConflict(['instance_id', 'type', 'execution_id'])
        .ignore();
      scope.dueJobs = true;
    }
  }

  private async reconcileTasks(
    scope: TransactionScope,
    instance: InstanceRow,
    definition: LoadedDefinition,
    outcome: StepOutcome,
    completedTaskId: string | undefined,
    now: Date,
  ): Promise<void> {
    const waitingTasks = outcome.waiting.filter((w) => w.type === 'bpmn:UserTask');
    const open: { id: string; execution_id: string }[] =
      instance.revision === 1
        ? []
        : await scope.trx('tasks').where({ instance_id: instance.id, status: 'open' }).select('id', 'execution_id');
    const openIds = new Set(open.map((t) => t.execution_id));
    const waitingIds = new Set(waitingTasks.map((w) => w.executionId));

    const gone = open.filter((t) => !waitingIds.has(t.execution_id) && t.id !== completedTaskId);
    if (gone.length) {
      await scope
        .trx('tasks')
        .whereIn(
          'id',
          gone.map((t) => t.id),
        )
        .update({ status: 'cancelled', completed_at: now, revision: scope.trx.raw('revision + 1') });
      for (const t of gone) scope.outbox.add(this.event('task:cancelled', instance, { taskId: t.id }));
    }

    const fresh = waitingTasks.filter((w) => !openIds.has(w.executionId));
    if (fresh.length === 0) return;
    const context = new StepContext(instance.variables, this.clock);
    const rows = fresh.map((wait) => this.taskRow(instance, definition, wait, context, now));
    await scope.trx('tasks').insert(rows).onConflict('execution_id').ignore();
    for (const row of rows) {
      scope.outbox.add(
        this.event('task:created', instance, {
          taskId: row.id,
          elementId: row.element_id,
          name: row.name,
          candidateGroups: row.candidate_groups,
          assignee: row.assignee,
        }),
      );
    }
  }

  private taskRow(
    instance: InstanceRow,
    definition: LoadedDefinition,
    wait: WaitingActivity,
    context: StepContext,
    now: Date,
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
      return value === null || value === undefined || value === '' ? null : String(value);
    };
    const date = (template: string | null | undefined, field: string): Date | null => {
      try {
        return toTaskDate(resolve(template), now);
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
      department_id: instance.department_id,
      business_key: instance.business_key,
      locals: wait.locals ? toJson(wait.locals) : null,
      created_at: now,
    };
  }

  private async reconcileJobs(
    scope: TransactionScope,
    instance: InstanceRow,
    outcome: StepOutcome,
    now: Date,
  ): Promise<void> {
    const trx = scope.trx;
    const timerIds = outcome.timers.map((t) => t.executionId);
    if (instance.revision > 1) {
      const stale = trx('jobs').where({ instance_id: instance.id, type: 'timer' });
      await (timerIds.length ? stale.whereNotIn('execution_id', timerIds) : stale).delete();
    }
    if (outcome.timers.length) {
      await trx('jobs')
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
        .merge(['due_at']);
      if (outcome.timers.some((t) => t.dueAt.getTime() <= now.getTime())) scope.dueJobs = true;
    }
    if (outcome.serviceRequests.length) {
      const definition = await this.definitions.load(instance.definition_id, trx);
      await trx('jobs')
        .insert(
          outcome.serviceRequests.map((r) => ({
            id: randomUUID(),
            type: 'service',
            instance_id: instance.id,
            execution_id: r.executionId,
            element_id: r.elementId,
            due_at: now,
            payload: toJson({ service: definition.meta.serviceTasks[r.elementId]?.service }),
          })),
        )
        .onConflict(['instance_id', 'type', 'execution_id'])
        .ignore();
      scope.dueJobs = true;
    }
  }

  private async reconcileSubscriptions(
    scope: TransactionScope,
    instance: InstanceRow,
    outcome: StepOutcome,
  ): Promise<void> {
    const waits = outcome.waiting.filter((w) => w.messageName);
    const ids = waits.map((w) => w.executionId);
    if (instance.revision > 1) {
      const stale = scope.trx('message_subscriptions').where({ instance_id: instance.id });
      await (ids.length ? stale.whereNotIn('execution_id', ids) : stale).delete();
    }
    if (waits.length === 0) return;
    await scope
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
      .ignore();
  }

  private async startCalledProcesses(
    scope: TransactionScope,
    instance: InstanceRow,
    waiting: WaitingActivity[],
    actor: Actor,
    depth: number,
  ): Promise<void> {
    const calls = waiting.filter((w) => w.type === 'bpmn:CallActivity');
    if (calls.length === 0) return;
    const existing = new Set<string>(
      await scope.trx('process_instances').where({ parent_instance_id: instance.id }).pluck('parent_execution_id'),
    );
    for (const call of calls) {
      if (existing.has(call.executionId)) continue;
      if (depth >= MAX_CALL_DEPTH)
        throw new Conflict('CALL_DEPTH_EXCEEDED', `call activities nest deeper than ${MAX_CALL_DEPTH} levels`);
      const context = new StepContext(instance.variables, this.clock);
      const key = String(
        resolveTemplate(call.calledElement ?? '', context.scope(undefined, call.locals ?? undefined)) ?? '',
      );
      const target = await this.definitions.latestByKey(key, scope.trx);
      if (!target) throw new NotFound('called process', key);
      await this.start(scope, {
        definitionId: target.id,
        businessKey: instance.business_key,
        departmentId: instance.department_id,
        variables: { ...instance.variables, ...(call.locals ?? {}) },
        actor,
        parent: {
          instanceId: instance.id,
          executionId: call.executionId,
          rootId: instance.root_instance_id ?? instance.id,
          depth: depth + 1,
        },
      });
    }
  }

  event(
    topic: string,
    instance: Pick<InstanceRow, 'id' | 'department_id' | 'definition_key' | 'business_key'>,
    payload: Record<string, unknown>,
  ) {
    return {
      topic,
      departmentId: instance.department_id,
      definitionKey: instance.definition_key,
      instanceId: instance.id,
      payload: { instanceId: instance.id, businessKey: instance.business_key, ...payload },
    };
  }
}
