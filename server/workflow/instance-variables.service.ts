import type { Db } from '../db/index.js';
import type { Variables } from '../engine/step-context.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, NotFound } from '../lib/errors.js';
import type { Authorization } from '../identity/authorization.js';
import { auditInTransaction } from '../identity/audit.service.js';
import { lockInstance, toJson } from './instances.repository.js';
import type { Transactions } from './transactions.js';
import type { Visibility } from './visibility.js';

/**
 * Sets and removes variables of a running instance outside a step (Camunda's
 * setVariables/removeVariables): under the instance's row lock, like every command, so no step
 * runs on stale values; the revision moves on, so a cached engine is recovered afresh. Each step
 * reads the instance's variables from the row, so the next one sees the change. Allowed to whoever
 * may read the instance and intervene in it (instance:cancel in its department).
 */
export class InstanceVariablesService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly visibility: Visibility,
    private readonly authorization: Authorization,
  ) {}

  async modify(id: string, modifications: Variables, deletions: string[], actor: Actor): Promise<void> {
    const head = await this.db('process_instances')
      .where({ id })
      .where((await this.visibility.instanceReadable(actor)).where('process_instances'))
      .first<{ department_id: string | null } | undefined>('department_id');
    if (!head) throw new NotFound('process instance', id);
    await this.authorization.require(actor, 'instance', 'cancel', head.department_id);
    await this.transactions.run(async (scope) => {
      const instance = await lockInstance(scope.trx, id);
      if (!instance) throw new NotFound('process instance', id);
      if (instance.status !== 'running' && instance.status !== 'failed') {
        throw new Conflict('INSTANCE_NOT_RUNNING', `the process instance is ${instance.status}`);
      }
      const variables: Variables = { ...instance.variables, ...modifications };
      for (const name of deletions) delete variables[name];
      await scope
        .trx('process_instances')
        .where({ id })
        .update({ variables: toJson(variables), revision: instance.revision + 1 });
      await scope.trx('operation_log').insert({
        instance_id: id,
        operation: 'variables',
        actor: actor.username,
        details: JSON.stringify({ set: Object.keys(modifications), removed: deletions }),
      });
      auditInTransaction(scope, actor, 'instance.variables', 'process_instance', id, {
        set: Object.keys(modifications),
        removed: deletions,
      });
    });
  }
}
