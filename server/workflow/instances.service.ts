import type { Db } from '../db/index.js';
import type { Variables } from '../engine/step-context.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import type { DefinitionStore } from './definitions.repository.js';
import { INSTANCE_SUMMARY_COLUMNS, lockInstance } from './instances.repository.js';
import { applyInstanceSearch, customersNamed, searchPage, waitingTables } from './instance-search.js';
import { mapPage, type Page, type PageRequest } from './paging.js';
import {
  INSTANCE_TASK_COLUMNS,
  toChildInstance,
  toCreatedTask,
  toHistoryEntry,
  toInstance,
  toInstanceTask,
  toOperation,
  type ChildInstanceRow,
  type Instance,
  type InstanceDetail,
  type InstanceSearch,
  type InstanceSummaryRow,
  type InstanceTaskRow,
  type Operation,
  type OperationRow,
  type StartedInstance,
  type WaitingActivity,
} from './instance.contract.js';
import { INCIDENT_COLUMNS, toIncident, type IncidentRow } from './incident.contract.js';
import type { JobRow } from './job.contract.js';
import { iso } from '../lib/contract.js';
import { instanceHistory } from './history.repository.js';
import { displayNames } from './user-names.js';
import type { StepExecutor } from './step-executor.js';
import type { Transactions, TransactionScope } from './transactions.js';
import type { Visibility } from './visibility.js';
import type { Authorization } from '../identity/authorization.js';
import { auditInTransaction } from '../identity/audit.service.js';
import type { StartForms } from '../forms/start-forms.js';

export interface StartInstanceInput {
  definitionKey?: string | undefined;
  definitionId?: string | undefined;
  businessKey?: string | undefined;
  departmentId?: string | undefined;
  variables?: Variables | undefined;
}

/** The columns GET /process-instances/:id reads besides the summary's. */
interface InstanceExtraRow {
  variables: Record<string, unknown>;
  revision: number;
  parent_execution_id: string | null;
}

