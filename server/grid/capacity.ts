import type { Db } from '../db/index.js';
import { dec, type Dec } from '../domain/decimal.js';

/**
 * The planning allowance a household without a recorded contracted capacity counts for (kVA):
 * households are not capacity-billed, so `customers.capacity_kva` is mostly empty for them, yet
 * they load the transformer (README: the spare capacity rule).
 */
export const HOUSEHOLD_ALLOWANCE_KVA = 8;

/** SQL: the kVA a customer row `c` counts for in its area. */
export const COUNTED_KVA = `coalesce(c.capacity_kva, CASE WHEN c.elec_type_code IN ('200', '201', '202') THEN ${HOUSEHOLD_ALLOWANCE_KVA} ELSE 0 END)`;

export interface AreaLoad {
  customers: number;
  usedKva: string;
}

/**
 * Customers connected to each area and the kVA they hold: every customer not closed with an
 * in-service meter in one of the area's boxes, counted once per area.
 */
export async function areaLoads(db: Db, areaIds: string[]): Promise<Map<string, AreaLoad>> {
  if (!areaIds.length) return new Map();
  const rows = await db
    .from(
      db('meters as m')
        .join('meter_boxes as b', 'b.id', 'm.meter_box_id')
        .join('customers as c', 'c.id', 'm.customer_id')
        .where('m.status', 'in_service')
        .whereNot('c.status', 'closed')
        .whereIn('b.area_id', areaIds)
        .distinct('b.area_id', 'c.id', db.raw(`${COUNTED_KVA} as kva`))
        .as('placed'),
    )
    .groupBy('area_id')
    .select<{ area_id: string; customers: string | number; used: string | number }[]>(
      'area_id',
      db.raw('count(*) as customers'),
      db.raw('coalesce(sum(kva), 0) as used'),
    );
  return new Map(rows.map((r) => [r.area_id, { customers: Number(r.customers), usedKva: dec(r.used).toFixed(2) }]));
}

/** Spare capacity = rated kVA − the kVA connected customers hold (negative when overloaded). */
export function spareKva(ratedKva: string | number | Dec, usedKva: string | number | Dec): string {
  return dec(ratedKva).minus(dec(usedKva)).toFixed(2);
}
