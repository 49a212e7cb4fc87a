import type { Db } from '../db/index.js';
import type { Services } from '../http/services.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { ServiceRegistry } from '../services/registry.js';
import type { Authorization } from '../identity/authorization.js';
import { CollectionStarter } from './arrears/collection.js';
import { arrearsServices } from './arrears/services.js';
import { billingServices } from './billing/services.js';
import type { ProcessContext } from './context.js';
import { DailyJobs } from './daily-jobs.js';
import { runRiskScreening } from './risk/screening-job.js';
import { riskServices } from './risk/services.js';
import { RiskStatistics } from './risk/statistics.js';

export interface MarketingProcessesOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  authorization: Authorization;
  nodeId: string;
}

/**
 * The billing, arrears-collection and high-risk-warning processes' server side (issue 5 §3–§5):
 * their service-task services, the daily jobs that start them (01:00 high-risk screening at HQ,
 * 02:00 overdue scan) and the payment hook that ends an arrears collection once it is settled.
 */
export class MarketingProcesses {
  readonly dailyJobs: DailyJobs;
  readonly riskStatistics: RiskStatistics;
  private readonly ctx: ProcessContext;
  private collection: CollectionStarter | null = null;

  constructor(private readonly options: MarketingProcessesOptions) {
    this.dailyJobs = new DailyJobs(options.db, options.clock, options.logger, options.nodeId);
    this.riskStatistics = new RiskStatistics(options.db, options.authorization);
    this.ctx = { db: options.db, clock: options.clock, logger: options.logger } as ProcessContext;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** Registers the services and daily jobs, and hooks payments; call once the services exist. */
  attach(services: Services, registry: ServiceRegistry): void {
    this.ctx.services = services;
    for (const s of [...billingServices(this.ctx), ...arrearsServices(this.ctx), ...riskServices(this.ctx)]) {
      registry.register(s);
    }
    const collection = new CollectionStarter(this.ctx, this.options.logger);
    this.collection = collection;
    this.dailyJobs.register({ name: 'risk-screening', hour: 1, run: (date) => runRiskScreening(this.ctx, date) });
    this.dailyJobs.register({ name: 'arrears-scan', hour: 2, run: (date) => collection.scan(date) });
    services.payments.onRecorded(async (customerId) => {
      try {
        await collection.paymentRecorded(customerId);
      } catch (err) {
        this.options.logger.error({ err, customerId }, 'payment-received could not be delivered');
      }
    });
  }

  /** The screening run now for a day (HQ's "screen again"); its result. */
  screenNow(date: string) {
    return runRiskScreening(this.ctx, date);
  }

  /** The overdue scan now for a day. */
  scanOverdueNow(date: string, limit?: number) {
    if (!this.collection) throw new Error('the processes are not attached');
    return this.collection.scan(date, limit);
  }

  start(pollMs?: number): void {
    this.dailyJobs.start(pollMs);
  }

  stop(): Promise<void> {
    return this.dailyJobs.stop();
  }
}
