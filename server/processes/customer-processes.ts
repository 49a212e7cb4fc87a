import type { ServiceRegistry } from '../services/registry.js';
import { changeServices } from './changes/services.js';
import { connectionServices } from './connection/services.js';
import type { DailyJobs } from './daily-jobs.js';
import { meteringServices } from './metering/services.js';
import { createDueTestOrders } from './metering/scheduler.js';
import type { ProcessContext } from './ports.js';

/**
 * The new-connection, meter-verification and change-of-service processes' server side (issue 5
 * §1–2, DOMAIN.md §9): registers their services, and the daily job (03:00 Asia/Shanghai, platform clock) that opens periodic
 * meter test orders due within 30 days.
 */
export function registerCustomerProcesses(ctx: ProcessContext, registry: ServiceRegistry, dailyJobs: DailyJobs): void {
  for (const s of [...connectionServices(ctx), ...meteringServices(ctx), ...changeServices(ctx)]) registry.register(s);
  dailyJobs.register({ name: 'meter-test-orders', hour: 3, run: (date) => createDueTestOrders(ctx, date) });
}
