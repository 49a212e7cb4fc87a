import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, NotFound } from '../lib/errors.js';
import type { Authorization } from '../identity/authorization.js';
import { auditInTransaction } from '../identity/audit.service.js';
import { lockInstance } from './instances.repository.js';
import type { StepExecutor } from './step-executor.js';
import type { Transactions } from './transactions.js';
import type { Visibility } from './visibility.js';

/**
 * Suspends and resumes instances, as Camunda 7 does: a suspended instance takes no command — no
 * task is completed (step-executor `apply`), no job or timer is acquired (jobs.repository), no
 * message finds it, no external task is handed out — until it is resumed; timers and jobs that
 * fell due meanwhile run then. It may still be read, cancelled and have its variables edited.
 * Only the instance itself is suspended, not the processes it called (as in Camunda 7).
 */
export class InstanceSuspensionService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly steps: StepExecutor,
    private readonly visibility: Visibility,
    private readonly authorization: Authorization,
  ) {}

  suspend(id: string, reason: string, actor: Actor): Promise<void> {
    return this.change(id, true, reason, actor);
  }

  resume(id: string, reason: string, actor: Actor): Promise<void> {
    return this.change(id, false, reason, actor);
  }

  private async change(id: string, suspend: boolean, reason: string, actor: Actor): Promise<void> {
    const head = await this.db('process_instances')
      .where({ id })
      .where((await this.visibility.instanceReadable(actor)).where('process_instances'))
      .first<{ department_id: string | null } | undefined>('department_id');
    if (!head) throw new NotFound('process instance', id);
    await this.authorization.require(actor, 'instance', 'suspend', head.department_id);
    await this.transactions.run(async (scope) => {
      const instance = await lockInstance(scope.trx, id);
      if (!instance) throw new NotFound('process instance', id);
      if (instance.status !== 'running')
        throw new Conflict('INSTANCE_NOT_RUNNING', `the process instance is ${instance.status}`);
      if (suspend && instance.suspended_at)
        throw new Conflict('INSTANCE_SUSPENDED', 'the process instance is already suspended');
      if (!suspend && !instance.suspended_at)
        throw new Conflict('INSTANCE_NOT_SUSPENDED', 'the process instance is not suspended');
      const now = this.steps.now();
      await scope
        .trx('process_instances')
        .where({ id })
        .update(
          suspend ? { suspended_at: now, suspended_by: actor.username } : { suspended_at: null, suspended_by: null },
        );
      if (!suspend) {
        // Leases taken while it was suspended were given up by their nodes: run what is due at once.
        await scope
          .trx('jobs')
          .where({ instance_id: id, suspended: false })
          .update({ locked_by: null, locked_until: null });
        scope.dueJobs = true;
      }
      const operation = suspend ? 'suspend' : 'resume';
      await scope.trx('operation_log').insert({
        instance_id: id,
        operation,
        actor: actor.username,
        details: JSON.stringify({ reason }),
      });
      auditInTransaction(scope, actor, `instance.${operation}`, 'process_instance', id, { reason });
      scope.outbox.add(
        this.steps.event(suspend ? 'instance:suspended' : 'instance:resumed', instance, { reason, by: actor.username }),
      );
    });
  }
}
