import type { Knex } from 'knex';
import { auditInTransaction, auditRow } from '../identity/audit.service.js';
import type { Db } from '../db/index.js';
import type { Variables } from '../engine/step-context.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, NotFound } from '../lib/errors.js';
import { page, type Page, type PageRequest } from '../workflow/paging.js';
import type { LockedInstance, StepExecutor } from '../workflow/step-executor.js';
import type { Transactions, TransactionScope } from '../workflow/transactions.js';
import type { Visibility } from '../workflow/visibility.js';
import { branchUnion, countBranches, TASK_LISTS, taskOrder } from '../workflow/branch-union.js';
import type { Authorization } from '../identity/authorization.js';
import { Forbidden, Invalid } from '../lib/errors.js';
import { TaskForms, type GenericForm, type TaskForm } from '../forms/task-forms.js';
import { convertTypedVariables, type TypedVariables } from '../forms/typed-variables.js';
import { displayNames } from '../workflow/user-names.js';
import { unassignedIds } from './unassigned.js';
import type { OutboxEvent, PublishedEvent } from '../workflow/outbox.js';
import {
  COMPLETE_TASK,
  GET_TASK,
  INSERT_AUDIT,
  INSERT_OPERATION_LOG,
  LOCK_TASK,
  READ_TASK,
  WRITE_TASK,
  lockForCompletion,
  type CommandTaskRow,
  type WrittenTaskRow,
} from './task-statements.js';
import {
  TASK_COLUMNS,
  peopleOf,
  toTask,
  type Task,
  type TaskCompletion,
  type TaskRow as TaskColumns,
} from './tasks.contract.js';
import { TOTAL_CAP } from '../workflow/paging.js';

export { TASK_COLUMNS };

export interface TaskFilter {
  status?: 'open' | 'completed' | 'cancelled' | undefined;
  assignee?: string | undefined;
  completedBy?: string | undefined;
  candidateGroup?: string | undefined;
  unassigned?: boolean | undefined;
  definitionKey?: string | undefined;
  elementId?: string | undefined;
  instanceId?: string | undefined;
  businessKey?: string | undefined;
  dueBefore?: Date | undefined;
  dueAfter?: Date | undefined;
  minPriority?: number | undefined;
  sort?: 'created' | 'due' | 'priority' | 'completed' | undefined;
  order?: 'asc' | 'desc' | undefined;
}

/** A task row as locked for a command: its columns and the engine execution it waits in. */
type TaskRow = TaskColumns & { execution_id: string };

