import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import type { Variables } from '../engine/step-context.js';
import type { Authorization } from '../identity/authorization.js';
import { auditInTransaction } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import { Invalid, NotFound } from '../lib/errors.js';
import type { StepExecutor } from '../workflow/step-executor.js';
import type { Transactions, TransactionScope } from '../workflow/transactions.js';
import type { Visibility } from '../workflow/visibility.js';
import {
  applyFilter,
  applySorting,
  externalTasks,
  fetchable,
  type ExternalTaskFilter,
  type ExternalTaskRow,
  type ExternalTaskSortKey,
} from './external-tasks.repository.js';
import type { ExternalTaskWaiters } from './long-polling.js';

/** One topic of a fetchAndLock request (Camunda's FetchExternalTaskTopicDto, the filters the platform has). */
export interface FetchTopic {
  topicName: string;
  lockDuration: number;
  /** Variable names to return; null or absent: all. */
  variables?: string[] | null | undefined;
  /** Only the task's local variables (its input parameters). */
  localVariables?: boolean | undefined;
  businessKey?: string | undefined;
  processDefinitionId?: string | undefined;
  processDefinitionIdIn?: string[] | undefined;
  processDefinitionKey?: string | undefined;
  processDefinitionKeyIn?: string[] | undefined;
  /** Instance variables that must equal these values. */
  processVariables?: Record<string, unknown> | undefined;
}

export interface FetchRequest {
  workerId: string;
  maxTasks: number;
  usePriority?: boolean | undefined;
  /** Long polling: wait up to this many ms for a task to appear (Camunda caps it at 30 minutes). */
  asyncResponseTimeout?: number | undefined;
  topics: FetchTopic[];
  sorting?: { sortBy: 'createTime'; sortOrder: 'asc' | 'desc' }[] | undefined;
}

/** An external task as the engine knows it (Camunda's ExternalTask interface). */
export interface ExternalTask {
  id: string;
  topicName: string;
  workerId: string | null;
  lockExpirationTime: Date | null;
  retries: number | null;
  errorMessage: string | null;
  errorDetails: string | null;
  processInstanceId: string;
  processDefinitionId: string;
  processDefinitionKey: string;
  activityId: string;
  executionId: string;
  businessKey: string | null;
  priority: number;
  createTime: Date;
  departmentId: string | null;
}

/** A task fetchAndLock handed to a worker, with the variables it asked for (plain JSON values). */
export interface LockedExternalTask extends ExternalTask {
  variables: Variables;
}

export const MAX_ASYNC_RESPONSE_TIMEOUT_MS = 1_800_000;

export interface ExternalTasksOptions {
  /** How often a waiting fetchAndLock looks again without being woken (expired locks, retry timeouts). */
  recheckMs: number;
}

/**
 * Camunda 7 external tasks over the platform's storage and steps: workers fetch and lock tasks by
 * topic, then complete them, report failures or BPMN errors. Completing continues the instance
 * through the step executor as a service result, in one transaction (instance row first, then
 * the task row: the one lock order). Access is Casbin's `external-task` object in the task's
 * department subtree (`work` to fetch and handle, `read` to query, `retry` to set retries).
 */
