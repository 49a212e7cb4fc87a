import type { Actor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { JobExecutor } from '../../jobs/executor.js';
import type { DemoContext, DemoContributor, DemoPorts } from './context.js';
import { newConnectionDemo } from './new-connection.js';
import { meterVerificationDemo } from './meter-verification.js';
import { monthlyBillingDemo } from './monthly-billing.js';
import { arrearsCollectionDemo } from './arrears-collection.js';
import { highRiskWarningDemo } from './high-risk-warning.js';
import { accountClosureDemo, capacityChangeDemo, ownershipTransferDemo } from './changes-of-service.js';

/** Every contributor (issue 5: "instances of every process in flight at different steps"). Add yours here. */
export const DEMO_CONTRIBUTORS: DemoContributor[] = [
  newConnectionDemo,
  meterVerificationDemo,
  monthlyBillingDemo,
  arrearsCollectionDemo,
  highRiskWarningDemo,
  capacityChangeDemo,
  ownershipTransferDemo,
  accountClosureDemo,
];

/**
 * Seeds demo instances in flight (npm start with demo data; off under NODE_ENV=test unless asked).
 * Idempotent per process: a process that already has instances is left alone.
 */
export async function seedDemoProcesses(
  services: DemoPorts,
  executor: Pick<JobExecutor, 'drain'>,
  clock: Clock,
  logger: Logger,
  contributors: DemoContributor[] = DEMO_CONTRIBUTORS,
): Promise<void> {
  const actors = new Map<string, Actor>();
  const ctx: DemoContext = {
    db: services.db,
    ports: services,
    logger,
    clock,
    executor,
    async as(username) {
      let actor = actors.get(username);
      if (!actor) {
        const user = await services.db('users').where({ username }).first<{ id: string } | undefined>('id');
        if (!user) throw new Error(`demo user ${username} does not exist`);
        actor = await services.auth.loadActor(user.id, 'user');
        actors.set(username, actor);
      }
      return actor;
    },
    async complete(instanceId, elementId, username, variables = {}) {
      await executor.drain();
      const task = await services
        .db('tasks')
        .where({ instance_id: instanceId, element_id: elementId, status: 'open' })
        .first<{ id: string; assignee: string | null } | undefined>('id', 'assignee');
      if (!task) throw new Error(`no open task ${elementId} in instance ${instanceId}`);
      const actor = await ctx.as(username);
      if (task.assignee !== username) await services.tasks.claim(task.id, actor);
      await services.tasks.complete(task.id, variables, actor);
      await executor.drain();
    },
  };
  for (const contributor of contributors) {
    const existing = await services
      .db('process_instances')
      .where({ definition_key: contributor.definitionKey })
      .first<{ id: string } | undefined>('id');
    if (existing) continue;
    try {
      await contributor.seed(ctx);
      logger.info({ demo: contributor.name }, 'demo process instances seeded');
    } catch (err) {
      logger.error({ err, demo: contributor.name }, 'demo process instances could not be seeded');
    }
  }
}
