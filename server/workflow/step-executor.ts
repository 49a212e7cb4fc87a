import { randomUUID } from 'node:crypto';
import {
  DEFAULT_STEP_LIMITS,
  type Command,
  type StepLimits,
  type StepOutcome,
  type WaitingActivity,
} from '../engine/runtime.js';
import type { DeployedDefinition, EngineRunner, StepClock } from '../engine/pool/runner.js';
import { StepContext, type Variables } from '../engine/step-context.js';
import { resolveTemplate, type Scope } from '../engine/expressions.js';
import { mappedVariables, type CallVariableMappings } from '../engine/io-mapping.js';
import { PARENT_BUSINESS_KEY } from '../engine/runnability.js';
import type { Actor } from '../lib/actor.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { Conflict, NotFound } from '../lib/errors.js';
import { asText } from '../lib/text.js';
import type { Logger } from '../lib/logger.js';
import type { DefinitionStore } from './definitions.repository.js';
import { lockInstance, toJson, type InstanceRow } from './instances.repository.js';
import type { TransactionScope } from './transactions.js';
import { persistHistory } from './history.repository.js';
import { instanceDeadline, pausedTasksRead } from './instance-deadline.js';
import { instanceEvent, type InstanceRef } from './outbox.js';
import { resolveElementDepartments } from './element-department.js';
import { StepPersistence } from './step-persistence.js';
import { queueSignalDeliveries } from './signal-deliveries.js';
import type { StepMetrics } from './metrics.js';
import { Prepared } from '../db/prepared.js';
import type { InstanceTopic, InstanceTopicDetails } from '../realtime/contract.js';

/** A step's write of its instance row, written once (every step sends it). */
const INSTANCE_STEP_COLUMNS =
  'state = ?, variables = ?, revision = ?, status = ?, ended_at = ?, end_reason = ?, open_incidents = ?, has_timers = ?, has_subscriptions = ?';
const UPDATE_INSTANCE = `UPDATE process_instances SET ${INSTANCE_STEP_COLUMNS} WHERE id = ?`;
const UPDATE_INSTANCE_AND_DUE = `UPDATE process_instances SET ${INSTANCE_STEP_COLUMNS}, due_at = ? WHERE id = ?`;

/** What a new row is given once and never changes: the bindings of `identityOf`, in order. */
const INSTANCE_IDENTITY_COLUMNS = `id, definition_id, definition_key, definition_version, business_key, department_id,
     parent_instance_id, parent_execution_id, root_instance_id, started_by, started_at`;

/** The values of INSTANCE_IDENTITY_COLUMNS. */
function identityOf(row: InstanceRow): unknown[] {
  return [
    row.id,
    row.definition_id,
    row.definition_key,
    row.definition_version,
    row.business_key ?? null,
    row.department_id ?? null,
    row.parent_instance_id,
    row.parent_execution_id,
    row.root_instance_id,
    row.started_by,
    row.started_at,
  ];
}

/**
 * A new instance's row as its first step leaves it, in that step's write batch: PostgreSQL checks
 * the foreign keys of the step's task and history rows at the end of the statement, when the row
 * is there.
 */
const INSERT_STEPPED_INSTANCE = `INSERT INTO process_instances (${INSTANCE_IDENTITY_COLUMNS},
     state, variables, revision, status, ended_at, end_reason, open_incidents, has_timers, has_subscriptions, due_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** A new instance's row, written once (every start sends it); what every new row holds is in the text. */
const INSERT_INSTANCE = new Prepared<never>(
  'instance_insert',
  `INSERT INTO process_instances (${INSTANCE_IDENTITY_COLUMNS},
     variables, status, state, revision, ended_at, end_reason, open_incidents, has_timers, has_subscriptions)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', NULL, 0, NULL, NULL, 0, false, false)`,
);

/** How deep call activities may nest before the platform refuses (a call cycle would never end). */
const MAX_CALL_DEPTH = 10;

/** What a command does before the engine step, inside the instance's lock. */
export interface PreparedCommand {
  command: Command;
  /** Variables to merge into the instance before the step (a task's form data, a message's payload). */
  variables?: Variables;
  /** The task this command completes (recorded as completed, not cancelled). */
  completedTaskId?: string;
  /**
   * A job's command that fails as a whole when the process fails in it (an async continuation):
   * nothing of the step is kept, the job is retried and its incident raised at its element.
   */
  rollbackOnFailure?: boolean;
}