export class ExternalTasksService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly steps: StepExecutor,
    private readonly visibility: Visibility,
    private readonly authorization: Authorization,
    private readonly waiters: ExternalTaskWaiters,
    private readonly options: ExternalTasksOptions = { recheckMs: 1000 },
  ) {}

  /**
   * Fetches and locks up to `maxTasks` tasks of the topics for the worker. With
   * `asyncResponseTimeout`, waits until a task is fetchable (woken when one is created or made
   * fetchable on any node), the timeout passes, or `signal` aborts (the client went away).
   */
  async fetchAndLock(request: FetchRequest, actor: Actor, signal?: AbortSignal): Promise<LockedExternalTask[]> {
    const timeout = request.asyncResponseTimeout ?? 0;
    if (timeout > MAX_ASYNC_RESPONSE_TIMEOUT_MS) {
      throw new Invalid(
        'EXTERNAL_TASK_TIMEOUT_TOO_LONG',
        `The asynchronous response timeout cannot be set to a value greater than ${MAX_ASYNC_RESPONSE_TIMEOUT_MS} milliseconds`,
      );
    }
    const deadline = Date.now() + timeout;
    const topics = request.topics.map((t) => t.topicName);
    for (;;) {
      // Taken before looking, so a task created while this request looks still wakes it.
      const ticket = this.waiters.ticket(topics);
      try {
        const locked = await this.lockFetchable(request, actor);
        const left = deadline - Date.now();
        if (locked.length > 0 || left <= 0 || signal?.aborted || request.maxTasks === 0) return locked;
        await ticket.wait(Math.min(left, this.options.recheckMs), signal);
      } finally {
        ticket.close();
      }
    }
  }

  private async lockFetchable(request: FetchRequest, actor: Actor): Promise<LockedExternalTask[]> {
    if (request.topics.length === 0 || request.maxTasks <= 0) return [];
    const byTopic = new Map<string, FetchTopic>();
    for (const topic of request.topics) if (!byTopic.has(topic.topicName)) byTopic.set(topic.topicName, topic);
    const permitted = await this.visibility.departmentFilter(actor, 'external-task', 'work', 'e.department_id');
    return this.transactions.run(async (scope) => {
      const now = this.steps.now();
      const q = scope
        .trx('external_tasks as e')
        .join('process_instances as p', 'p.id', 'e.instance_id')
        .where('p.status', 'running')
        // Camunda 7 hands out no external task of a suspended instance.
        .whereNull('p.suspended_at')
        .where((w) => {
          for (const topic of byTopic.values()) void w.orWhere((t) => topicFilter(t, topic));
        })
        .select<(ExternalTaskRow & { instance_variables: Variables })[]>('e.*', 'p.variables as instance_variables')
        .limit(request.maxTasks)
        .forUpdate('e')
        .skipLocked();
      fetchable(q, now, 'e');
      q.where(permitted);
      if (request.usePriority) q.orderBy('e.priority', 'desc');
      for (const s of request.sorting ?? []) q.orderBy('e.created_at', s.sortOrder);
      q.orderBy('e.created_at');
      const rows = await q;
      if (rows.length === 0) return [];
      for (const [name, topic] of byTopic) {
        const ids = rows.filter((r) => r.topic === name).map((r) => r.id);
        if (ids.length === 0) continue;
        scope.batch.add(
          scope
            .trx('external_tasks')
            .whereIn('id', ids)
            .update({ worker_id: request.workerId, lock_expires_at: new Date(now.getTime() + topic.lockDuration) }),
        );
      }
      return rows.map((row) => {
        const topic = byTopic.get(row.topic) as FetchTopic;
        const lockExpirationTime = new Date(now.getTime() + topic.lockDuration);
        const task = toExternalTask({ ...row, worker_id: request.workerId, lock_expires_at: lockExpirationTime });
        return { ...task, variables: pickVariables(row.instance_variables, row.locals, topic) };
      });
    });
  }

  async get(id: string, actor: Actor): Promise<ExternalTask> {
    return toExternalTask(await this.readable(id, actor, 'read'));
  }

  /** The error details a worker reported with its last failure. */
  async errorDetails(id: string, actor: Actor): Promise<string | null> {
    return (await this.readable(id, actor, 'read')).error_details;
  }

  async list(
    filter: ExternalTaskFilter,
    sorting: { sortBy: ExternalTaskSortKey; sortOrder: 'asc' | 'desc' }[],
    page: { firstResult?: number | undefined; maxResults?: number | undefined },
    actor: Actor,
  ): Promise<ExternalTask[]> {
    const q = this.query(filter, await this.readFilter(actor));
    applySorting(q, sorting);
    if (page.firstResult) q.offset(page.firstResult);
    q.limit(Math.min(page.maxResults ?? 1000, 1000));
    return ((await q) as ExternalTaskRow[]).map(toExternalTask);
  }

  async count(filter: ExternalTaskFilter, actor: Actor): Promise<number> {
    const q = this.query(filter, await this.readFilter(actor));
    const [row] = await q.clearSelect().count<{ n: string | number }[]>({ n: '*' });
    return Number(row?.n ?? 0);
  }

  /** The tasks of the actor's `external-task:read` departments (a builder: awaiting it would run it). */
  private readFilter(actor: Actor) {
    return this.visibility.departmentFilter(actor, 'external-task', 'read', 'department_id');
  }

  private query(filter: ExternalTaskFilter, permitted: (q: Knex.QueryBuilder) => void): Knex.QueryBuilder {
    const q = externalTasks(this.db).select('*');
    applyFilter(q, filter, this.steps.now());
    q.where(permitted);
    return q;
  }

  /** Completes the task: the instance continues past it with `variables` merged into its own. */
  async complete(id: string, workerId: string, variables: Variables, actor: Actor): Promise<void> {
    await this.continueInstance(id, workerId, actor, 'complete', () => ({
      command: { kind: 'service-result', executionId: '', result: { output: variables } },
      variables,
    }));
  }

  /** Throws a BPMN error at the task (caught by an error boundary event with that code). */
  async bpmnError(
    id: string,
    input: { workerId: string; errorCode: string; errorMessage?: string | null | undefined; variables: Variables },
    actor: Actor,
  ): Promise<void> {
    const error = Object.assign(new Error(input.errorMessage ?? input.errorCode), { code: input.errorCode });
    await this.continueInstance(id, input.workerId, actor, 'bpmnError', () => ({
      command: { kind: 'service-result', executionId: '', result: { bpmnError: error } },
      variables: input.variables,
    }));
  }

  private async continueInstance(
    id: string,
    workerId: string,
    actor: Actor,
    operation: 'complete' | 'bpmnError',
    command: () => {
      command: {
        kind: 'service-result';
        executionId: string;
        result: { output: unknown } | { bpmnError: Error & { code: string } };
      };
      variables: Variables;
    },
  ): Promise<void> {
    const found = await this.readable(id, actor, 'work');
    await this.transactions.run(async (scope) => {
      const locked = await this.steps.lock(scope, found.instance_id);
      const task = await this.lockTask(scope, id, workerId, operation);
      await scope.trx('external_tasks').where({ id }).delete();
      const prepared = command();
      prepared.command.executionId = task.execution_id;
      await this.steps.apply(scope, locked, prepared, actor);
      await this.resolveIncidents(scope, task, actor);
    });
  }

  /**
   * A worker could not do the task: with retries left it is fetchable again after `retryTimeout`
   * ms; at 0 an incident is raised and it stays unfetchable until its retries are set again.
   */
  async handleFailure(
    id: string,
    input: {
      workerId: string;
      errorMessage?: string | null | undefined;
      errorDetails?: string | null | undefined;
      retries: number;
      retryTimeout: number;
    },
    actor: Actor,
  ): Promise<void> {
    if (input.retries < 0) throw new Invalid('EXTERNAL_TASK_RETRIES', 'retries is not greater than or equal to 0');
    if (input.retryTimeout < 0)
      throw new Invalid('EXTERNAL_TASK_RETRIES', 'retryDuration is not greater than or equal to 0');
    await this.readable(id, actor, 'work');
    await this.transactions.run(async (scope) => {
      const task = await this.lockTask(scope, id, input.workerId, 'failure');
      const now = this.steps.now();
      await scope
        .trx('external_tasks')
        .where({ id })
        .update({
          error_message: input.errorMessage?.slice(0, 4000) ?? null,
          ...(input.errorDetails != null ? { error_details: input.errorDetails } : {}),
          lock_expires_at: new Date(now.getTime() + input.retryTimeout),
        });
      await this.setRetriesLocked(scope, { ...task, error_message: input.errorMessage ?? null }, input.retries, actor);
    });
  }

  /** Sets the retries: 0 raises an incident, more than 0 resolves an open one (the task is fetchable again). */
  async setRetries(id: string, retries: number, actor: Actor): Promise<void> {
    if (retries < 0) throw new Invalid('EXTERNAL_TASK_RETRIES', 'The number of retries cannot be negative.');
    const found = await this.readable(id, actor, 'read');
    await this.authorization.require(actor, 'external-task', 'retry', found.department_id);
    await this.transactions.run(async (scope) => {
      const task = await scope.trx('external_tasks').where({ id }).forUpdate().first<ExternalTaskRow | undefined>();
      if (!task) throw new NotFound('external task', id);
      await this.setRetriesLocked(scope, task, retries, actor);
      auditInTransaction(scope, actor, 'external-task.retries', 'external_task', id, { retries });
    });
  }

  /** Extends the worker's lock to `newDuration` ms from now; only an unexpired lock of that worker. */
  async extendLock(id: string, workerId: string, newDuration: number, actor: Actor): Promise<void> {
    if (newDuration <= 0) throw new Invalid('EXTERNAL_TASK_LOCK', 'lockTime is not greater than 0');
    await this.readable(id, actor, 'work');
    await this.transactions.run(async (scope) => {
      const task = await this.lockTask(scope, id, workerId, 'extendLock');
      const now = this.steps.now();
      if (!task.lock_expires_at || new Date(task.lock_expires_at).getTime() < now.getTime()) {
        throw new Invalid('EXTERNAL_TASK_LOCK_EXPIRED', 'Cannot extend a lock that expired');
      }
      await scope
        .trx('external_tasks')
        .where({ id })
        .update({ lock_expires_at: new Date(now.getTime() + newDuration) });
    });
  }

  /** Clears the lock, whoever holds it (Camunda's unlock): the task is fetchable at once. */
  async unlock(id: string, actor: Actor): Promise<void> {
    await this.readable(id, actor, 'work');
    await this.transactions.run(async (scope) => {
      const [task] = await scope
        .trx('external_tasks')
        .where({ id })
        .update({ worker_id: null, lock_expires_at: null })
        .returning<{ topic: string }[]>(['topic']);
      if (!task) throw new NotFound('external task', id);
      scope.externalTopics.add(task.topic);
    });
  }

  /** The task if the actor may see it (`action` in its department); others' answer 404 like missing ones. */
  private async readable(id: string, actor: Actor, action: 'read' | 'work'): Promise<ExternalTaskRow> {
    const row = await this.db('external_tasks').where({ id }).first<ExternalTaskRow | undefined>();
    if (!row || !(await this.authorization.can(actor, 'external-task', action, row.department_id))) {
      throw new NotFound('external task', id);
    }
    return row;
  }

  /** Locks the task row (after its instance) and checks the worker holds its most recent lock. */
  private async lockTask(
    scope: TransactionScope,
    id: string,
    workerId: string,
    operation: keyof typeof WRONG_WORKER,
  ): Promise<ExternalTaskRow> {
    const task = await scope.trx('external_tasks').where({ id }).forUpdate().first<ExternalTaskRow | undefined>();
    if (!task) throw new NotFound('external task', id);
    if (task.worker_id !== workerId) {
      throw new Invalid(
        'EXTERNAL_TASK_LOCKED_BY_OTHER',
        `${WRONG_WORKER[operation](id, workerId)}. It is locked by worker '${task.worker_id ?? 'null'}'.`,
      );
    }
    return task;
  }

  private async setRetriesLocked(
    scope: TransactionScope,
    task: ExternalTaskRow,
    retries: number,
    actor: Actor,
  ): Promise<void> {
    const hadRetries = task.retries === null || task.retries > 0;
    await scope.trx('external_tasks').where({ id: task.id }).update({ retries });
    if (hadRetries && retries === 0) await this.raiseIncident(scope, task);
    if (!hadRetries && retries > 0) {
      await this.resolveIncidents(scope, task, actor);
      scope.externalTopics.add(task.topic);
    }
  }

  private async raiseIncident(scope: TransactionScope, task: ExternalTaskRow): Promise<void> {
    const id = randomUUID();
    const message = task.error_message ?? `external task ${task.id} has no retries left`;
    await scope.trx('incidents').insert({
      id,
      instance_id: task.instance_id,
      type: 'failed-external-task',
      element_id: task.element_id,
      execution_id: task.execution_id,
      message: message.slice(0, 4000),
      status: 'open',
    });
    const [instance] = await scope
      .trx('process_instances')
      .where({ id: task.instance_id })
      .increment('open_incidents', 1)
      .returning<{ id: string; department_id: string | null; definition_key: string; business_key: string | null }[]>([
        'id',
        'department_id',
        'definition_key',
        'business_key',
      ]);
    if (instance)
      scope.outbox.add(
        this.steps.event('incident:created', instance, { incidentId: id, elementId: task.element_id, message }),
      );
  }

  private async resolveIncidents(scope: TransactionScope, task: ExternalTaskRow, actor: Actor): Promise<void> {
    const resolved = await scope
      .trx('incidents')
      .where({
        instance_id: task.instance_id,
        execution_id: task.execution_id,
        type: 'failed-external-task',
        status: 'open',
      })
      .update({ status: 'resolved', resolved_at: this.steps.now(), resolved_by: actor.username })
      .returning<{ id: string }[]>(['id']);
    if (resolved.length === 0) return;
    const [instance] = await scope
      .trx('process_instances')
      .where({ id: task.instance_id })
      .decrement('open_incidents', resolved.length)
      .returning<{ id: string; department_id: string | null; definition_key: string; business_key: string | null }[]>([
        'id',
        'department_id',
        'definition_key',
        'business_key',
      ]);
    if (!instance) return;
    for (const incident of resolved)
      scope.outbox.add(
        this.steps.event('incident:resolved', instance, { incidentId: incident.id, by: actor.username }),
      );
  }
}

