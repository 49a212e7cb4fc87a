import type { Db } from '../db/index.js';
import type { ReadingTypeCode } from '../domain/audit/index.js';
import type { BillOutcome, RegisterReading, RunCustomer, RunMeter, RunSubMeter } from './billing-compute.js';
import { shiftPeriod } from './billing-periods.js';
import { completedChangesOf } from './capacity-changes.js';
import { daysInMonth } from '../domain/billing/dates.js';
import { inSubtree } from '../access/department-subtree.js';

/**
 * The billing run's set-based SQL: one chunk of customers read with three queries (customers;
 * meters with this and the previous period's readings; the last 12 months of bills) and written
 * with one multi-row upsert. Row by row this would be 10⁶ round trips.
 */

export interface RunScope {
  period: string;
  /** The department subtree's path (`/HQ/ZJ/`), or null for every department. */
  departmentPath: string | null;
  /** One customer only (the bill audit's recalculation after a corrected reading). */
  customerId?: string | undefined;
}

const REGISTERS = ['total', 'sharp', 'peak', 'flat', 'valley', 'deep_valley', 'reactive_kvarh', 'max_demand_kw'];
/** A reading's registers as `<alias>_<register>` text columns (read back by `readingOf`). */
export const readingColumns = (alias: string) =>
  [...REGISTERS.map((r) => `${alias}.${r}::text as ${alias}_${r}`), `${alias}.reading_type as ${alias}_type`].join(
    ', ',
  );

type Row = Record<string, string | null>;

export function readingOf(row: Row, alias: string): RegisterReading | null {
  const value = (r: string) => row[`${alias}_${r}`] ?? null;
  const total = value('total');
  if (total === null) return null;
  return {
    total,
    sharp: value('sharp'),
    peak: value('peak'),
    flat: value('flat'),
    valley: value('valley'),
    deepValley: value('deep_valley'),
    reactiveKvarh: value('reactive_kvarh'),
    maxDemandKw: value('max_demand_kw'),
    readingType: value('type') as ReadingTypeCode,
  };
}

