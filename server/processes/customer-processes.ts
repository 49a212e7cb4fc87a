import type { Services } from '../http/services.js';
import type { ServiceRegistry } from '../services/registry.js';
import { connectionServices } from './connection/services.js';
import type { ProcessContext } from './context.js';
import type { DailyJobs } from './daily-jobs.js';
import { meteringServices } from './metering/services.js';
import { createDueTestOrders } from './metering/scheduler.js';

/**
 * The new-connection and meter-verification processes' server side (issue 5 §1–2): their
 * services, and the daily job (03:00 Asia/Shanghai, platform clock) that opens periodic meter
 * test orders due within 30 days.
 */
export function attachCustomerProcesses(
  ctx: Omit<ProcessContext, 'services'>,
  services: Services,
  registry: ServiceRegistry,
  dailyJobs: DailyJobs,
): void {
  const full: ProcessContext = { ...ctx, services };
  for (const s of [...connectionServices(full), ...meteringServices(full)]) registry.register(s);
  dailyJobs.register({ name: 'meter-test-orders', hour: 3, run: (date) => createDueTestOrders(full, date) });
}