export interface StartParams {
  definitionId: string;
  businessKey: string | null;
  departmentId: string | null;
  variables: Variables;
  actor: Actor;
  parent?: { instanceId: string; executionId: string; rootId: string; depth: number };
  /**
   * The row goes in the first step's write batch, already stepped, instead of being inserted
   * before the step and updated after it: one round trip and one row version fewer. For callers
   * that send no statement of their own naming the new instance before the transaction ends.
   */
  writeWithFirstStep?: boolean;
}

/**
 * Runs commands on instances, one transaction each (ARCHITECTURE.md "stateless step"): lock the
 * row, recover the engine from the saved state, apply the command, and write back state, tasks,
 * jobs, message subscriptions, history and outbox events before commit.
 */
/** An instance row locked for a command, with its parsed definition. */
export interface LockedInstance {
  instance: InstanceRow;
  definition: DeployedDefinition;
}

export class StepExecutor {
  private readonly persistence: StepPersistence;

  constructor(
    private readonly definitions: DefinitionStore,
    /** Where the engine runs the step: worker threads, so a long step holds no request but its own. */
    private readonly engine: EngineRunner,
    private readonly logger: Logger,
    private readonly metrics: StepMetrics,
    clock: Clock = systemClock,
    /** What one command may make the engine do; past it the command fails into an incident. */
    private readonly limits: StepLimits = DEFAULT_STEP_LIMITS,
  ) {
    this.clock = () => clock.now();
    // A test's clock stands still while a step runs, wherever the step runs.
    this.stepClock = { now: this.clock, frozen: clock !== systemClock };
    this.persistence = new StepPersistence(logger, this.clock);
  }

  /** The platform clock as the engine and the step writers take it. */
  private readonly clock: () => number;
  private readonly stepClock: StepClock;