/** Camunda's words when another worker's lock is in the way (HandleExternalTaskCmd and its subclasses). */
const WRONG_WORKER = {
  complete: (id: string, worker: string) => `External Task ${id} cannot be completed by worker '${worker}'`,
  failure: (id: string, worker: string) => `Failure of External Task ${id} cannot be reported by worker '${worker}'`,
  bpmnError: (id: string, worker: string) =>
    `Bpmn error of External Task ${id} cannot be reported by worker '${worker}'`,
  extendLock: (id: string, worker: string) =>
    `The lock of the External Task ${id} cannot be extended by worker '${worker}'`,
};

function topicFilter(q: Knex.QueryBuilder, topic: FetchTopic): void {
  void q.where('e.topic', topic.topicName);
  if (topic.businessKey !== undefined) void q.where('e.business_key', topic.businessKey);
  if (topic.processDefinitionId !== undefined) void q.where('e.definition_id', topic.processDefinitionId);
  if (topic.processDefinitionIdIn) void q.whereIn('e.definition_id', topic.processDefinitionIdIn);
  if (topic.processDefinitionKey !== undefined) void q.where('e.definition_key', topic.processDefinitionKey);
  if (topic.processDefinitionKeyIn) void q.whereIn('e.definition_key', topic.processDefinitionKeyIn);
  if (topic.processVariables && Object.keys(topic.processVariables).length) {
    void q.whereRaw('p.variables @> ?::jsonb', [JSON.stringify(topic.processVariables)]);
  }
}

/** The variables a topic asked for: the instance's and the task's local ones (locals win), or only the locals. */
function pickVariables(instance: Variables, locals: Variables, topic: FetchTopic): Variables {
  const all = topic.localVariables ? { ...locals } : { ...instance, ...locals };
  if (!topic.variables) return all;
  const picked: Variables = {};
  for (const name of topic.variables) if (Object.prototype.hasOwnProperty.call(all, name)) picked[name] = all[name];
  return picked;
}

export function toExternalTask(row: ExternalTaskRow): ExternalTask {
  return {
    id: row.id,
    topicName: row.topic,
    workerId: row.worker_id,
    lockExpirationTime: row.lock_expires_at ? new Date(row.lock_expires_at) : null,
    retries: row.retries,
    errorMessage: row.error_message,
    errorDetails: row.error_details,
    processInstanceId: row.instance_id,
    processDefinitionId: row.definition_id,
    processDefinitionKey: row.definition_key,
    activityId: row.element_id,
    executionId: row.execution_id,
    businessKey: row.business_key,
    priority: Number(row.priority),
    createTime: new Date(row.created_at),
    departmentId: row.department_id,
  };
}
