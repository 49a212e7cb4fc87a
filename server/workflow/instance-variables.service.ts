import type { Db } from '../db/index.js';
import type { Variables } from '../engine/step-context.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import type { Authorization } from '../identity/authorization.js';
import { auditInTransaction } from '../identity/audit.service.js';
import { convertTypedVariables, typeOf, type TypedVariables, type VariableType } from '../forms/typed-variables.js';
import { lockInstance, toJson, type InstanceRow } from './instances.repository.js';
import { toVariableChange, type VariableChange, type VariableChangeRow } from './instance-variables.contract.js';
import type { StepExecutor } from './step-executor.js';
import type { Transactions, TransactionScope } from './transactions.js';
import type { Visibility } from './visibility.js';

/** What one edit does: variables to set (with the type each was given) and names to remove. */
export interface VariableEdit {
  set: Variables;
  types?: Record<string, VariableType>;
  remove: string[];
  /** Why (the operator's words); kept in the variable history and the audit log. */
  reason: string;
  /** The batch that made the edit, if one did. */
  batchId?: string;
}

/**
 * Sets and removes variables of a running instance outside a step (Camunda's
 * setVariables/removeVariables): under the instance's row lock, like every command, so no step
 * runs on stale values; the revision moves on, so a cached engine is recovered afresh. Each step
 * reads the instance's variables from the row, so the next one sees the change. Every change is
 * kept in `variable_history` (who, when, old and new value, why).
 */
export class InstanceVariablesService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly visibility: Visibility,
    private readonly authorization: Authorization,
    private readonly steps: Pick<StepExecutor, 'event'>,
  ) {}

  /** engine-rest's modification: allowed to whoever may intervene in the instance (instance:cancel). */
  async modify(id: string, modifications: Variables, deletions: string[], actor: Actor): Promise<void> {
    const head = await this.readableHead(id, actor);
    await this.authorization.require(actor, 'instance', 'cancel', head.department_id);
    await this.transactions.run(async (scope) => {
      const instance = await this.lockEditable(scope, id);
      await this.write(scope, instance, { set: modifications, remove: deletions, reason: 'engine-rest' }, actor);
    });
  }

  /**
   * The operator's edit (`instance:update`): typed values checked against their types, each a
   * 400 naming its field; `replace` removes every variable the edit does not set (PUT).
   */
  async edit(
    id: string,
    input: { typedVariables: TypedVariables; removeVariables?: string[]; reason: string },
    replace: boolean,
    actor: Actor,
  ): Promise<void> {
    const { variables, errors } = convertTypedVariables(input.typedVariables);
    if (errors.length) throw new Invalid('VALIDATION_FAILED', 'some variables do not match their types', errors);
    const head = await this.readableHead(id, actor);
    await this.authorization.require(actor, 'instance', 'update', head.department_id);
    await this.transactions.run(async (scope) => {
      const instance = await this.lockEditable(scope, id);
      const remove = replace
        ? Object.keys(instance.variables).filter((name) => !(name in variables))
        : (input.removeVariables ?? []);
      const types = Object.fromEntries(Object.entries(input.typedVariables).map(([name, v]) => [name, v.type]));
      await this.write(scope, instance, { set: variables, types, remove, reason: input.reason }, actor);
    });
  }

  /** A batch's edit of one instance, in the batch's transaction for it. */
  async editIn(scope: TransactionScope, id: string, edit: VariableEdit, actor: Actor): Promise<void> {
    const instance = await this.lockEditable(scope, id);
    await this.authorization.require(actor, 'instance', 'update', instance.department_id);
    await this.write(scope, instance, edit, actor);
  }

  /** Who changed which variable of the instance by hand, newest first. */
  async history(id: string, actor: Actor): Promise<VariableChange[]> {
    await this.readableHead(id, actor);
    const rows = await this.db('variable_history')
      .where({ instance_id: id })
      .select<VariableChangeRow[]>(
        'id',
        'name',
        'type',
        'old_value',
        'new_value',
        'removed',
        'actor',
        'reason',
        'batch_id',
        'at',
      )
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(1000);
    return rows.map(toVariableChange);
  }

  private async readableHead(id: string, actor: Actor): Promise<{ department_id: string | null }> {
    const head = await this.db('process_instances')
      .where({ id })
      .where((await this.visibility.instanceReadable(actor)).where('process_instances'))
      .first<{ department_id: string | null } | undefined>('department_id');
    if (!head) throw new NotFound('process instance', id);
    return head;
  }

  private async lockEditable(scope: TransactionScope, id: string): Promise<InstanceRow> {
    const instance = await lockInstance(scope.trx, id);
    if (!instance) throw new NotFound('process instance', id);
    if (instance.status !== 'running' && instance.status !== 'failed') {
      throw new Conflict('INSTANCE_NOT_RUNNING', `the process instance is ${instance.status}`);
    }
    return instance;
  }

  private async write(scope: TransactionScope, instance: InstanceRow, edit: VariableEdit, actor: Actor): Promise<void> {
    const before = instance.variables;
    const variables: Variables = { ...before, ...edit.set };
    const removed = edit.remove.filter((name) => name in before);
    for (const name of edit.remove) delete variables[name];
    await scope
      .trx('process_instances')
      .where({ id: instance.id })
      .update({ variables: toJson(variables), revision: instance.revision + 1 });
    const json = (value: unknown) => (value === undefined ? null : toJson(value));
    const history = [
      ...Object.entries(edit.set).map(([name, value]) => ({
        name,
        type: edit.types?.[name] ?? typeOf(value),
        old_value: json(before[name]),
        new_value: json(value),
        removed: false,
      })),
      ...removed.map((name) => ({ name, type: null, old_value: json(before[name]), new_value: null, removed: true })),
    ];
    if (history.length)
      scope.batch.add(
        scope.trx('variable_history').insert(
          history.map((h) => ({
            ...h,
            instance_id: instance.id,
            actor: actor.username,
            reason: edit.reason,
            batch_id: edit.batchId ?? null,
          })),
        ),
      );
    const details = { set: Object.keys(edit.set), removed, reason: edit.reason, batchId: edit.batchId ?? null };
    scope.batch.add(
      scope.trx('operation_log').insert({
        instance_id: instance.id,
        operation: 'variables',
        actor: actor.username,
        details: JSON.stringify(details),
      }),
    );
    auditInTransaction(scope, actor, 'instance.variables', 'process_instance', instance.id, details);
    scope.outbox.add(
      this.steps.event('instance:variables-updated', instance, {
        names: [...Object.keys(edit.set), ...removed],
        reason: edit.reason,
        by: actor.username,
      }),
    );
  }
}