/** Claims, releases and completes user tasks; lists and reads them. */
export class TasksService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly executor: StepExecutor,
    private readonly visibility: Visibility,
    private readonly authorization: Authorization,
    private readonly forms: TaskForms,
  ) {}

  /**
   * The worklist. Open tasks are read as a UNION ALL of one ordered, limited index scan per way
   * the actor may see a task (issue 3 §4: a county clerk's worklist stays fast with a million
   * tasks); other lists use the same visibility as one filter.
   */
  async list(filter: TaskFilter, request: PageRequest, actor: Actor): Promise<Page<Task>> {
    const status = filter.status ?? 'open';
    const order = taskOrder(filter.sort, filter.order);
    // Open as a literal, so that a plan kept for the text (prepared.ts) can use the open-task indexes.
    const matching = () =>
      this.applyFilter(
        status === 'open' ? this.db('tasks').whereRaw(`status = 'open'`) : this.db('tasks').where('status', status),
        filter,
      );
    const filtered = () => matching().select(TASK_COLUMNS);
    const visible = await this.visibility.taskVisible(actor);
    const branches = status === 'open' && !filter.instanceId ? visible.branches() : null;
    if (!branches) {
      const q = filtered();
      q.where(visible.where('tasks'));
      const found = await page<TaskColumns>(q.orderByRaw(order.sql), request);
      return { ...found, items: await toTasks(this.db, found.items) };
    }
    const union = branchUnion(branches, filtered, order, request.offset + request.limit + 1);
    const [result, count] = await Promise.all([
      TASK_LISTS.rows<TaskColumns>(this.db, `${union.sql} LIMIT ? OFFSET ?`, [
        ...union.bindings,
        request.limit + 1,
        request.offset,
      ]),
      countBranches(this.db, branches, matching, TOTAL_CAP),
    ]);
    return {
      items: await toTasks(this.db, result.slice(0, request.limit)),
      total: count.total,
      totalCapped: count.capped,
      offset: request.offset,
      limit: request.limit,
      hasMore: result.length > request.limit,
    };
  }

  private applyFilter(q: Knex.QueryBuilder, filter: TaskFilter): Knex.QueryBuilder {
    if (filter.assignee) q.where('assignee', filter.assignee);
    if (filter.completedBy) q.where('completed_by', filter.completedBy);
    if (filter.unassigned) q.whereNull('assignee');
    if (filter.candidateGroup) q.whereRaw('candidate_groups @> ARRAY[?]::text[]', [filter.candidateGroup]);
    if (filter.definitionKey) q.where('definition_key', filter.definitionKey);
    if (filter.elementId) q.where('element_id', filter.elementId);
    if (filter.instanceId) q.where('instance_id', filter.instanceId);
    if (filter.businessKey) q.where('business_key', filter.businessKey);
    if (filter.dueBefore) q.where('due_at', '<', filter.dueBefore);
    if (filter.dueAfter) q.where('due_at', '>=', filter.dueAfter);
    if (filter.minPriority !== undefined) q.where('priority', '>=', filter.minPriority);
    return q;
  }

  /**
   * The row of a task the actor may see, for the services that build on it (drafts, comments,
   * the task page); any other id answers 404, so ids leak nothing (issue 3 §5).
   */
  async get(id: string, actor: Actor): Promise<TaskColumns> {
    const [task, visible] = await Promise.all([GET_TASK.first(this.db, [id]), this.visibility.taskVisible(actor)]);
    if (!task || !visible.allows(task)) throw new NotFound('task', id);
    return task;
  }

  /** A task the actor may see, as the API answers it (its people's names read with it). */
  async read(id: string, actor: Actor): Promise<Task> {
    const [task, visible] = await Promise.all([READ_TASK.first(this.db, [id]), this.visibility.taskVisible(actor)]);
    if (!task || !visible.allows(task)) throw new NotFound('task', id);
    return shownTask(task);
  }

  /** A visible task's form-js schema and the values it shows (404 when the task has no form). */
  async form(id: string, actor: Actor): Promise<TaskForm> {
    return this.forms.forTask(await this.get(id, actor));
  }

  /** A visible task's variables with their types: the generic form (any task has one). */
  async genericForm(id: string, actor: Actor): Promise<GenericForm> {
    return this.forms.genericForm(await this.get(id, actor));
  }

  /**
   * Claims an open task the actor is a candidate for (409 when someone holds it, 403 when the
   * actor is no candidate); claiming one's own task again answers it unchanged. The engine is not
   * involved: one read and one guarded write (`taskCommand`).
   */
  async claim(id: string, actor: Actor): Promise<Task> {
    const [visible, claimable] = await Promise.all([
      this.visibility.taskVisible(actor),
      this.visibility.taskClaimable(actor),
    ]);
    return this.taskCommand(id, actor, (task) => {
      if (!visible.allows(task)) throw new NotFound('task', id);
      if (task.status !== 'open') throw notOpen(task);
      if (task.assignee === actor.username) return null;
      if (task.assignee) {
        throw new Conflict(
          'TASK_ALREADY_CLAIMED',
          `the task was claimed by ${task.assignee} at ${new Date(task.claimed_at ?? 0).toISOString()}`,
          {
            assignee: task.assignee,
            assigneeName: task.assignee_name,
            claimedAt: task.claimed_at,
          },
        );
      }
      if (!claimable.allows(task)) {
        throw new Forbidden('you are not a candidate for this task', 'NOT_A_CANDIDATE');
      }
      return {
        assignee: actor.username,
        claimedAt: this.executor.now(),
        operation: 'claim',
        audit: 'task.claim',
        event: this.executor.event('task:claimed', this.instanceOf(task), {
          taskId: id,
          assignee: actor.username,
          assigneeName: actor.displayName,
        }),
      };
    });
  }

  async unclaim(id: string, actor: Actor): Promise<Task> {
    const visible = await this.visibility.taskVisible(actor);
    return this.taskCommand(id, actor, (task) => {
      if (!visible.allows(task)) throw new NotFound('task', id);
      if (task.status !== 'open') throw notOpen(task);
      if (task.delegation_state === 'pending') throw delegatedConflict(task);
      if (task.assignee !== actor.username) {
        throw new Conflict(
          'TASK_NOT_ASSIGNED_TO_YOU',
          task.assignee ? `the task is claimed by ${task.assignee}, not by you` : 'the task is not claimed',
        );
      }
      return {
        assignee: null,
        claimedAt: null,
        operation: 'unclaim',
        audit: 'task.unclaim',
        event: this.executor.event('task:unclaimed', this.instanceOf(task), { taskId: id }),
      };
    });
  }

  /**
   * A change of a task's holder decided on its row: read without a lock, decided in memory, and
   * written — with its log, audit row and outbox event — by one statement guarded by the row
   * version read (task-statements.ts WRITE_TASK), which commits by itself. When another command
   * changed the row in between, the write matches nothing, and the command decides again on the
   * row locked in a transaction. `decide` throws the command's refusal, or answers null when
   * there is nothing to change (the task is answered as it is).
   */
  private async taskCommand(
    id: string,
    actor: Actor,
    decide: (task: CommandTaskRow) => TaskWrite | null,
  ): Promise<Task> {
    const task = await READ_TASK.first(this.db, [id]);
    if (!task) throw new NotFound('task', id);
    const write = decide(task);
    if (!write) return shownTask(task);
    const written =
      (await this.writeTask(this.db, task, write, actor)) ??
      (await this.transactions.run(async (scope) => {
        const row = await LOCK_TASK.first(scope.trx, [id]);
        if (!row) throw new NotFound('task', id);
        const change = decide(row);
        if (!change) return { task: shownTask(row), events: [] };
        const done = await this.writeTask(scope.trx, row, change, actor);
        if (!done) throw new Error(`the locked task ${id} was not written`);
        return done;
      }));
    // committed by now: the statement by itself, or the transaction
    this.transactions.published(written.events);
    return written.task;
  }

  /**
   * WRITE_TASK for one decided change: the task as answered and its event (to publish once
   * committed), or undefined when the row is no longer the version decided on.
   */
  private async writeTask(
    db: Db,
    task: CommandTaskRow,
    write: TaskWrite,
    actor: Actor,
  ): Promise<{ task: Task; events: PublishedEvent[] } | undefined> {
    const audit = auditRow(actor, write.audit, 'task', task.id);
    const event = write.event;
    const row = await WRITE_TASK.first(db, [
      write.assignee,
      write.claimedAt,
      write.owner === undefined ? task.owner : write.owner,
      write.delegationState === undefined ? task.delegation_state : write.delegationState,
      task.id,
      task.xmin,
      task.instance_id,
      task.id,
      write.operation,
      actor.username,
      JSON.stringify(write.details ?? {}),
      ...auditBindings(audit),
      event.topic,
      event.departmentId,
      event.definitionKey,
      event.instanceId,
      JSON.stringify(event.payload),
    ]);
    if (!row) return undefined;
    const published: PublishedEvent = {
      ...event,
      id: Number(row.outbox_id),
      at: new Date(row.outbox_at).toISOString(),
    };
    return { task: shownTask(row), events: [published] };
  }

  /**
   * Completes a task the actor holds: its variables are merged into the instance and the engine
   * continues. A second completion, or one by someone who does not hold the task, is a 409.
   */
  async complete(
    id: string,
    plain: Variables,
    actor: Actor,
    generic: { typed?: TypedVariables; remove?: string[] } = {},
  ): Promise<TaskCompletion> {
    const [visible, completable] = await Promise.all([
      this.visibility.taskVisible(actor),
      this.visibility.taskCompletable(actor),
    ]);
    const remove = generic.remove ?? [];
    return this.transactions.run(async (scope) => {
      // The task is read once, locked with its instance (instance first: one lock order for
      // every command on an instance); access, the typed values and the form are checked on
      // those rows, in the order they always were, before anything is written.
      const found = await lockForCompletion(scope.trx, id);
      if (!found || !visible.allows(found.task)) throw new NotFound('task', id);
      const task = found.task;
      if (!completable.allows(task)) {
        throw new Forbidden(`you may not complete task${task.department_id ? ` in ${task.department_id}` : ''}`);
      }
      const typed = await this.typedCompletion(task.definition_id, generic.typed ?? {}, remove, scope.trx);
      const variables = { ...plain, ...typed };
      // Issue 5 §7: the server validates the form again; invalid data is refused before any write.
      await this.forms.checkLockedCompletion(task, found.instance.variables, variables, scope.trx);
      const locked = withoutVariables(await this.executor.locked(scope, found.instance), remove);
      if (task.status !== 'open') throw notOpen(task);
      if (task.delegation_state === 'pending') throw delegatedConflict(task);
      if (task.assignee !== actor.username) {
        throw new Conflict(
          'TASK_NOT_ASSIGNED_TO_YOU',
          task.assignee
            ? `the task is claimed by ${task.assignee}; only they can complete it`
            : 'claim the task before completing it',
        );
      }
      scope.batch.addStatement(COMPLETE_TASK, [this.executor.now(), actor.username, id]);
      scope.batch.addStatement(INSERT_OPERATION_LOG, [
        task.instance_id,
        id,
        'complete',
        actor.username,
        JSON.stringify({ variables: Object.keys(variables), ...(remove.length ? { removed: remove } : {}) }),
      ]);
      const audit = auditRow(actor, 'task.complete', 'task', id, { instanceId: task.instance_id });
      scope.batch.addStatement(INSERT_AUDIT, auditBindings(audit));
      const instance = await this.executor.apply(
        scope,
        locked,
        {
          command: { kind: 'signal', executionId: task.execution_id, payload: variables },
          variables,
          completedTaskId: id,
        },
        actor,
      );
      scope.outbox.add(
        this.executor.event('task:completed', instance, {
          taskId: id,
          completedBy: actor.username,
          elementId: task.element_id,
        }),
      );
      // What comes next, as far as the actor may see it: saves the client a worklist round trip.
      const nextTasks: TaskCompletion['nextTasks'] = [];
      for (const next of scope.createdTasks) {
        if (next.instance_id === instance.id && visible.allows(next)) {
          nextTasks.push({ id: next.id, elementId: next.element_id, name: next.name, assignee: next.assignee });
        }
      }
      return { taskId: id, instanceId: instance.id, instanceStatus: instance.status, nextTasks };
    });
  }

  /**
   * The generic form's part of a completion: typed values checked against their types, and
   * removals that leave every variable the process reads. 400 VALIDATION_FAILED names each field.
   */
  private async typedCompletion(
    definitionId: string,
    typed: TypedVariables,
    remove: string[],
    trx: Db,
  ): Promise<Variables> {
    const { variables, errors } = convertTypedVariables(typed);
    if (remove.length) {
      const required = new Set(await this.forms.requiredVariables(definitionId, trx));
      for (const name of remove) {
        if (required.has(name))
          errors.push({
            field: `body.removeVariables.${name}`,
            reason: 'required',
            message: `${name} is read by the process and cannot be removed`,
          });
        else if (Object.prototype.hasOwnProperty.call(typed, name))
          errors.push({
            field: `body.removeVariables.${name}`,
            reason: 'conflict',
            message: `${name} is both set and removed`,
          });
      }
    }
    if (errors.length)
      throw new Invalid('VALIDATION_FAILED', `invalid variables: ${errors.map((e) => e.message).join('; ')}`, errors);
    return variables;
  }

  /**
   * Reassigns (or releases, with null) a task: for those who may reassign tasks in the task's
   * department — team leaders within their subtree (issue 3 §5).
   */
  async assign(id: string, assignee: string | null, actor: Actor): Promise<Task> {
    return this.transactions.run(async (scope) => {
      const task = await this.lockVisibleTask(scope, id, actor);
      await this.authorization.require(actor, 'task', 'reassign', task.department_id);
      if (assignee !== null) {
        const user = await scope
          .trx('users')
          .where({ username: assignee, active: true })
          .first<{ username: string } | undefined>('username');
        if (!user)
          throw new Invalid('VALIDATION_FAILED', `no active user ${assignee}`, [
            { field: 'assignee', reason: 'unknown' },
          ]);
      }
      const [reassigned] = await scope
        .trx('tasks')
        .where({ id })
        .update({
          assignee,
          claimed_at: assignee ? this.executor.now() : null,
          // a reassignment ends a delegation
          owner: null,
          delegation_state: null,
          revision: scope.trx.raw('revision + 1'),
        })
        .returning<TaskColumns[]>(TASK_COLUMNS);
      this.log(scope, task, 'reassign', actor, { from: task.assignee, to: assignee });
      auditInTransaction(scope, actor, 'task.reassign', 'task', id, { from: task.assignee, to: assignee });
      scope.outbox.add(
        this.executor.event('task:assigned', this.instanceOf(task), {
          taskId: id,
          assignee,
          previous: task.assignee,
          by: actor.username,
        }),
      );
      return toTaskWithNames(scope.trx, reassigned);
    });
  }

  /**
   * Delegates a task (Camunda's delegateTask): the holder — or whoever may reassign tasks in its
   * department — hands it to `delegate`, and stays its owner; the delegate works on it and
   * resolves it back. It cannot be completed or released while delegated. Delegating again keeps
   * the first owner.
   */
  async delegate(id: string, delegate: string, actor: Actor): Promise<Task> {
    return this.transactions.run(async (scope) => {
      const task = await this.lockVisibleTask(scope, id, actor);
      if (task.status !== 'open') throw new Conflict('TASK_NOT_OPEN', `the task is ${task.status}`);
      if (
        task.assignee !== actor.username &&
        !(await this.authorization.can(actor, 'task', 'reassign', task.department_id))
      ) {
        throw new Forbidden(
          task.assignee
            ? `only ${task.assignee}, who holds the task, may delegate it`
            : 'claim the task before delegating it',
          'NOT_TASK_HOLDER',
        );
      }
      if (!task.assignee)
        throw new Conflict('TASK_NOT_CLAIMED', 'the task is not claimed: claim it before delegating it');
      const owner = task.delegation_state === 'pending' ? (task.owner ?? task.assignee) : task.assignee;
      if (delegate === owner || delegate === task.assignee) {
        throw new Invalid('VALIDATION_FAILED', `${delegate} already holds or owns the task`, [
          { field: 'body.userId', reason: 'holder' },
        ]);
      }
      const user = await scope
        .trx('users')
        .where({ username: delegate, active: true })
        .first<{ username: string } | undefined>('username');
      if (!user)
        throw new Invalid('VALIDATION_FAILED', `no active user ${delegate}`, [
          { field: 'body.userId', reason: 'unknown' },
        ]);
      const [delegated] = await scope
        .trx('tasks')
        .where({ id })
        .update({
          assignee: delegate,
          owner,
          delegation_state: 'pending',
          claimed_at: this.executor.now(),
          revision: scope.trx.raw('revision + 1'),
        })
        .returning<TaskColumns[]>(TASK_COLUMNS);
      this.log(scope, task, 'delegate', actor, { owner, to: delegate });
      auditInTransaction(scope, actor, 'task.delegate', 'task', id, { owner, to: delegate });
      scope.outbox.add(
        this.executor.event('task:delegated', this.instanceOf(task), {
          taskId: id,
          assignee: delegate,
          previous: task.assignee,
          owner,
          by: actor.username,
        }),
      );
      return toTaskWithNames(scope.trx, delegated);
    });
  }

  /**
   * The delegate hands the task back to its owner (Camunda's resolveTask) with the values they
   * filled in, which the owner finds as their draft of the form; the owner then completes it.
   */
  async resolve(id: string, values: Variables, actor: Actor): Promise<Task> {
    return this.transactions.run(async (scope) => {
      const task = await this.lockVisibleTask(scope, id, actor);
      if (task.delegation_state !== 'pending' || task.assignee !== actor.username || !task.owner) {
        throw new Conflict(
          'TASK_NOT_DELEGATED_TO_YOU',
          task.delegation_state === 'pending'
            ? `the task is delegated to ${task.assignee}, not to you`
            : 'the task is not delegated',
        );
      }
      const owner = task.owner;
      if (Object.keys(values).length) {
        scope.batch.add(
          scope
            .trx('task_drafts')
            .insert({ task_id: id, username: owner, data: JSON.stringify(values), saved_at: this.executor.now() })
            .onConflict(['task_id', 'username'])
            .merge(['data', 'saved_at']),
        );
      }
      const [resolved] = await scope
        .trx('tasks')
        .where({ id })
        .update({
          assignee: owner,
          delegation_state: 'resolved',
          claimed_at: this.executor.now(),
          revision: scope.trx.raw('revision + 1'),
        })
        .returning<TaskColumns[]>(TASK_COLUMNS);
      this.log(scope, task, 'resolve', actor, { owner, variables: Object.keys(values) });
      auditInTransaction(scope, actor, 'task.resolve', 'task', id, { owner });
      scope.outbox.add(
        this.executor.event('task:resolved', this.instanceOf(task), {
          taskId: id,
          assignee: owner,
          previous: actor.username,
          by: actor.username,
        }),
      );
      return toTaskWithNames(scope.trx, resolved);
    });
  }

  /** Locks a task the actor may see; a task they may not see is a 404, whatever its state. */
  private async lockVisibleTask(scope: TransactionScope, id: string, actor: Actor): Promise<TaskRow> {
    return this.lockTask(scope, id, (await this.visibility.taskVisible(actor)).where('tasks'));
  }

  private async lockTask(
    scope: TransactionScope,
    id: string,
    filter?: (q: Knex.QueryBuilder) => void,
  ): Promise<TaskRow> {
    const query = scope.trx('tasks').where({ id });
    if (filter) query.where(filter);
    const task = await query.forUpdate().first<TaskRow | undefined>([...TASK_COLUMNS, 'execution_id']);
    if (!task) throw new NotFound('task', id);
    if (task.status !== 'open') throw notOpen(task);
    return task;
  }

  private log(
    scope: TransactionScope,
    task: TaskRow,
    operation: string,
    actor: Actor,
    details: Record<string, unknown> = {},
  ) {
    scope.batch.add(
      scope.trx('operation_log').insert({
        instance_id: task.instance_id,
        task_id: task.id,
        operation,
        actor: actor.username,
        details: JSON.stringify(details),
      }),
    );
  }

  private instanceOf(task: Pick<TaskColumns, 'instance_id' | 'department_id' | 'definition_key' | 'business_key'>) {
    return {
      id: task.instance_id,
      department_id: task.department_id,
      definition_key: task.definition_key,
      business_key: task.business_key,
    };
  }
}

