import type { Db } from '../db/index.js';
import type { Authorization } from '../identity/authorization.js';
import type { Logger } from '../lib/logger.js';
import type { Transactions } from '../workflow/transactions.js';
import { SlaAlertsService } from './alerts.service.js';
import { DashboardService } from './dashboard.service.js';
import { InstanceViewService } from './instance-view.js';
import { RollupService } from './rollup.js';
import { Periodic } from '../lib/periodic.js';
import { systemClock, type Clock } from '../lib/clock.js';

export interface MonitoringOptions {
  /** How far ahead a deadline counts as "due soon" (ms). */
  slaHorizonMs: number;
  /** How often each node scans for SLA alerts (ms). */
  slaScanMs: number;
  /** How often each node offers to roll up closed days of history (ms). */
  rollupMs: number;
}

/** Issue 8's server side: dashboards, live diagram figures, bottlenecks, SLA alerts, instance view. */
export class Monitoring {
  readonly rollup: RollupService;
  readonly dashboards: DashboardService;
  readonly alerts: SlaAlertsService;
  readonly instances: InstanceViewService;
  private readonly chores: Periodic[];

  constructor(
    db: Db,
    transactions: Transactions,
    authorization: Authorization,
    logger: Logger,
    options: MonitoringOptions,
    clock: Clock = systemClock,
  ) {
    this.rollup = new RollupService(db, clock);
    this.dashboards = new DashboardService(db, authorization, this.rollup, clock, options.slaHorizonMs);
    this.alerts = new SlaAlertsService(db, transactions, authorization, options.slaHorizonMs, clock);
    this.instances = new InstanceViewService(db, authorization);
    this.chores = [
      new Periodic('sla-scan', options.slaScanMs, () => this.alerts.scan(), logger),
      new Periodic('history-rollup', options.rollupMs, () => this.rollup.refresh(), logger),
    ];
  }

  start(): void {
    for (const chore of this.chores) chore.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.chores.map((c) => c.stop()));
  }
}
