/**
 * bench/collection — issue 5 §4–§5 at scale: the nightly high-risk screening over N customers
 * with 12 months of bills and payments (set-based demo data), and the daily overdue scan that
 * starts arrears-collection instances (bounded per day).
 *
 *   npm run bench -- collection [--customers 1000000] [--scan 2000]
 */
import { benchArgs, withBenchPlatform } from './support.js';
import { generateDemoData } from '../server/db/demo-data.js';
import { shiftPeriod } from '../server/marketing/billing-periods.js';
import { report, round } from './stats.js';

const args = benchArgs();
const CUSTOMERS = Number(args.get('customers') ?? 1_000_000);
const SCAN = Number(args.get('scan') ?? 2000);
const LAST_PERIOD = '2025-07';
/** The screening day: the last period's bills (due on the 15th of the next month) are overdue. */
const DAY = `${shiftPeriod(LAST_PERIOD, 2)}-01`;

export async function run(): Promise<void> {
  await withBenchPlatform('pmbench_collection', async (db, platform) => {
    const t0 = performance.now();
    const data = await generateDemoData(db, { customers: CUSTOMERS, months: 12, lastPeriod: LAST_PERIOD });
    const fillSeconds = (performance.now() - t0) / 1000;
    const processes = platform.services.processes;

    const t1 = performance.now();
    const screening = await processes.screenNow(DAY);
    const screenSeconds = (performance.now() - t1) / 1000;

    const t2 = performance.now();
    const scan = await processes.scanOverdueNow(DAY, SCAN);
    const scanSeconds = (performance.now() - t2) / 1000;
    const t3 = performance.now();
    const jobs = await platform.executor.drain(10_000);
    const drainSeconds = (performance.now() - t3) / 1000;
    const notices = await db('notifications').count<{ n: string }[]>('* as n');

    report(`collection: screening and overdue scan on ${DAY}, ${CUSTOMERS.toLocaleString('en')} customers`, {
      'generated (customers, bills, payments)': [data.customers, data.bills, data.payments],
      'generation s': round(fillSeconds, 1),
      'screened (non-residential), high-risk, warnings opened': [
        screening.screened,
        screening.highRisk,
        screening.warningsOpened,
      ],
      'screening s (incl. opening warning instances)': round(screenSeconds, 1),
      'overdue candidates (bounded), collections started': [scan.candidates, scan.started],
      'scan s': round(scanSeconds, 1),
      'collections started per second': Math.round(scan.started / Math.max(scanSeconds, 0.001)),
      'jobs run after the scan (reminders …), s': [jobs, round(drainSeconds, 1)],
      'notices recorded': Number(notices[0]?.n ?? 0),
    });
  });
}
