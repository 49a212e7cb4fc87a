import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { CapacityChange, CapacityChangeKind } from '../domain/billing/index.js';
import { dec } from '../domain/decimal.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';

/**
 * The records of suspensions, reductions and their restorations (DOMAIN.md §9), as the change
 * processes write them and the billing run reads them. A sealing or unsealing is `applied` until the
 * technician's date is known, then `completed`; only completed records change the basic charge.
 */

export interface CapacityChangeInput {
  customerId: string;
  kind: CapacityChangeKind;
  kva: string;
  /** suspend / reduce: the day sealed on site (absent while the work is still to be done). */
  sealedOn?: string | undefined;
  /** suspend: the last day of the period applied for. */
  plannedEndOn?: string | undefined;
  /** The day the application asks the site work for (a suspension waiting for it still counts, §9). */
  plannedOn?: string | undefined;
  /** restore / restore-reduction: the day unsealed on site, and the sealing it ends. */
  unsealedOn?: string | undefined;
  restoresId?: string | undefined;
  processInstanceId?: string | undefined;
}

const SEALS: Record<CapacityChangeKind, CapacityChangeKind | null> = {
  suspend: null,
  reduce: null,
  restore: 'suspend',
  'restore-reduction': 'reduce',
};

const invalid = (field: string, reason: string) =>
  new Invalid('VALIDATION_FAILED', `${field} ${reason}`, [{ field, reason }]);

interface SealingRow {
  id: string;
  customer_id: string;
  kind: CapacityChangeKind;
  capacity_kva: string;
  sealed_on: string | null;
  status: string;
}

/** Checks a restoration against the sealing it ends: same customer and kind, sealed, not over-restored. */
async function checkRestoration(trx: Db, input: CapacityChangeInput, sealingKind: CapacityChangeKind) {
  if (!input.restoresId) throw invalid('restoresId', `is required for a ${input.kind}`);
  const sealing = await trx('capacity_changes')
    .where({ id: input.restoresId })
    .forUpdate()
    .first<SealingRow | undefined>(
      'id',
      'customer_id',
      'kind',
      'capacity_kva',
      trx.raw(`to_char(sealed_on, 'YYYY-MM-DD') as sealed_on`),
      'status',
    );
  if (!sealing || sealing.customer_id !== input.customerId) throw new NotFound('capacity change', input.restoresId);
  if (sealing.kind !== sealingKind || sealing.status !== 'completed' || sealing.sealed_on === null) {
    throw new Conflict('CAPACITY_NOT_SEALED', `capacity change ${sealing.id} is not a completed ${sealingKind}`);
  }
  if (input.unsealedOn !== undefined && input.unsealedOn <= sealing.sealed_on) {
    throw invalid('unsealedOn', `must be after the sealing on ${sealing.sealed_on}`);
  }
  const restored = await trx('capacity_changes')
    .where({ restores_id: sealing.id })
    .whereNot({ status: 'cancelled' })
    .sum<{ kva: string | null }[]>('capacity_kva as kva');
  const left = dec(sealing.capacity_kva).minus(restored[0]?.kva ?? 0);
  if (dec(input.kva).greaterThan(left)) {
    throw new Conflict('CAPACITY_OVER_RESTORED', `only ${left.toString()} kVA of ${sealing.id} is still sealed`);
  }
}

