import { randomUUID } from 'node:crypto';
import type { Db } from './index.js';
import type { Logger } from '../lib/logger.js';
import { executeBillingRun } from '../marketing/billing-run.js';
import { shiftPeriod } from '../marketing/billing-periods.js';
import {
  ALLOCATIONS_SQL,
  CUSTOMERS_SQL,
  HOUSEHOLDS_SQL,
  METERS_SQL,
  PAYMENTS_SQL,
  READINGS_SQL,
  SETTLE_SQL,
  SUB_METERS_SQL,
} from './demo-data-sql.js';

export interface DemoDataOptions {
  customers: number;
  /** Same seed, same rows (ids included); default "demo". */
  seed?: string;
  /** Months of readings, ending with `lastPeriod` (default 12). */
  months?: number;
  /** The last period read (default: last month). */
  lastPeriod?: string;
  /** Bill every period after the first through the billing run (default true). */
  bills?: boolean;
  /** Pay most bills, partly or not some (default true; needs bills). */
  payments?: boolean;
  logger?: Logger;
}

export interface DemoDataSummary {
  customers: number;
  meters: number;
  readings: number;
  bills: number;
  payments: number;
  periods: string[];
  seconds: number;
}

const rowCount = (result: unknown) => Number((result as { rowCount?: number }).rowCount ?? 0);

/** The month before today's, YYYY-MM. */
export function lastMonth(now = new Date()): string {
  return shiftPeriod(now.toISOString().slice(0, 7), -1);
}

/**
 * Deterministic demo data (same seed → same rows): customers of every SG186 category spread over
 * the county and station departments, a meter each, monthly readings with seasonal and TOU
 * patterns and a few anomalies (a rollover, zero use, estimates, a jump, new connections) that trip
 * audit rules, bills from the billing run, and payments that leave some arrears. Set-based SQL
 * throughout, so a million customers take minutes, not hours. Expects an organisation (departments).
 */
export async function generateDemoData(db: Db, options: DemoDataOptions): Promise<DemoDataSummary> {
  const t0 = performance.now();
  const seed = options.seed ?? 'demo';
  const months = Math.max(2, options.months ?? 12);
  const last = options.lastPeriod ?? lastMonth();
  const first = shiftPeriod(last, -(months - 1));
  const departments = (await db('departments')
    .whereIn('level', ['county', 'station'])
    .orderBy('id')
    .pluck('id')) as string[];
  if (departments.length === 0)
    throw new Error('demo data needs the demo organisation (no county or station departments)');
  const log = (step: string, extra: Record<string, unknown> = {}) =>
    options.logger?.info({ step, seconds: Math.round((performance.now() - t0) / 100) / 10, ...extra }, 'demo data');

  const customers = rowCount(
    await db.raw(CUSTOMERS_SQL, [seed, options.customers, seed, `{${departments.join(',')}}`, departments.length]),
  );
  const meters = rowCount(await db.raw(METERS_SQL, [seed, `${first}-01`]));
  await db.raw(HOUSEHOLDS_SQL);
  await db.raw(SUB_METERS_SQL);
  log('customers and meters', { customers });
  const readings = rowCount(await db.raw(READINGS_SQL, [seed, first, months]));
  log('readings', { readings });
  for (const table of ['customers', 'meters', 'readings']) await db.raw(`ANALYZE ${table}`);

  const periods: string[] = [];
  if (options.bills !== false) {
    for (let k = 1; k < months; k++) {
      const period = shiftPeriod(first, k);
      const id = randomUUID();
      await db('billing_runs').insert({ id, period, node_id: 'demo-data', started_by: 'demo' });
      await executeBillingRun(db, id, { period, departmentPath: null }, 'demo', { logger: options.logger });
      const run: { status: string; failure: string | null; billed: number; held: number } | undefined = await db(
        'billing_runs',
      )
        .where({ id })
        .first('status', 'failure', 'billed', 'held');
      if (run?.status !== 'completed')
        throw new Error(`demo billing run for ${period} failed: ${String(run?.failure)}`);
      periods.push(period);
      log('billing run', { period, billed: run.billed, held: run.held });
    }
  }
  let payments = 0;
  if (options.bills !== false && options.payments !== false) {
    payments = rowCount(await db.raw(PAYMENTS_SQL, [first, months, seed, last, last]));
    await db.raw(ALLOCATIONS_SQL);
    await db.raw(SETTLE_SQL);
    log('payments', { payments });
  }
  const bills = Number((await db('bills').count<{ n: number }[]>('* as n'))[0]?.n ?? 0);
  return { customers, meters, readings, bills, payments, periods, seconds: (performance.now() - t0) / 1000 };
}

/**
 * `npm start`'s demo set: generated once, into a database without customers. Internal: a failure
 * here is a start-up failure, as for the rest of the demo seed.
 */
export async function seedDemoData(db: Db, customers: number, logger?: Logger): Promise<DemoDataSummary | null> {
  if (customers <= 0) return null;
  const existing = await db('customers').count<{ n: number }[]>('* as n');
  if (Number(existing[0]?.n ?? 0) > 0) return null;
  const summary = await generateDemoData(db, { customers, ...(logger ? { logger } : {}) });
  logger?.info(
    { ...summary, periods: summary.periods.length },
    'demo customers, readings, bills and payments generated',
  );
  return summary;
}

/** md5 over the generated rows in a stable order, without timestamps of the run: same seed → same checksum. */
export async function demoDataChecksum(db: Db): Promise<string> {
  const result: { rows: { checksum: string }[] } = await db.raw(`
    SELECT md5(
      (SELECT string_agg(concat_ws('|', id, account_no, name, department_id, elec_type_code, voltage_level, capacity_kva, pf_standard), ';' ORDER BY id) FROM customers) ||
      (SELECT string_agg(concat_ws('|', id, customer_id, multiplier, register_digits, tou_capable, install_date, main_meter_id), ';' ORDER BY id) FROM meters) ||
      (SELECT string_agg(concat_ws('|', id, meter_id, period, total, peak, flat, valley, reactive_kvarh, max_demand_kw, reading_type, read_at), ';' ORDER BY id) FROM readings) ||
      coalesce((SELECT string_agg(concat_ws('|', id, customer_id, period, total, status, paid_amount, due_date, audit_flags::text, lines::text), ';' ORDER BY id) FROM bills), '') ||
      coalesce((SELECT string_agg(concat_ws('|', id, customer_id, channel, amount, paid_at), ';' ORDER BY id) FROM payments), '')
    ) AS checksum`);
  return result.rows[0]?.checksum ?? '';
}
