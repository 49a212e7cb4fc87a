import type { Authorization } from '../identity/authorization.js';
import type { Clock } from '../lib/clock.js';
import type { PaymentsService } from '../marketing/payments.service.js';
import type { ServiceRegistry } from '../services/registry.js';
import { CollectionStarter } from './arrears/collection.js';
import { arrearsServices } from './arrears/services.js';
import { billingServices } from './billing/services.js';
import { DailyJobs } from './daily-jobs.js';
import type { ProcessContext } from './ports.js';
import { issueWarning, runRiskScreening } from './risk/screening-job.js';
import { riskProvinceServices } from './risk/province-services.js';
import { riskServices } from './risk/services.js';
import { RiskStatistics } from './risk/statistics.js';
import { RiskWarningProvincesService } from './risk/warning-provinces.js';

export interface MarketingProcessesOptions {
  ctx: ProcessContext;
  authorization: Authorization;
  nodeId: string;
  /** Where the processes' service-task services are registered. */
  registry: ServiceRegistry;
  /** Recorded payments end a waiting arrears collection. */
  payments: Pick<PaymentsService, 'onRecorded'>;
}

/**
 * The billing, arrears-collection and high-risk-warning processes' server side (issue 5 §3–§5):
 * their service-task services, the daily jobs that start them (01:00 high-risk screening at HQ,
 * 02:00 overdue scan) and the payment hook that ends an arrears collection once it is settled.
 * Built once, complete, by the composition root.
 */
export class MarketingProcesses {
  readonly dailyJobs: DailyJobs;
  readonly riskStatistics: RiskStatistics;
  readonly riskWarningProvinces: RiskWarningProvincesService;
  private readonly ctx: ProcessContext;
  private readonly collection: CollectionStarter;

  constructor(options: MarketingProcessesOptions) {
    const { ctx, registry } = options;
    this.ctx = ctx;
    this.dailyJobs = new DailyJobs(ctx.db, ctx.clock, ctx.logger, options.nodeId);
    this.riskStatistics = new RiskStatistics(ctx.db, options.authorization);
    this.riskWarningProvinces = new RiskWarningProvincesService(ctx.db, options.authorization, ctx.clock);
    this.collection = new CollectionStarter(ctx, ctx.logger);
    for (const s of [
      ...billingServices(ctx),
      ...arrearsServices(ctx),
      ...riskServices(ctx),
      ...riskProvinceServices(ctx),
    ])
      registry.register(s);
    const collection = this.collection;
    this.dailyJobs.register({ name: 'risk-screening', hour: 1, run: (date) => runRiskScreening(ctx, date) });
    this.dailyJobs.register({ name: 'arrears-scan', hour: 2, run: (date) => collection.scan(date) });
    options.payments.onRecorded(async (customerId) => {
      try {
        await collection.paymentRecorded(customerId);
      } catch (err) {
        ctx.logger.error({ err, customerId }, 'payment-received could not be delivered');
      }
    });
  }

  get clock(): Clock {
    return this.ctx.clock;
  }

  /** The screening run now for a day (HQ's "screen again"); its result. */
  screenNow(date: string) {
    return runRiskScreening(this.ctx, date);
  }

  /** HQ issues a warning order by hand for a customer on the register; its id, null if one is open. */
  issueRiskWarning(customerId: string) {
    return issueWarning(this.ctx, customerId);
  }

  /** The overdue scan now for a day. */
  scanOverdueNow(date: string, limit?: number) {
    return this.collection.scan(date, limit);
  }

  start(pollMs?: number): void {
    this.dailyJobs.start(pollMs);
  }

  stop(): Promise<void> {
    return this.dailyJobs.stop();
  }
}