/** Rows → tasks, with the display names of the people they name read in one query. */
async function toTasks(db: Db, rows: TaskColumns[]): Promise<Task[]> {
  const [names, unassigned] = await Promise.all([
    displayNames(db, rows.flatMap(peopleOf)),
    unassignedIds(
      db,
      rows.map((r) => r.id),
    ),
  ]);
  return rows.map((row) => toTask(row, names, unassigned));
}

/** One row (as written by an update … returning) → the task. */
async function toTaskWithNames(db: Db, row: TaskColumns | undefined): Promise<Task> {
  if (!row) throw new Error('the task row was not returned');
  return (await toTasks(db, [row]))[0] as Task;
}

/**
 * The locked instance with variables removed: the step writes the instance's variables as the
 * step leaves them, so a variable removed here is gone from the process.
 */
function withoutVariables(locked: LockedInstance, remove: string[]): LockedInstance {
  if (!remove.length) return locked;
  const variables = { ...locked.instance.variables };
  for (const name of remove) delete variables[name];
  return { ...locked, instance: { ...locked.instance, variables } };
}

/** What a claim or release changes on the task row, and how it is recorded. */
interface TaskWrite {
  assignee: string | null;
  claimedAt: Date | null;
  /** Unchanged when undefined. */
  owner?: string | null;
  delegationState?: TaskColumns['delegation_state'];
  operation: string;
  details?: Record<string, unknown>;
  audit: string;
  event: OutboxEvent;
}