/** Records a change of service (applied, or completed when its site date is given); answers its id. */
export async function recordCapacityChange(db: Db, input: CapacityChangeInput, recordedBy: string): Promise<string> {
  if (!dec(input.kva).greaterThan(0)) throw invalid('kva', 'must be greater than 0');
  const sealingKind = SEALS[input.kind];
  const id = randomUUID();
  await db.transaction(async (trx) => {
    const customer = await trx('customers')
      .where({ id: input.customerId })
      .forUpdate()
      .first<{ capacity_kva: string | null; status: string } | undefined>('capacity_kva', 'status');
    if (!customer) throw new NotFound('customer', input.customerId);
    if (customer.status === 'closed')
      throw new Conflict('CUSTOMER_CLOSED', 'a closed account has no capacity to change');
    if (sealingKind === null) {
      if (customer.capacity_kva === null || dec(input.kva).greaterThan(customer.capacity_kva)) {
        throw invalid('kva', `must not exceed the contracted ${customer.capacity_kva ?? 0} kVA`);
      }
      if (input.plannedEndOn !== undefined && input.sealedOn !== undefined && input.plannedEndOn < input.sealedOn) {
        throw invalid('plannedEndOn', 'must not be before sealedOn');
      }
    } else {
      await checkRestoration(trx, input, sealingKind);
    }
    const done = sealingKind === null ? input.sealedOn !== undefined : input.unsealedOn !== undefined;
    await trx('capacity_changes').insert({
      id,
      customer_id: input.customerId,
      kind: input.kind,
      capacity_kva: dec(input.kva).toFixed(2),
      sealed_on: sealingKind === null ? (input.sealedOn ?? null) : null,
      planned_end_on: input.kind === 'suspend' ? (input.plannedEndOn ?? null) : null,
      planned_on: input.plannedOn ?? null,
      unsealed_on: sealingKind === null ? null : (input.unsealedOn ?? null),
      restores_id: sealingKind === null ? null : input.restoresId,
      status: done ? 'completed' : 'applied',
      process_instance_id: input.processInstanceId ?? null,
      recorded_by: recordedBy,
    });
  });
  return id;
}

/** The technician's date: the day an applied change was sealed or unsealed on site. */
export async function completeCapacityChange(db: Db, id: string, siteDate: string): Promise<void> {
  await db.transaction(async (trx) => {
    const row = await trx('capacity_changes')
      .where({ id })
      .forUpdate()
      .first<{ kind: CapacityChangeKind; status: string } | undefined>('kind', 'status');
    if (!row) throw new NotFound('capacity change', id);
    if (row.status !== 'applied')
      throw new Conflict('CAPACITY_CHANGE_NOT_APPLIED', `capacity change ${id} is ${row.status}`);
    const column = SEALS[row.kind] === null ? 'sealed_on' : 'unsealed_on';
    await trx('capacity_changes')
      .where({ id })
      .update({ [column]: siteDate, status: 'completed', updated_at: trx.fn.now() });
  });
}

/**
 * Completed changes of these customers done on or before `lastDay` (the billed month's last day),
 * by customer, as the pure rules take them.
 */
export async function completedChangesOf(
  db: Db,
  customerIds: readonly string[],
  lastDay: string,
): Promise<Map<string, CapacityChange[]>> {
  const byCustomer = new Map<string, CapacityChange[]>();
  if (customerIds.length === 0) return byCustomer;
  const rows = await db.raw<{
    rows: {
      id: string;
      customer_id: string;
      kind: CapacityChangeKind;
      kva: string;
      sealed_on: string | null;
      planned_end_on: string | null;
      unsealed_on: string | null;
      restores_id: string | null;
    }[];
  }>(
    `SELECT id, customer_id, kind, capacity_kva::text AS kva, restores_id,
            to_char(sealed_on, 'YYYY-MM-DD') AS sealed_on, to_char(planned_end_on, 'YYYY-MM-DD') AS planned_end_on,
            to_char(unsealed_on, 'YYYY-MM-DD') AS unsealed_on
       FROM capacity_changes
      WHERE customer_id = ANY(?::uuid[]) AND status = 'completed'
        AND coalesce(sealed_on, unsealed_on) <= ?::date
      ORDER BY customer_id, coalesce(sealed_on, unsealed_on), id`,
    [`{${customerIds.join(',')}}`, lastDay],
  );
  for (const r of rows.rows) {
    const list = byCustomer.get(r.customer_id) ?? [];
    list.push({
      id: r.id,
      kind: r.kind,
      kva: r.kva,
      sealedOn: r.sealed_on,
      plannedEndOn: r.planned_end_on,
      unsealedOn: r.unsealed_on,
      restoresId: r.restores_id,
    });
    byCustomer.set(r.customer_id, list);
  }
  return byCustomer;
}
