/**
 * bench/billing — issue 4: the monthly billing run over 1 000 000 customers with two months of
 * readings (generated set-based by the demo data generator), on PostgreSQL.
 *
 *   npm run bench -- billing [--customers 1000000] [--chunk 2000]
 */
import { benchArgs, withBenchPlatform } from './support.js';
import { generateDemoData } from '../server/db/demo-data.js';
import { SYSTEM_ACTOR } from '../server/lib/actor.js';
import { createLogger } from '../server/lib/logger.js';
import { BillingRunService } from '../server/marketing/billing-run.js';
import { report, round } from './stats.js';

const args = benchArgs();
const CUSTOMERS = Number(args.get('customers') ?? 1_000_000);
const CHUNK = Number(args.get('chunk') ?? 2000);
const LAST_PERIOD = '2025-07';

export async function run(): Promise<void> {
  await withBenchPlatform('pmbench_billing', async (db, platform) => {
    const logger = createLogger('silent');
    const t0 = performance.now();
    const data = await generateDemoData(db, {
      customers: CUSTOMERS,
      months: 2,
      lastPeriod: LAST_PERIOD,
      bills: false,
      payments: false,
    });
    const fillSeconds = (performance.now() - t0) / 1000;

    const runs = new BillingRunService(db, platform.services.authorization, platform.services.audit, logger, {
      nodeId: 'bench',
      chunkSize: CHUNK,
    });
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const t1 = performance.now();
    const started = await runs.start({ period: LAST_PERIOD }, SYSTEM_ACTOR);
    await runs.wait(started.id as string);
    const seconds = (performance.now() - t1) / 1000;
    clearInterval(sampler);
    const result = await db('billing_runs').where({ id: started.id }).first();
    report(`billing: run for ${LAST_PERIOD}, ${CUSTOMERS.toLocaleString('en')} customers, chunks of ${CHUNK}`, {
      'generated (customers, meters, readings)': [data.customers, data.meters, data.readings],
      'generation s': round(fillSeconds, 1),
      'run status': result.status,
      'counts (customers, billed, held, skipped, errors)': [
        result.customers,
        result.billed,
        result.held,
        result.skipped_without_readings,
        result.errors,
      ],
      'run total s': round(seconds, 1),
      'bills per second': Math.round(Number(result.billed) / seconds),
      'peak RSS MB (sampled every 100 ms)': Math.round(peakRss / 1024 / 1024),
    });
  });
}