/** A uuid[] parameter as an array literal: the same text binds on pg and on PGlite. */
const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`;

/**
 * Active customers in scope after `afterId` (keyset order by id); internal customers (000) are not
 * billed, nor closed accounts (DOMAIN.md §9: a closed account is never billed again).
 */
export async function loadChunk(db: Db, scope: RunScope, afterId: string | null, size: number): Promise<RunCustomer[]> {
  const q = db('customers as c')
    .select('c.id', 'c.elec_type_code', 'c.voltage_level', 'c.pf_standard', 'c.tariff_code')
    .select(db.raw('c.capacity_kva::text as capacity_kva'), 'c.low_income')
    .select(db.raw(`to_char(c.connected_on, 'YYYY-MM-DD') as connected_on`))
    .where('c.status', 'active')
    .whereNot('c.elec_type_code', '000')
    .orderBy('c.id')
    .limit(size);
  if (afterId) q.where('c.id', '>', afterId);
  if (scope.customerId) q.where('c.id', scope.customerId);
  if (scope.departmentPath) {
    q.where(inSubtree('c.department_id', scope.departmentPath));
  }
  const customers = (await q) as (Row & { low_income: boolean })[];
  if (customers.length === 0) return [];
  const ids = uuidArray(customers.map((c) => c.id as string));
  const lastDay = `${scope.period}-${String(daysInMonth(scope.period)).padStart(2, '0')}`;
  const [meterRows, billRows, changes, subRows] = await Promise.all([
    db.raw<{ rows: (Row & { register_digits: number; tou_capable: boolean })[] }>(
      `SELECT m.id, m.customer_id, m.multiplier::text AS multiplier, m.register_digits, m.tou_capable,
              to_char(m.install_date, 'YYYY-MM-DD') AS install_date, ${readingColumns('c')}, ${readingColumns('p')}
         FROM meters m
         LEFT JOIN readings c ON c.meter_id = m.id AND c.period = ?
         LEFT JOIN readings p ON p.meter_id = m.id AND p.period = ?
        WHERE m.customer_id = ANY(?::uuid[]) AND m.status = 'in_service'
        ORDER BY m.customer_id, m.asset_no`,
      [scope.period, shiftPeriod(scope.period, -1), ids],
    ),
    // Bills issued outside the run carry no consumption_kwh: their energy lines (01) say it.
    db.raw<{ rows: Row[] }>(
      `SELECT b.customer_id, b.period,
              coalesce(b.consumption_kwh, (SELECT sum((l->>'quantity')::numeric) FROM jsonb_array_elements(b.lines) l
                                            WHERE l->>'type' = '01'), 0)::text AS kwh,
              b.reactive_kvarh::text AS kvarh
         FROM bills b
        WHERE b.customer_id = ANY(?::uuid[]) AND b.period >= ? AND b.period < ? AND b.status <> 'written_off'
          AND b.kind = 'energy'`,
      [ids, shiftPeriod(scope.period, -12), scope.period],
    ),
    completedChangesOf(
      db,
      customers.map((c) => c.id as string),
      lastDay,
    ),
    // Audit rule 8: the sub-meters in service behind the chunk's meters, with both total registers.
    db.raw<{ rows: (Row & { register_digits: number })[] }>(
      `SELECT s.id, s.main_meter_id, s.multiplier::text AS multiplier, s.register_digits,
              c.total::text AS current, p.total::text AS previous
         FROM meters s
         JOIN meters m ON m.id = s.main_meter_id
         LEFT JOIN readings c ON c.meter_id = s.id AND c.period = ?
         LEFT JOIN readings p ON p.meter_id = s.id AND p.period = ?
        WHERE m.customer_id = ANY(?::uuid[]) AND m.status = 'in_service' AND s.status = 'in_service'
        ORDER BY s.main_meter_id, s.asset_no`,
      [scope.period, shiftPeriod(scope.period, -1), ids],
    ),
  ]);
  const subMeters = new Map<string, RunSubMeter[]>();
  for (const s of subRows.rows) {
    const list = subMeters.get(s.main_meter_id as string) ?? [];
    list.push({
      id: s.id as string,
      multiplier: s.multiplier as string,
      digits: Number(s.register_digits),
      current: s.current ?? null,
      previous: s.previous ?? null,
    });
    subMeters.set(s.main_meter_id as string, list);
  }
  const byId = new Map<string, RunCustomer>();
  for (const c of customers) {
    byId.set(c.id as string, {
      id: c.id as string,
      elecTypeCode: c.elec_type_code as string,
      voltageLevel: c.voltage_level ?? null,
      capacityKva: c.capacity_kva ?? null,
      pfStandard: c.pf_standard ?? null,
      tariffCode: c.tariff_code ?? null,
      lowIncome: c.low_income,
      connectedOn: c.connected_on ?? null,
      meters: [],
      history: new Map(),
      reactiveHistory: new Map(),
      capacityChanges: changes.get(c.id as string) ?? [],
    });
  }
  for (const m of meterRows.rows) {
    const meter: RunMeter = {
      id: m.id as string,
      multiplier: m.multiplier as string,
      digits: Number(m.register_digits),
      touCapable: m.tou_capable,
      installDate: m.install_date ?? null,
      current: readingOf(m, 'c'),
      previous: readingOf(m, 'p'),
      subMeters: subMeters.get(m.id as string) ?? [],
    };
    byId.get(m.customer_id as string)?.meters.push(meter);
  }
  for (const b of billRows.rows) {
    const customer = byId.get(b.customer_id as string);
    (customer?.history as Map<string, string>).set(b.period as string, b.kwh as string);
    if (b.kvarh !== null) (customer?.reactiveHistory as Map<string, string>).set(b.period as string, b.kvarh as string);
  }
  return [...byId.values()];
}

export interface ChunkCounts {
  processed: number;
  billed: number;
  held: number;
  skipped: number;
  kept: number;
  errors: number;
  errorSamples: { customerId: string; message: string }[];
}

/**
 * Upserts the chunk's bills on (customer_id, period): a re-run replaces its own earlier result
 * but never a bill that has payments (paid amount or allocations), which it counts as kept. An
 * account closed since its chunk was read gets no bill (DOMAIN.md §9), and counts as kept too.
 * Bill ids are derived from customer and period, so a re-run or a regenerated demo set is stable.
 */
export async function writeBills(
  trx: Db,
  /** Null for a bill no run wrote (an account closure's final bill). */
  runId: string | null,
  period: string,
  issuedBy: string,
  outcomes: { customerId: string; outcome: BillOutcome }[],
): Promise<ChunkCounts> {
  const counts: ChunkCounts = {
    processed: outcomes.length,
    billed: 0,
    held: 0,
    skipped: 0,
    kept: 0,
    errors: 0,
    errorSamples: [],
  };
  const rows = [];
  for (const { customerId, outcome } of outcomes) {
    if (outcome.kind === 'skipped') counts.skipped += 1;
    else if (outcome.kind === 'error') {
      counts.errors += 1;
      counts.errorSamples.push({ customerId, message: outcome.message });
    } else {
      const b = outcome.bill;
      rows.push({
        customer_id: customerId,
        lines: b.lines,
        total: b.total,
        due_date: b.dueDate,
        status: b.status,
        audit_flags: b.auditFlags,
        consumption_kwh: b.consumptionKwh,
        reactive_kvarh: b.reactiveKvarh,
      });
    }
  }
  if (rows.length === 0) return counts;
  const written = await trx.raw<{ rows: { status: string }[] }>(
    `INSERT INTO bills (id, customer_id, period, lines, total, due_date, status, paid_amount, issued_by, audit_flags, consumption_kwh, reactive_kvarh, billing_run_id)
     SELECT md5(x.customer_id::text || ':' || ?)::uuid, x.customer_id, ?, x.lines, x.total, x.due_date, x.status, 0, ?,
            x.audit_flags, x.consumption_kwh, x.reactive_kvarh, ?
       FROM jsonb_to_recordset(?::jsonb) AS x(customer_id uuid, lines jsonb, total numeric, due_date date, status text,
                                              audit_flags jsonb, consumption_kwh numeric, reactive_kvarh numeric)
      WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = x.customer_id AND c.status = 'closed')
     ON CONFLICT (customer_id, period) WHERE kind = 'energy' DO UPDATE
        SET lines = excluded.lines, total = excluded.total, due_date = excluded.due_date, status = excluded.status,
            audit_flags = excluded.audit_flags, consumption_kwh = excluded.consumption_kwh,
            reactive_kvarh = excluded.reactive_kvarh,
            billing_run_id = excluded.billing_run_id, issued_by = excluded.issued_by, issued_at = now()
      WHERE bills.paid_amount = 0 AND bills.status IN ('held', 'issued', 'settled')
        AND NOT EXISTS (SELECT 1 FROM payment_allocations a WHERE a.bill_id = bills.id)
     RETURNING status`,
    [period, period, issuedBy, runId, JSON.stringify(rows)],
  );
  counts.billed = written.rows.length; // held bills included: they are billed, not yet issued
  counts.held = written.rows.filter((r) => r.status === 'held').length;
  counts.kept = rows.length - written.rows.length;
  return counts;
}