/** Starts, reads, lists and cancels process instances. */
export class InstancesService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly definitions: DefinitionStore,
    private readonly executor: StepExecutor,
    private readonly visibility: Visibility,
    private readonly authorization: Authorization,
    private readonly startForms?: Pick<StartForms, 'checkStart'>,
  ) {}

  /** Instances the actor may read (access/instance-readable.ts), as a filter over `process_instances`. */
  private async readable(actor: Actor) {
    return (await this.visibility.instanceReadable(actor)).where('process_instances');
  }

  /**
   * Starts an instance and answers with it and the tasks its first step created that the actor
   * may see — from the transaction itself, without reading it back.
   */
  async start(input: StartInstanceInput, actor: Actor): Promise<StartedInstance> {
    // An instance belongs to one department: by default, the starter's own.
    const departmentId = input.departmentId ?? actor.departmentId ?? undefined;
    if (departmentId && !(await this.authorization.tree()).get(departmentId)) {
      throw new Invalid('VALIDATION_FAILED', `unknown department ${departmentId}`, [
        { field: 'departmentId', reason: 'unknown' },
      ]);
    }
    await this.authorization.require(actor, 'instance', 'start', departmentId ?? null);
    input = { ...input, departmentId };
    const definition = input.definitionId
      ? await this.definitions.byId(input.definitionId)
      : input.definitionKey
        ? await this.definitions.latestByKey(input.definitionKey)
        : undefined;
    if (!input.definitionId && !input.definitionKey)
      throw new Invalid('VALIDATION_FAILED', 'definitionKey or definitionId is required', [
        { field: 'definitionKey', reason: 'required' },
      ]);
    if (!definition) throw new NotFound('process definition', input.definitionId ?? input.definitionKey);
    // A start the start event's form refuses is a 400 before anything is written.
    await this.startForms?.checkStart(definition, input.variables ?? {}, actor);
    return this.transactions.run(async (scope) => {
      const instance = await this.executor.start(scope, {
        definitionId: definition.id,
        businessKey: input.businessKey ?? null,
        departmentId: input.departmentId ?? null,
        variables: input.variables ?? {},
        actor,
        // Nothing below names the new row before the batch: the audit entry is batched too.
        writeWithFirstStep: true,
      });
      auditInTransaction(scope, actor, 'instance.start', 'process_instance', instance.id, {
        definitionKey: instance.definition_key,
        businessKey: instance.business_key,
      });
      const visible = await this.visibility.taskVisible(actor);
      const tasks = scope.createdTasks.filter((task) => task.instance_id === instance.id && visible.allows(task));
      return {
        ...toInstance({ ...instance, started_by_name: actor.displayName }),
        variables: instance.variables,
        tasks: tasks.map(toCreatedTask),
      };
    });
  }

  async get(id: string, actor: Actor): Promise<InstanceDetail> {
    const instance = await this.db('process_instances')
      .where({ id })
      .where(await this.readable(actor))
      .first<(InstanceSummaryRow & InstanceExtraRow) | undefined>([
        ...INSTANCE_SUMMARY_COLUMNS,
        'variables',
        'revision',
        'parent_execution_id',
      ]);
    if (!instance) throw new NotFound('process instance', id);
    const [waiting, history, incidents, children] = await Promise.all([
      this.db('tasks')
        .where({ instance_id: id, status: 'open' })
        .select<InstanceTaskRow[]>(INSTANCE_TASK_COLUMNS)
        .orderBy('created_at'),
      instanceHistory(this.db, id),
      this.db('incidents').where({ instance_id: id }).select<IncidentRow[]>(INCIDENT_COLUMNS).orderBy('created_at'),
      this.db('process_instances')
        .where({ parent_instance_id: id })
        .select<ChildInstanceRow[]>('id', 'definition_key', 'status', 'parent_execution_id'),
    ]);
    const waitingActivities = await this.waitingActivities(id);
    const starter = await displayNames(this.db, [instance.started_by]);
    return {
      ...toInstance({ ...instance, started_by_name: starter.get(instance.started_by) }, this.executor.now()),
      variables: instance.variables,
      revision: instance.revision,
      parentExecutionId: instance.parent_execution_id,
      waitingActivities,
      tasks: waiting.map(toInstanceTask),
      history: history.map(toHistoryEntry),
      incidents: incidents.map(toIncident),
      children: children.map(toChildInstance),
    };
  }

  /** Where the instance waits: open tasks, timers, message subscriptions, pending service jobs, called processes. */
  private async waitingActivities(id: string): Promise<WaitingActivity[]> {
    const [tasks, jobs, subscriptions, children, external] = await Promise.all([
      this.db('tasks')
        .where({ instance_id: id, status: 'open' })
        .select<{ element_id: string; execution_id: string }[]>('element_id', 'execution_id'),
      this.db('jobs')
        .where({ instance_id: id })
        .select<Omit<JobRow, 'id' | 'attempts' | 'created_at'>[]>(
          'type',
          'element_id',
          'execution_id',
          'due_at',
          'retries',
          'suspended',
          'last_error',
        ),
      this.db('message_subscriptions')
        .where({ instance_id: id })
        .select<{ element_id: string; execution_id: string; message_name: string }[]>(
          'element_id',
          'execution_id',
          'message_name',
        ),
      this.db('process_instances')
        .where({ parent_instance_id: id, status: 'running' })
        .select<{ id: string; parent_execution_id: string | null }[]>('id', 'parent_execution_id'),
      this.db('external_tasks')
        .where({ instance_id: id })
        .select<ExternalTaskWait[]>(
          'id',
          'element_id',
          'execution_id',
          'topic',
          'worker_id',
          'lock_expires_at',
          'retries',
          'error_message',
        ),
    ]);
    return [
      ...tasks.map((t) => ({ kind: 'user-task' as const, elementId: t.element_id, executionId: t.execution_id })),
      ...jobs.flatMap((j) =>
        j.type === 'call-result' || j.type === 'signal' || j.type === 'signal-start'
          ? []
          : [
              {
                kind: j.type,
                elementId: j.element_id,
                executionId: j.execution_id,
                dueAt: iso(j.due_at),
                retries: j.retries,
                suspended: j.suspended,
                lastError: j.last_error,
              },
            ],
      ),
      ...subscriptions.map((s) => ({
        kind: 'message' as const,
        elementId: s.element_id,
        executionId: s.execution_id,
        messageName: s.message_name,
      })),
      ...external.map((e) => ({
        kind: 'external-task' as const,
        elementId: e.element_id,
        executionId: e.execution_id,
        externalTaskId: e.id,
        topic: e.topic,
        workerId: e.worker_id,
        lockExpiresAt: iso(e.lock_expires_at),
        retries: e.retries,
        lastError: e.error_message,
      })),
      ...children.map((c) => ({
        kind: 'call-activity' as const,
        executionId: c.parent_execution_id,
        childInstanceId: c.id,
      })),
    ];
  }

  /** The instance search (instance.contract.ts `instanceSearchSchema`), within what the actor may read. */
  async list(filter: Partial<InstanceSearch>, request: PageRequest, actor: Actor): Promise<Page<Instance>> {
    const now = this.executor.now();
    const readable = await this.readable(actor);
    const context = {
      now,
      tree: await this.authorization.tree(),
      customerIds: await customersNamed(this.db, filter.customer),
      waitingTables: await waitingTables(this.db, filter.currentElementId),
    };
    const build = () => {
      const query = this.db('process_instances').where(readable);
      applyInstanceSearch(query, filter, context);
      return query;
    };
    const sorted = { ...filter, sortBy: filter.sortBy ?? 'startedAt', sortOrder: filter.sortOrder ?? 'desc' } as const;
    const found = await searchPage<InstanceSummaryRow>(build, INSTANCE_SUMMARY_COLUMNS, sorted, request, {
      waiting: { db: this.db, tables: context.waitingTables },
    });
    const starters = await displayNames(
      this.db,
      found.items.map((row) => row.started_by),
    );
    return mapPage(found, (row) => toInstance({ ...row, started_by_name: starters.get(row.started_by) }, now));
  }

  /** The operation log of an instance: who did what to it and its tasks, when. */
  async operations(id: string, actor: Actor): Promise<Operation[]> {
    await this.get(id, actor);
    const rows = await this.db('operation_log')
      .where({ instance_id: id })
      .select<OperationRow[]>('operation', 'actor', 'at', 'task_id', 'details')
      .orderBy([{ column: 'at' }, { column: 'id' }]);
    const names = await displayNames(
      this.db,
      rows.map((r) => r.actor),
    );
    return rows.map((r) => toOperation({ ...r, actor_name: names.get(r.actor) ?? null }));
  }

  /** Cancels an instance and the processes it called; open tasks are cancelled, jobs and subscriptions removed. */
  async cancel(id: string, reason: string | undefined, actor: Actor): Promise<void> {
    await this.get(id, actor);
    await this.transactions.run((scope) => this.cancelIn(scope, id, reason, actor));
  }

  /**
   * The cancellation in the caller's transaction (a batch runs one instance per transaction):
   * locks the instance, checks `instance:cancel` in its department, and writes the change.
   */
  async cancelIn(scope: TransactionScope, id: string, reason: string | undefined, actor: Actor): Promise<void> {
    const instance = await lockInstance(scope.trx, id);
    if (!instance) throw new NotFound('process instance', id);
    await this.authorization.require(actor, 'instance', 'cancel', instance.department_id);
    if (instance.status !== 'running')
      throw new Conflict('INSTANCE_NOT_RUNNING', `the process instance is already ${instance.status}`);
    const tree = await scope.trx.raw<{ rows: { id: string }[] }>(
      `WITH RECURSIVE tree AS (
         SELECT id FROM process_instances WHERE id = ?
         UNION ALL SELECT p.id FROM process_instances p JOIN tree ON p.parent_instance_id = tree.id WHERE p.status = 'running')
       SELECT id FROM tree`,
      [id],
    );
    const ids = tree.rows.map((r) => r.id);
    const now = this.executor.now();
    await scope
      .trx('process_instances')
      .whereIn('id', ids)
      .update({
        status: 'cancelled',
        ended_at: now,
        end_reason: reason ?? 'cancelled',
        revision: scope.trx.raw('revision + 1'),
        // A suspended instance may be cancelled (as in Camunda 7); ended, it is no longer suspended.
        suspended_at: null,
        suspended_by: null,
      });
    const tasks = await scope
      .trx('tasks')
      .whereIn('instance_id', ids)
      .where({ status: 'open' })
      .update({ status: 'cancelled', completed_at: now })
      .returning<{ id: string; instance_id: string }[]>(['id', 'instance_id']);
    await scope.trx('jobs').whereIn('instance_id', ids).delete();
    await scope.trx('external_tasks').whereIn('instance_id', ids).delete();
    await scope.trx('message_subscriptions').whereIn('instance_id', ids).delete();
    await scope
      .trx('activity_history')
      .whereIn('instance_id', ids)
      .whereNull('ended_at')
      .update({ ended_at: now, outcome: 'cancelled' });
    await scope.trx('operation_log').insert({
      instance_id: id,
      operation: 'cancel',
      actor: actor.username,
      details: JSON.stringify({ reason: reason ?? null, cancelledInstances: ids }),
    });
    for (const task of tasks) scope.outbox.add(this.executor.event('task:cancelled', instance, { taskId: task.id }));
    auditInTransaction(scope, actor, 'instance.cancel', 'process_instance', id, { reason: reason ?? null });
    scope.outbox.add(
      this.executor.event('instance:cancelled', instance, { reason: reason ?? null, by: actor.username }),
    );
  }
}

/** What the instance view shows of an external task. */
interface ExternalTaskWait {
  id: string;
  element_id: string;
  execution_id: string;
  topic: string;
  worker_id: string | null;
  lock_expires_at: Date | null;
  retries: number | null;
  error_message: string | null;
}
