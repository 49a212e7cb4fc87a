import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import { resolveTemplate } from '../engine/expressions.js';
import {
  activeElements,
  elementShapes,
  renameElements,
  type ActiveElement,
  type ElementShape,
} from '../engine/instance-state.js';
import type { ModificationInstruction } from '../engine/modification.js';
import type { DeployedDefinition } from '../engine/pool/runner.js';
import type { EngineState } from '../engine/runtime.js';
import { StepContext, type Variables } from '../engine/step-context.js';
import { instanceOperable, type InstanceOperation } from '../access/instance-operable.js';
import type { InstanceAccessRow, RowRule } from '../access/rule.js';
import { auditInTransaction, auditRow } from '../identity/audit.service.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { AppError, Conflict, Invalid, NotFound } from '../lib/errors.js';
import { asText } from '../lib/text.js';
import type { DefinitionStore } from './definitions.repository.js';
import { toJson, type InstanceRow } from './instances.repository.js';
import type {
  MigrateBody,
  MigrateResult,
  MigrationPlan,
  ModificationBody,
  ModificationResult,
} from './instance-operations.contract.js';
import type { StepExecutor } from './step-executor.js';
import type { TransactionScope, Transactions } from './transactions.js';
import { WriteBatch } from './write-batch.js';
import { GuardedStatement } from './guarded-statement.js';
import type { OutboxEvent } from './outbox.js';
import type { Visibility } from './visibility.js';

/** Element types an instance can be found waiting in: an instance active there needs a counterpart to migrate. */
const WAITABLE = new Set([
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:SendTask',
  'bpmn:BusinessRuleTask',
  'bpmn:ReceiveTask',
  'bpmn:CallActivity',
  'bpmn:SubProcess',
  'bpmn:Transaction',
  'bpmn:IntermediateCatchEvent',
  'bpmn:BoundaryEvent',
  'bpmn:EventBasedGateway',
  'bpmn:ParallelGateway',
  'bpmn:InclusiveGateway',
  'bpmn:ManualTask',
  'bpmn:Task',
]);

/**
 * Waits whose rows (task, timer job, message or signal subscription) name the element and hold
 * all the step would make again: instances waiting only in these can move without the engine.
 */
const DIRECT_TYPES = new Set([
  'bpmn:UserTask',
  'bpmn:ManualTask',
  'bpmn:Task',
  'bpmn:ReceiveTask',
  'bpmn:IntermediateCatchEvent',
  'bpmn:BoundaryEvent',
  'bpmn:SubProcess',
]);

/** Elements whose wait is a service job (its payload names the target's service or decision). */
const SERVICE_JOB_TYPES = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask']);

/** A migration plan with what validation needs, built once per source and target version. */
interface CompiledPlan extends MigrationPlan {
  source: DeployedDefinition;
  target: DeployedDefinition;
  sourceShapes: Map<string, ElementShape>;
  targetShapes: Map<string, ElementShape>;
  /** Both versions declare the same instance deadline (or none): migrating leaves the due date as it is. */
  sameDeadline: boolean;
}

/** The compiled plan for an instance's source version (memoized per migration call). */
export type PlanResolver = (sourceDefinitionId: string, trx?: Db) => Promise<CompiledPlan>;

/** The access rules an operation on instances asks (access/instance-readable, access/instance-operable). */
export interface OperationRules {
  readable: RowRule<InstanceAccessRow>;
  operable: RowRule<InstanceAccessRow>;
  operation: InstanceOperation;
}

/** Selections larger than this run as a batch (server/batches), not in the request. */
export const MIGRATE_INLINE_MAX = 50;

/** Hands a migration to the batch machinery; answers the batch's id. */
export type MigrationBatchHandOff = (
  input: {
    instanceIds: string[];
    reason: string;
    params: { targetDefinitionId: string; mapping?: Record<string, string> | undefined };
  },
  actor: Actor,
) => Promise<{ id: string }>;