  /** The platform clock's current time (a test clock in tests). */
  now(): Date {
    return new Date(this.clock());
  }

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
      has_timers: false,
      has_subscriptions: false,
    };
    // Otherwise inserted at once (not batched): the task and history rows of the first step refer to it.
    const unwritten = params.writeWithFirstStep === true;
    if (!unwritten) await insertInstance(scope, row);
    scope.batch.add(
      scope.trx('operation_log').insert({
        instance_id: id,
        operation: 'start',
        actor: params.actor.username,
        details: toJson({ definitionId: definition.id }),
      }),
    );
    scope.outbox.add(this.event('instance:started', row, { startedBy: params.actor.username }));
    return this.step(
      scope,
      row,
      definition,
      { command: { kind: 'start' } },
      params.actor,
      params.parent?.depth ?? 0,
      unwritten,
    );
  }

  /**
   * Locks an instance, lets `prepare` validate and choose the command, runs the step and persists
   * it. `prepare` returning null means there is nothing to do (the row is left unchanged).
   */
  async run(
    scope: TransactionScope,
    instanceId: string,
    actor: Actor,
    prepare: (instance: InstanceRow, definition: DeployedDefinition) => Promise<PreparedCommand | null>,
  ): Promise<InstanceRow> {
    const locked = await this.lock(scope, instanceId);
    const prepared = await prepare(locked.instance, locked.definition);
    if (!prepared) return locked.instance;
    return this.apply(scope, locked, prepared, actor);
  }

  /**
   * The first half of a command, for callers that check rows of their own under the instance's
   * lock before they choose the command (the task service locks the task next): locks the
   * instance row and loads its definition. Instance first, then its task: one lock order.
   */
  async lock(scope: TransactionScope, instanceId: string): Promise<LockedInstance> {
    const instance = await lockInstance(scope.trx, instanceId);
    if (!instance) throw new NotFound('process instance', instanceId);
    return this.locked(scope, instance);
  }

  /** An instance row the caller has locked itself (with a row of its own, in one statement), with its definition. */
  async locked(scope: TransactionScope, instance: InstanceRow): Promise<LockedInstance> {
    const definition = await this.definitions.load(instance.definition_id, scope.trx);
    return { instance, definition };
  }

  /** The second half: runs a prepared command on a locked instance and persists the step. */
  async apply(
    scope: TransactionScope,
    locked: LockedInstance,
    prepared: PreparedCommand,
    actor: Actor,
  ): Promise<InstanceRow> {
    if (locked.instance.status !== 'running') {
      throw new Conflict('INSTANCE_NOT_RUNNING', `the process instance is ${locked.instance.status}`);
    }
    // Camunda 7: a suspended instance takes no command (task completion, message, job) until resumed.
    if (locked.instance.suspended_at) {
      throw new Conflict('INSTANCE_SUSPENDED', 'the process instance is suspended: resume it first');
    }
    return this.step(scope, locked.instance, locked.definition, prepared, actor, 0);
  }

  private async step(
    scope: TransactionScope,
    instance: InstanceRow,
    definition: DeployedDefinition,
    prepared: PreparedCommand,
    actor: Actor,
    depth: number,
    unwritten = false,
  ): Promise<InstanceRow> {
    const started = performance.now();
    // The command's variables are set by the engine where Camunda sets them (a task's local scope
    // when it has input parameters of those names, otherwise the instance).
    const command = prepared.variables ? { ...prepared.command, assign: prepared.variables } : prepared.command;
    // The engine left at this row by the instance's last step on this node continues, when kept.
    const revision = instance.revision + 1;
    const written: { stateJsonLength?: number } = {};
    scope.settled.push((committed) => this.engine.settle(instance.id, revision, committed, written.stateJsonLength));
    // The connection would idle while the engine works: its read of the open tasks goes now.
    const openTasks = this.persistence.openTasks(scope, instance);
    const pausedTasks = pausedTasksRead(scope.trx, instance, definition);
    const outcome = await this.engine.step(
      definition,
      instance.state,
      instance.variables,
      command,
      this.stepClock,
      this.limits,
      { instanceId: instance.id, revision: instance.revision, definitionId: definition.id },
    );
    if (instance.state) this.metrics.countEngineCache(outcome.continuedLive ? 'hit' : 'miss');
    const variables = outcome.variables ?? { ...instance.variables, ...prepared.variables };
    if (!outcome.applied) {
      const at = 'executionId' in prepared.command ? prepared.command.executionId : '';
      throw new Conflict('NOT_WAITING', `nothing is waiting at execution ${at}`);
    }
    // Camunda 7: a failure after an async continuation rolls back to its boundary.
    if (prepared.rollbackOnFailure && outcome.status === 'failed')
      throw new Error(outcome.error ?? 'the process failed');
    const now = new Date(this.clock());
    const updated: InstanceRow = {
      ...instance,
      state: outcome.state,
      variables,
      revision,
      status: outcome.status,
      ended_at: outcome.status === 'running' ? null : now,
      end_reason: outcome.status === 'failed' ? outcome.error : outcome.status === 'completed' ? 'completed' : null,
      open_incidents: instance.open_incidents + (outcome.status === 'failed' ? 1 : 0),
    };

    persistHistory(scope.trx, scope.batch, updated, outcome.history, prepared.completedTaskId ? actor.username : null);
    await this.persistence.tasks(scope, updated, definition, outcome, prepared.completedTaskId, now, openTasks);
    this.persistence.jobs(scope, updated, definition, outcome, now);
    this.persistence.externalTasks(scope, updated, definition, outcome, now);
    this.persistence.subscriptions(scope, updated, outcome);
    this.persistence.signalSubscriptions(scope, updated, definition, outcome);
    queueSignalDeliveries(scope, updated, definition, outcome, now, this.clock);
    if (unwritten && outcome.waiting.some(isCall)) {
      // A called instance's row refers to its caller's, and goes in before the batch.
      await insertInstance(scope, instance);
      unwritten = false;
    }
    await this.startCalledProcesses(scope, updated, definition, outcome.waiting, actor, depth);
    updated.has_timers = outcome.timers.length > 0;
    updated.has_subscriptions = outcome.waiting.some((w) => w.messageName || w.signalName);
    const dueAt = await instanceDeadline(this.logger, updated, definition, outcome, now, this.clock, pausedTasks);
    const dueChanged = dueAt !== undefined && (dueAt?.getTime() ?? null) !== (instance.due_at?.getTime() ?? null);
    if (dueAt !== undefined) updated.due_at = dueAt;

    const stateJson = toJson(updated.state);
    written.stateJsonLength = stateJson.length;
    // In INSTANCE_STEP_COLUMNS' order.
    const stepped = [
      stateJson,
      toJson(updated.variables),
      updated.revision,
      updated.status,
      updated.ended_at,
      updated.end_reason,
      updated.open_incidents,
      updated.has_timers,
      updated.has_subscriptions,
    ];
    if (unwritten) {
      scope.batch.addStatement(INSERT_STEPPED_INSTANCE, [...identityOf(updated), ...stepped, updated.due_at ?? null]);
    } else if (dueChanged) {
      scope.batch.addStatement(UPDATE_INSTANCE_AND_DUE, [...stepped, updated.due_at ?? null, updated.id]);
    } else {
      scope.batch.addStatement(UPDATE_INSTANCE, [...stepped, updated.id]);
    }
    if (dueChanged)
      scope.outbox.add(
        this.event('instance:due', updated, { dueAt: updated.due_at ? new Date(updated.due_at).toISOString() : null }),
      );
    if (updated.status !== 'running') this.finish(scope, updated, outcome);
    this.metrics.observeStep(prepared.command.kind, (performance.now() - started) / 1000);
    return updated;
  }

  private finish(scope: TransactionScope, instance: InstanceRow, outcome: StepOutcome): void {
    if (instance.status === 'failed') {
      const runaway = outcome.runaway;
      this.logger.warn(
        { instanceId: instance.id, error: outcome.error, ...(runaway ? { limit: runaway.code } : {}) },
        runaway ? 'process instance stopped at a step limit' : 'process instance failed',
      );
      scope.batch.add(
        scope.trx('incidents').insert({
          id: randomUUID(),
          instance_id: instance.id,
          type: 'failed-instance',
          // A runaway names the element that overran (a multi-instance, a timer) when there is one.
          element_id: runaway?.elementId ?? null,
          message: outcome.error ?? 'the process failed',
          status: 'open',
        }),
      );
      scope.outbox.add(this.event('incident:created', instance, { message: outcome.error ?? null }));
    }
    scope.outbox.add(
      this.event(instance.status === 'completed' ? 'instance:completed' : 'instance:failed', instance, {}),
    );
    if (instance.parent_instance_id && instance.parent_execution_id && instance.status === 'completed') {
      // The parent is continued by a job, not here: locking parent after child could deadlock
      // against a command that locks the parent first.
      scope.batch.add(
        scope
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
          .ignore(),
      );
      scope.dueJobs = true;
    }
  }

  private async startCalledProcesses(
    scope: TransactionScope,
    instance: InstanceRow,
    definition: DeployedDefinition,
    waiting: WaitingActivity[],
    actor: Actor,
    depth: number,
  ): Promise<void> {
    const calls = waiting.filter(isCall);
    if (calls.length === 0) return;
    const existing = new Set<string>(
      await scope.trx('process_instances').where({ parent_instance_id: instance.id }).pluck('parent_execution_id'),
    );
    const fresh = calls.filter((call) => !existing.has(call.executionId));
    if (fresh.length === 0) return;
    const caller = new StepContext(instance.variables, this.clock);
    // A called instance takes its caller's department unless the call activity names one.
    const departments = await resolveElementDepartments(
      scope.trx,
      instance,
      fresh.map((call) => ({
        elementId: call.elementId,
        template: definition.meta.departments?.[call.elementId] ?? null,
        scope: caller.scope(undefined, call.locals ?? undefined),
      })),
    );
    for (const [i, call] of fresh.entries()) {
      if (depth >= MAX_CALL_DEPTH) {
        throw new Conflict('CALL_DEPTH_EXCEEDED', `call activities nest deeper than ${MAX_CALL_DEPTH} levels`);
      }
      const context = new StepContext(instance.variables, this.clock);
      const callerScope = context.scope(undefined, call.locals ?? undefined);
      const key = asText(resolveTemplate(call.calledElement ?? '', callerScope));
      const target = await this.definitions.latestByKey(key, scope.trx);
      if (!target) throw new NotFound('called process', key);
      const mappings = definition.meta.callMappings?.[call.elementId];
      const visible = { ...instance.variables, ...(call.locals ?? {}) };
      await this.start(scope, {
        definitionId: target.id,
        // Versions deployed before camunda:in/out were read pass everything, as they always did.
        businessKey: mappings ? calledBusinessKey(mappings, callerScope, instance.business_key) : instance.business_key,
        departmentId: departments[i] ?? null,
        variables: mappings ? mappedVariables(mappings.in, visible) : visible,
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

  event<T extends InstanceTopic>(topic: T, instance: InstanceRef, details: InstanceTopicDetails[T]) {
    return instanceEvent(topic, instance, details);
  }
}

/** camunda:in businessKey: the caller's own business key (Camunda's usual expression) or an expression; none without it. */
function calledBusinessKey(mappings: CallVariableMappings, scope: Scope, callerKey: string | null): string | null {
  const expression = mappings.businessKey;
  if (!expression) return null;
  if (PARENT_BUSINESS_KEY.test(expression)) return callerKey;
  const value = resolveTemplate(expression, scope);
  return value === null || value === undefined || value === '' ? null : asText(value);
}

const isCall = (w: WaitingActivity) => w.type === 'bpmn:CallActivity';

/** A new instance's row as it is before its first step (state null, revision 0). */
async function insertInstance(scope: TransactionScope, row: InstanceRow): Promise<void> {
  await INSERT_INSTANCE.rows(scope.trx, [...identityOf(row), toJson(row.variables)]);
}