/** A task row read with its people's names and `unassigned` (task-statements.ts), as the API answers it. */
function shownTask(row: Omit<WrittenTaskRow, 'outbox_id' | 'outbox_at'>): Task {
  const names = new Map<string, string>();
  if (row.assignee && row.assignee_name !== null) names.set(row.assignee, row.assignee_name);
  if (row.owner && row.owner_name !== null) names.set(row.owner, row.owner_name);
  if (row.completed_by && row.completed_by_name !== null) names.set(row.completed_by, row.completed_by_name);
  return toTask(row, names, new Set(row.unassigned ? [row.id] : []));
}

function notOpen(task: { status: string }): Conflict {
  return new Conflict('TASK_NOT_OPEN', `the task is already ${task.status}`, { status: task.status });
}

/** A delegated task waits for its delegate: neither completed nor released until it is resolved. */
function delegatedConflict(task: Pick<TaskColumns, 'owner' | 'assignee'>): Conflict {
  return new Conflict(
    'TASK_DELEGATED',
    `the task is delegated by ${task.owner ?? '?'} to ${task.assignee ?? '?'}; it must be resolved back to ${task.owner ?? 'its owner'} first`,
    { owner: task.owner, assignee: task.assignee },
  );
}

/** An audit row's values in the order the audit inserts bind them (INSERT_AUDIT and the task write). */
function auditBindings(audit: ReturnType<typeof auditRow>): unknown[] {
  return [
    audit.actor_id,
    audit.actor_name,
    audit.action,
    audit.object_type,
    audit.object_id,
    audit.department_id,
    audit.details,
    audit.ip,
    audit.user_agent,
  ];
}