/** A refusal of one instance: its reason goes into `failed`, nothing of the instance changes. */
class Refused extends Conflict {
  constructor(reason: string) {
    super('MIGRATION_REFUSED', reason);
  }
}

/**
 * Operators' changes to running instances, as Camunda 7 offers them: process instance
 * modification (cancel activities, start before or after others) and migration to another version
 * of the process. Each instance changes in one step of its own (locked, recovered, run, persisted
 * in one transaction), so a refusal leaves it exactly as it was.
 */
export class InstanceOperationsService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly definitions: DefinitionStore,
    private readonly executor: StepExecutor,
    private readonly visibility: Visibility,
    private readonly authorization: Authorization,
  ) {}

  /** The two access rules an operation asks, compiled once per actor (and per migration call). */
  async rules(actor: Actor, operation: InstanceOperation): Promise<OperationRules> {
    const [readable, operable] = await Promise.all([
      this.visibility.instanceReadable(actor),
      instanceOperable(this.authorization, actor, operation),
    ]);
    return { readable, operable, operation };
  }

  /** An instance the actor may read (else 404) and operate on (else 403). */
  private async check(actor: Actor, rules: OperationRules, row: InstanceRow): Promise<void> {
    if (!rules.readable.allows(row)) throw new NotFound('process instance', row.id);
    if (!rules.operable.allows(row))
      await this.authorization.require(actor, 'instance', rules.operation, row.department_id);
  }

  /** Runs a modification as one step on the instance: all instructions or none. */
  async modify(id: string, body: ModificationBody, actor: Actor): Promise<ModificationResult> {
    return this.transactions.run(async (scope) => {
      const locked = await this.executor.lock(scope, id);
      await this.check(actor, await this.rules(actor, 'modify'), locked.instance);
      const before = activeElements(locked.instance.state);
      const elements = locked.definition.meta.elements;
      const variables: Variables = {};
      const instructions: ModificationInstruction[] = body.instructions.map((instruction, index) => {
        if (instruction.activityId && !elements[instruction.activityId])
          throw new Invalid('VALIDATION_FAILED', `the process has no activity ${instruction.activityId}`, [
            { field: `instructions.${index}.activityId`, reason: 'unknown' },
          ]);
        if (instruction.type === 'cancel')
          return {
            type: 'cancel',
            activityId: instruction.activityId,
            activityInstanceId: instruction.activityInstanceId,
          };
        Object.assign(variables, instruction.variables ?? {});
        return { type: instruction.type, activityId: instruction.activityId };
      });
      const updated = await this.executor.apply(
        scope,
        locked,
        { command: { kind: 'modify', instructions }, variables },
        actor,
      );
      const after = activeElements(updated.state);
      const still = new Set(after.map((a) => a.executionId));
      await this.removeStaleServiceJobs(scope, updated);
      const cancelled = before.filter((b) => !still.has(b.executionId) && b.type !== 'bpmn:BoundaryEvent');
      const started = after.filter((a) => !before.some((b) => b.executionId === a.executionId));
      const details = {
        reason: body.reason,
        instructions: body.instructions,
        cancelled: cancelled.map((c) => c.executionId),
        started: started.map((s) => s.executionId),
      };
      scope.batch.add(
        scope.trx('operation_log').insert({
          instance_id: id,
          operation: 'modify',
          actor: actor.username,
          details: toJson(details),
        }),
      );
      auditInTransaction(scope, actor, 'instance.modify', 'process_instance', id, details);
      scope.outbox.add(
        this.executor.event('instance:modified', updated, {
          reason: body.reason,
          by: actor.username,
          cancelled: details.cancelled,
          started: details.started,
        }),
      );
      return {
        instanceId: id,
        status: updated.status,
        cancelled: cancelled.map((c) => ({ activityId: c.id, activityInstanceId: c.executionId })),
        active: after.map((a) => ({ activityId: a.id, activityInstanceId: a.executionId, type: a.type })),
      };
    });
  }

  /**
   * Service jobs of service tasks the modification cancelled: the step adds jobs for the tasks that
   * wait, but only timer jobs are pruned by the step itself. Sent after the step's own writes.
   */
  private async removeStaleServiceJobs(scope: TransactionScope, instance: InstanceRow): Promise<void> {
    await scope.batch.flush(scope.trx);
    const waiting = activeElements(instance.state).map((a) => a.executionId);
    const stale = scope.trx('jobs').where({ instance_id: instance.id, type: 'service' });
    await (waiting.length ? stale.whereNotIn('execution_id', waiting) : stale).delete();
  }

  /** The generated mapping between two versions, and which source elements that can be active have no counterpart. */
  async migrationPlan(sourceDefinitionId: string, targetDefinitionId: string): Promise<MigrationPlan> {
    const plan = await this.compilePlan(sourceDefinitionId, targetDefinitionId);
    return {
      sourceDefinitionId: plan.sourceDefinitionId,
      targetDefinitionId: plan.targetDefinitionId,
      mapping: plan.mapping,
      unmapped: plan.unmapped,
    };
  }

  private async compilePlan(
    sourceDefinitionId: string,
    targetDefinitionId: string,
    overrides: Record<string, string> = {},
    trx: Db = this.db,
  ): Promise<CompiledPlan> {
    const sourceRow = await this.definitions.byId(sourceDefinitionId, trx);
    const targetRow = await this.definitions.byId(targetDefinitionId, trx);
    if (!sourceRow) throw new NotFound('process definition', sourceDefinitionId);
    if (!targetRow) throw new NotFound('process definition', targetDefinitionId);
    const source = await this.definitions.load(sourceDefinitionId, trx);
    const target = await this.definitions.load(targetDefinitionId, trx);
    const sourceShapes = elementShapes(source.serializedContext);
    const targetShapes = elementShapes(target.serializedContext);
    const mapping: Record<string, string> = {};
    const unmapped: MigrationPlan['unmapped'] = [];
    for (const [id, shape] of sourceShapes) {
      const counterpart = targetShapes.get(id);
      if (counterpart && counterpart.type === shape.type) mapping[id] = id;
      else if (WAITABLE.has(shape.type))
        unmapped.push({
          elementId: id,
          type: shape.type,
          reason: counterpart
            ? `the target's ${id} is a ${counterpart.type}, not a ${shape.type}`
            : `the target has no element ${id}`,
        });
    }
    for (const [from, to] of Object.entries(overrides)) {
      if (!sourceShapes.has(from))
        throw new Invalid('VALIDATION_FAILED', `the source version has no activity ${from}`, [
          { field: `mapping.${from}`, reason: 'unknown' },
        ]);
      if (!targetShapes.has(to))
        throw new Invalid('VALIDATION_FAILED', `the target version has no activity ${to}`, [
          { field: `mapping.${from}`, reason: 'unknown' },
        ]);
      mapping[from] = to;
    }
    const mappedIds = new Set(Object.keys(mapping));
    return {
      sourceDefinitionId,
      targetDefinitionId,
      mapping,
      unmapped: unmapped.filter((u) => !mappedIds.has(u.elementId)),
      source,
      target,
      sourceShapes,
      targetShapes,
      sameDeadline: JSON.stringify(source.meta.deadline ?? null) === JSON.stringify(target.meta.deadline ?? null),
    };
  }

  /**
   * Migrates each instance in its own transaction; a refused one keeps its state and is listed in
   * `failed` with the reason, the others move on.
   */
  async migrate(body: MigrateBody, actor: Actor): Promise<MigrateResult> {
    const target = await this.definitions.byId(body.targetDefinitionId);
    if (!target) throw new NotFound('process definition', body.targetDefinitionId);
    const ids = [...new Set(body.instanceIds)];
    if (ids.length > MIGRATE_INLINE_MAX && this.batchHandOff) {
      // Checked here so a bad mapping is a 400 now, not a failure of every item later.
      await this.compilePlanForAny(ids[0]!, body);
      const batch = await this.batchHandOff(
        {
          instanceIds: ids,
          reason: body.reason || `migration to version ${target.version}`,
          params: { targetDefinitionId: body.targetDefinitionId, mapping: body.mapping },
        },
        actor,
      );
      return { migrated: [], failed: [], batchId: batch.id };
    }
    const planFor = this.planResolver(body.targetDefinitionId, body.mapping);
    const rules = await this.rules(actor, 'migrate');
    const migrated: string[] = [];
    const failed: MigrateResult['failed'] = [];
    for (const id of ids) {
      try {
        await this.migrateInstance(id, planFor, actor, body.reason, rules);
        migrated.push(id);
      } catch (err) {
        // Bad input (an unknown element in the mapping) is the caller's error, not the instance's.
        if (err instanceof Invalid) throw err;
        if (!(err instanceof AppError)) throw err;
        failed.push({ id, reason: err.message });
      }
    }
    return { migrated, failed, batchId: null };
  }

  private batchHandOff: MigrationBatchHandOff | null = null;

  /** Large selections go to the batch machinery once the platform has built it. */
  useBatches(handOff: MigrationBatchHandOff): void {
    this.batchHandOff = handOff;
  }

  /** The plan from the first instance's version, for checking a mapping before a batch is made. */
  private async compilePlanForAny(instanceId: string, body: MigrateBody): Promise<void> {
    const row = await this.db('process_instances')
      .where({ id: instanceId })
      .first<{ definition_id: string }>('definition_id');
    if (row) await this.compilePlan(row.definition_id, body.targetDefinitionId, body.mapping);
  }

  /** The plans of one migration call, compiled once per source version the selection holds. */
  planResolver(targetDefinitionId: string, mapping?: Record<string, string>): PlanResolver {
    const plans = new Map<string, Promise<CompiledPlan>>();
    // Read in the caller's transaction: on the embedded database it holds the one connection.
    return (sourceId, trx) => {
      let plan = plans.get(sourceId);
      if (!plan) {
        plan = this.compilePlan(sourceId, targetDefinitionId, mapping, trx);
        plans.set(sourceId, plan);
      }
      return plan;
    };
  }

  /**
   * Migrates one instance to the plan's target version in a transaction of its own. Throws an
   * AppError with the reason when it refuses; the instance is then unchanged.
   */
  migrateInstance(
    id: string,
    plans: PlanResolver,
    actor: Actor,
    reason?: string,
    rules?: OperationRules,
  ): Promise<void> {
    return this.transactions.run((scope) => this.migrateIn(scope, id, plans, actor, reason, rules));
  }

  /** `migrateInstance` inside the caller's transaction (a batch item's). */
  async migrateIn(
    scope: TransactionScope,
    id: string,
    planFor: PlanResolver,
    actor: Actor,
    reason?: string,
    rules?: OperationRules,
  ): Promise<void> {
    const locked = await this.executor.lock(scope, id);
    const instance = locked.instance;
    await this.check(actor, rules ?? (await this.rules(actor, 'migrate')), instance);
    if (instance.status !== 'running') throw new Refused(`the instance is ${instance.status}`);
    // As every command: a suspended instance is resumed first (step-executor.ts `apply`).
    if (instance.suspended_at)
      throw new Conflict('INSTANCE_SUSPENDED', 'the process instance is suspended: resume it first');
    const plan = await planFor(instance.definition_id, scope.trx);
    if (instance.definition_id === plan.target.id) throw new Refused('the instance already runs the target version');
    const active = activeElements(instance.state);
    this.validate(plan, active);
    const moved = this.directlyMovable(plan, active)
      ? await this.moveDirectly(scope, instance, plan, active)
      : await this.moveByStep(scope, instance, plan, active, actor);

    const records = this.migrationRecords(instance, moved, plan, active, actor, reason);
    scope.batch.add(scope.trx('operation_log').insert(records.log));
    scope.batch.add(scope.trx('audit_log').insert(records.audit));
    scope.outbox.add(records.event);
  }

  /** What a migration records besides the instance: its operation log row, audit row and outbox event. */
  private migrationRecords(
    instance: InstanceRow,
    moved: InstanceRow,
    plan: CompiledPlan,
    active: ActiveElement[],
    actor: Actor,
    reason: string | undefined,
  ) {
    const map = (elementId: string) => plan.mapping[elementId] ?? elementId;
    const details = {
      fromDefinitionId: instance.definition_id,
      fromVersion: instance.definition_version,
      toDefinitionId: plan.target.id,
      toVersion: plan.target.version,
      mapping: Object.fromEntries(active.map((a) => [a.id, map(a.id)])),
      reason: reason ?? null,
    };
    return {
      log: { instance_id: instance.id, operation: 'migrate', actor: actor.username, details: toJson(details) },
      audit: auditRow(actor, 'instance.migrate', 'process_instance', instance.id, details),
      event: this.executor.event('instance:migrated', moved, {
        fromDefinitionId: instance.definition_id,
        toDefinitionId: plan.target.id,
        toVersion: plan.target.version,
        by: actor.username,
      }),
    };
  }

  /**
   * A batch item's migration as one guarded statement, computed from the instance row read
   * without a lock (`xmin` with it): the engine-free move, its log, audit and outbox event, all
   * written only if the row is still the one read (GuardedStatement). Null when the instance
   * needs the locked path — a refusal, a permission asked of the database, an engine step, a
   * form key with an expression — which then decides with the row locked.
   */
  async guardedMigration(
    trx: Db,
    instance: InstanceRow & { xmin: string },
    planFor: PlanResolver,
    actor: Actor,
    reason: string | undefined,
    rules: OperationRules,
  ): Promise<{ statement: GuardedStatement; events: OutboxEvent[] } | null> {
    if (instance.status !== 'running' || instance.suspended_at) return null;
    if (!rules.readable.allows(instance) || !rules.operable.allows(instance)) return null;
    const plan = await planFor(instance.definition_id, trx);
    if (instance.definition_id === plan.target.id) return null;
    const active = activeElements(instance.state);
    try {
      this.validate(plan, active);
    } catch (err) {
      if (err instanceof Refused) return null;
      throw err;
    }
    if (!this.directlyMovable(plan, active)) return null;
    const taskUpdates = this.taskUpdates(trx, instance, plan, active);
    if (!taskUpdates) return null;
    const { target } = plan;
    const moved: InstanceRow = {
      ...instance,
      definition_id: target.id,
      definition_key: target.key,
      definition_version: target.version,
      state: renameElements(instance.state as EngineState, plan.mapping),
      revision: instance.revision + 1,
    };
    const statement = new GuardedStatement(
      trx,
      trx('process_instances')
        .where({
          id: instance.id,
          revision: instance.revision,
          status: 'running',
          definition_id: instance.definition_id,
        })
        .whereNull('suspended_at')
        .whereRaw('xmin = ?::text::xid', [instance.xmin])
        .update({
          definition_id: target.id,
          definition_key: target.key,
          definition_version: target.version,
          state: toJson(moved.state),
          revision: moved.revision,
        })
        .returning('id'),
    );
    for (const write of this.retargetedRows(trx, instance.id, plan, active)) statement.change(write);
    for (const update of taskUpdates) statement.change(update);
    const records = this.migrationRecords(instance, moved, plan, active, actor, reason);
    statement.insert('operation_log', records.log);
    statement.insert('audit_log', records.audit);
    return { statement, events: [records.event] };
  }

  /**
   * Whether the instance can move without running the engine: every active element keeps its
   * behaviour in the target (same fingerprint: what it waits for, its timer, its message) and the
   * process keeps its deadline, so a step would derive the same timers, subscriptions and due
   * date from the renamed state that the rows already hold — only the element ids change.
   */
  private directlyMovable(plan: CompiledPlan, active: ActiveElement[]): boolean {
    if (!plan.sameDeadline) return false;
    return active.every((a) => {
      if (!DIRECT_TYPES.has(a.type)) return false;
      const to = plan.mapping[a.id];
      return !!to && plan.sourceShapes.get(a.id)?.fingerprint === plan.targetShapes.get(to)?.fingerprint;
    });
  }

  /**
   * The engine-free migration: the saved state's element ids renamed, and the rows that name an
   * element (timer jobs, message and signal subscriptions, tasks, open history) retargeted —
   * timers keep their ids and due times. Two round trips: the version change with the open tasks
   * returned, then the tasks' names and forms with the operation's log, audit and outbox.
   */
  private async moveDirectly(
    scope: TransactionScope,
    instance: InstanceRow,
    plan: CompiledPlan,
    active: ActiveElement[],
  ): Promise<InstanceRow> {
    const { target } = plan;
    const trx = scope.trx;
    const id = instance.id;
    const moved: InstanceRow = {
      ...instance,
      definition_id: target.id,
      definition_key: target.key,
      definition_version: target.version,
      state: renameElements(instance.state as EngineState, plan.mapping),
      revision: instance.revision + 1,
    };
    const taskUpdates = this.taskUpdates(trx, instance, plan, active);
    // Without task rows to read first, everything rides with the operation's log, audit and
    // outbox: one round trip in all.
    const writes = taskUpdates ? scope.batch : new WriteBatch();
    writes.add(
      trx('process_instances')
        .where({ id })
        .update({
          definition_id: target.id,
          definition_key: target.key,
          definition_version: target.version,
          state: toJson(moved.state),
          revision: moved.revision,
        }),
    );
    for (const write of this.retargetedRows(trx, id, plan, active)) writes.add(write);
    if (taskUpdates) for (const update of taskUpdates) writes.add(update);
    else this.retargetTasks(scope, instance, plan, await writes.flush<OpenTask>(trx, this.openTasks(trx, id, target)));
    return moved;
  }

  /**
   * The rows that name an active element (timer jobs, message and signal subscriptions, external
   * tasks, open history) retargeted to its counterpart, and the open history to the version.
   */
  private retargetedRows(trx: Db, id: string, plan: CompiledPlan, active: ActiveElement[]): Knex.QueryBuilder[] {
    const { target } = plan;
    const writes: Knex.QueryBuilder[] = [];
    const renamed = [...new Set(active.map((a) => a.id))].filter((from) => plan.mapping[from] !== from);
    for (const from of renamed) {
      const where = { instance_id: id, element_id: from };
      const to = { element_id: plan.mapping[from]! };
      writes.push(trx('jobs').where(where).update(to));
      writes.push(trx('message_subscriptions').where(where).update(to));
      writes.push(trx('signal_subscriptions').where(where).update(to));
      writes.push(trx('external_tasks').where(where).update(to));
      writes.push(
        trx('activity_history')
          .where(where)
          .whereNull('ended_at')
          .update({ ...to, definition_id: target.id, definition_key: target.key }),
      );
    }
    // One statement may not update a row twice: the renamed elements' open history is done above.
    writes.push(
      trx('activity_history')
        .where({ instance_id: id })
        .whereNull('ended_at')
        .whereNotIn('element_id', renamed)
        .update({ definition_id: target.id, definition_key: target.key }),
    );
    return writes;
  }

  /**
   * Migration by a step of the target version: for instances whose active elements change
   * behaviour, the engine recovers the renamed state and the step makes the timers, subscriptions
   * and jobs again for the target's elements.
   */
  private async moveByStep(
    scope: TransactionScope,
    instance: InstanceRow,
    plan: CompiledPlan,
    active: ActiveElement[],
    actor: Actor,
  ): Promise<InstanceRow> {
    const id = instance.id;
    const state = renameElements(instance.state as EngineState, plan.mapping);
    const map = (elementId: string) => plan.mapping[elementId] ?? elementId;
    const { target } = plan;
    const trx = scope.trx;

    // Timers and message subscriptions are made again by the step below for the target's
    // elements (a timer keeps its due time: the state carries it). These writes go first, in one
    // round trip: the step's own writes touch the same rows.
    const first = new WriteBatch()
      .add(trx('jobs').where({ instance_id: id, type: 'timer' }).delete())
      .add(trx('message_subscriptions').where({ instance_id: id }).delete())
      .add(
        trx('process_instances').where({ id }).update({
          definition_id: target.id,
          definition_key: target.key,
          definition_version: target.version,
        }),
      );
    for (const a of active.filter((x) => map(x.id) !== x.id)) {
      const where = { instance_id: id, execution_id: a.executionId };
      first.add(
        trx('jobs')
          .where(where)
          .whereNot({ type: 'timer' })
          .update({ element_id: map(a.id) }),
      );
      first.add(
        trx('external_tasks')
          .where(where)
          .update({ element_id: map(a.id) }),
      );
      first.add(
        trx('activity_history')
          .where(where)
          .update({ element_id: map(a.id) }),
      );
    }
    first.add(
      trx('activity_history')
        .where({ instance_id: id })
        .whereNull('ended_at')
        .update({ definition_id: target.id, definition_key: target.key }),
    );
    this.retargetTasks(scope, instance, plan, await first.flush<OpenTask>(trx, this.openTasks(trx, id, target)));
    const serviceJobs = active.filter((a) => SERVICE_JOB_TYPES.has(a.type));
    for (const job of serviceJobs) {
      const to = map(job.id);
      const decision = target.meta.businessRuleTasks?.[to];
      const payload = decision ? { decision } : { service: target.meta.serviceTasks[to]?.service };
      scope.batch.add(
        trx('jobs')
          .where({ instance_id: id, type: 'service', execution_id: job.executionId })
          .update({ payload: toJson(payload) }),
      );
    }

    const moved: InstanceRow = {
      ...instance,
      definition_id: target.id,
      definition_key: target.key,
      definition_version: target.version,
      state,
      has_timers: false,
      has_subscriptions: false,
    };
    return this.executor.apply(scope, { instance: moved, definition: target }, { command: { kind: 'resume' } }, actor);
  }

  /**
   * The open tasks' retargeting as writes made without reading them, when every active user task's
   * target form key is plain text (a form key with an expression needs the task's own variables).
   */
  private taskUpdates(trx: Db, instance: InstanceRow, plan: CompiledPlan, active: ActiveElement[]) {
    const { target } = plan;
    const userTasks = [...new Set(active.filter((a) => a.type === 'bpmn:UserTask').map((a) => a.id))];
    const updates = [];
    for (const from of userTasks) {
      const to = plan.mapping[from] ?? from;
      const meta = target.meta.userTasks[to];
      if (meta?.formKey && /[$#]\{/.test(meta.formKey)) return null;
      updates.push(
        trx('tasks')
          .where({ instance_id: instance.id, status: 'open', element_id: from })
          .update({
            definition_id: target.id,
            definition_key: target.key,
            element_id: to,
            name: meta?.name ?? target.meta.elements[to]?.name ?? to,
            form_key: meta?.formKey || null,
            revision: trx.raw('revision + 1'),
          }),
      );
    }
    // Any other open task (none is expected) still takes the version, as the step's migration does.
    updates.push(
      trx('tasks')
        .where({ instance_id: instance.id, status: 'open' })
        .whereNotIn('element_id', userTasks)
        .update({ definition_id: target.id, definition_key: target.key, revision: trx.raw('revision + 1') }),
    );
    return updates;
  }

  /** The open tasks take the target version, and come back for their element, name and form. */
  private openTasks(trx: Db, instanceId: string, target: DeployedDefinition) {
    return trx('tasks')
      .where({ instance_id: instanceId, status: 'open' })
      .update({ definition_id: target.id, definition_key: target.key, revision: trx.raw('revision + 1') })
      .returning(['id', 'element_id', 'locals']);
  }

  /** Refuses an instance whose active elements the plan cannot carry over, with the first reason found. */
  private validate(plan: CompiledPlan, active: ActiveElement[]): void {
    const map = (id: string) => plan.mapping[id];
    const activeIds = new Set(active.map((a) => a.id));
    for (const a of active) {
      const shape = plan.sourceShapes.get(a.id);
      const to = map(a.id);
      if (!shape || !to) throw new Refused(`the active ${a.id} (${a.type}) has no counterpart in the target version`);
      const targetShape = plan.targetShapes.get(to)!;
      if (targetShape.type !== shape.type)
        throw new Refused(`the active ${a.id} is a ${shape.type}; its counterpart ${to} is a ${targetShape.type}`);
      if (shape.multiInstance || targetShape.multiInstance)
        throw new Refused(
          `the active ${a.id} is a multi-instance activity (or becomes one); the iterations' state is not migrated`,
        );
      if (shape.eventSubProcess || targetShape.eventSubProcess)
        throw new Refused(`the active ${a.id} is an event sub-process; its state is not migrated`);
      const expectedParent = shape.parentId ? (map(shape.parentId) ?? null) : null;
      if (targetShape.parentId !== expectedParent)
        throw new Refused(
          `the active ${a.id} lies in ${shape.parentId ?? 'the process'} but its counterpart ${to} lies in ${targetShape.parentId ?? 'the process'}; an element cannot change scope`,
        );
      if (shape.attachedTo && (!targetShape.attachedTo || targetShape.attachedTo !== map(shape.attachedTo)))
        throw new Refused(
          `the boundary event ${a.id} maps to ${to}, which is not attached to ${map(shape.attachedTo)}`,
        );
      if (shape.eventDefinitions.join() !== targetShape.eventDefinitions.join())
        throw new Refused(
          `the active ${a.id} waits for ${shape.eventDefinitions.join(', ') || 'nothing'}; ${to} for ${targetShape.eventDefinitions.join(', ') || 'nothing'}`,
        );
    }
    // A boundary event the target adds to an active activity would never be started for this
    // instance (the engine starts boundary events when their activity enters).
    for (const a of active) {
      const to = map(a.id)!;
      for (const [id, shape] of plan.targetShapes) {
        if (shape.attachedTo !== to) continue;
        const source = Object.entries(plan.mapping).find(([, t]) => t === id)?.[0];
        if (!source || !activeIds.has(source))
          throw new Refused(
            `the target attaches the boundary event ${id} to the active ${to}, and the instance has no such event to carry over; cancel and start ${to} again by a modification after migrating`,
          );
      }
    }
  }

  /** Open tasks keep their ids and assignees and take the target's element, name and form. */
  private retargetTasks(scope: TransactionScope, instance: InstanceRow, plan: CompiledPlan, tasks: OpenTask[]): void {
    for (const task of tasks) {
      const to = plan.mapping[task.element_id] ?? task.element_id;
      const meta = plan.target.meta.userTasks[to];
      const scopeOf = new StepContext(instance.variables).scope(undefined, task.locals ?? undefined);
      const formKey = meta?.formKey ? resolveTemplate(meta.formKey, scopeOf) : null;
      scope.batch.add(
        scope
          .trx('tasks')
          .where({ id: task.id })
          .update({
            element_id: to,
            name: meta?.name ?? plan.target.meta.elements[to]?.name ?? to,
            form_key: formKey === null || formKey === undefined || formKey === '' ? null : asText(formKey),
          }),
      );
    }
  }
}

/** An open task of a migrating instance, as the version change returns it. */
interface OpenTask {
  id: string;
  element_id: string;
  locals: Variables | null;
}
