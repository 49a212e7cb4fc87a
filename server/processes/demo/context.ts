import type { Db } from '../../db/index.js';
import type { AuthService } from '../../identity/auth.service.js';
import type { JobExecutor } from '../../jobs/executor.js';
import type { Actor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { ArrearsService } from '../../marketing/arrears.js';
import type { CustomersService } from '../../marketing/customers.service.js';
import type { MetersService } from '../../marketing/meters.service.js';
import type { PaymentsService } from '../../marketing/payments.service.js';
import type { TasksService } from '../../tasks/tasks.service.js';
import type { InstancesService } from '../../workflow/instances.service.js';
import type { MarketingProcesses } from '../marketing-processes.js';

/** What the demo seeding calls: the few services a demo user would go through. */
export interface DemoPorts {
  db: Db;
  auth: Pick<AuthService, 'loadActor'>;
  tasks: Pick<TasksService, 'claim' | 'complete'>;
  instances: Pick<InstancesService, 'start'>;
  customers: Pick<CustomersService, 'create'>;
  meters: Pick<MetersService, 'install'>;
  arrears: Pick<ArrearsService, 'report'>;
  payments: Pick<PaymentsService, 'record'>;
  processes: Pick<MarketingProcesses, 'scanOverdueNow' | 'dailyJobs'>;
}

/** What a demo contributor gets: the services, a way to act as a demo user, and the job executor. */
export interface DemoContext {
  db: Db;
  ports: DemoPorts;
  logger: Logger;
  clock: Clock;
  executor: Pick<JobExecutor, 'drain'>;
  /** The actor of a demo user (xh.clerk, xh.leader …), as if they had logged in. */
  as(username: string): Promise<Actor>;
  /** Claims and completes the open task at `elementId` of an instance as `username`. */
  complete(instanceId: string, elementId: string, username: string, variables?: Record<string, unknown>): Promise<void>;
}

/** One process's demo instances; each contributor seeds only when none of its instances exist yet. */
export interface DemoContributor {
  name: string;
  /** The process key whose instances mean "already seeded". */
  definitionKey: string;
  seed(ctx: DemoContext): Promise<void>;
}
