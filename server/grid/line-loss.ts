import type { Db } from '../db/index.js';
import { dec } from '../domain/decimal.js';
import type { LineLoss } from './grid.contract.js';

/** A bill's kWh: what the billing run recorded, else the quantities of its energy lines (01). */
const BILL_KWH = `coalesce(b.consumption_kwh, (select coalesce(sum((l ->> 'quantity')::numeric), 0)
  from jsonb_array_elements(b.lines) l where l ->> 'type' = '01'))`;

export interface AreaRef {
  id: string;
  name: string;
  department_id: string;
}

/** The months from `from` to `to` (YYYY-MM), both included. */
export function periodsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      y += 1;
      m = 1;
    }
  }
  return out;
}

/**
 * Line loss (台区线损) = (supplied − billed) / supplied: supplied is the area's summary meter kWh
 * of the month (`area_supply`), billed the kWh of the released energy bills (not held for audit,
 * not adjustments) of that billing month of the customers connected to the area now. Internal
 * metering points (category 000) are no sales (DOMAIN.md §1). Null when nothing was supplied.
 */
export function lossOf(supplied: string | null, billed: string): Pick<LineLoss, 'lossKwh' | 'lossPercent'> {
  if (supplied === null) return { lossKwh: null, lossPercent: null };
  const s = dec(supplied);
  const loss = s.minus(dec(billed));
  return {
    lossKwh: loss.toFixed(2),
    lossPercent: s.isZero() ? null : loss.dividedBy(s).times(100).toDecimalPlaces(2, 4).toFixed(2),
  };
}

/** Each area's line loss in each month of [from, to]. */
export async function lineLosses(db: Db, areas: AreaRef[], from: string, to: string): Promise<LineLoss[]> {
  if (!areas.length) return [];
  const ids = areas.map((a) => a.id);
  const supplied = await db('area_supply')
    .whereIn('area_id', ids)
    .whereBetween('period', [from, to])
    .select<{ area_id: string; period: string; kwh: string }[]>('area_id', 'period', 'kwh');
  const billed = await db
    .from(
      db('meters as m')
        .join('meter_boxes as mb', 'mb.id', 'm.meter_box_id')
        .join('customers as c', 'c.id', 'm.customer_id')
        .where('m.status', 'in_service')
        .whereNot('c.elec_type_code', '000')
        .whereIn('mb.area_id', ids)
        .distinct('mb.area_id', 'm.customer_id')
        .as('p'),
    )
    .join('bills as b', 'b.customer_id', 'p.customer_id')
    .where('b.kind', 'energy')
    .whereNot('b.status', 'held')
    .whereBetween('b.period', [from, to])
    .groupBy('p.area_id', 'b.period')
    .select<{ area_id: string; period: string; kwh: string }[]>(
      'p.area_id',
      'b.period',
      db.raw(`sum(${BILL_KWH}) as kwh`),
    );
  const departments = new Map(
    (
      await db('departments')
        .whereIn('id', [...new Set(areas.map((a) => a.department_id))])
        .select<{ id: string; name: string; name_en: string | null }[]>('id', 'name', 'name_en')
    ).map((d) => [d.id, d]),
  );
  const key = (area: string, period: string) => `${area}|${period}`;
  const suppliedBy = new Map(supplied.map((r) => [key(r.area_id, r.period), dec(r.kwh).toFixed(2)]));
  const billedBy = new Map(billed.map((r) => [key(r.area_id, r.period), dec(r.kwh).toFixed(2)]));
  const periods = periodsBetween(from, to);
  return areas.flatMap((a) =>
    periods.map((period) => {
      const s = suppliedBy.get(key(a.id, period)) ?? null;
      const b = billedBy.get(key(a.id, period)) ?? '0.00';
      return {
        areaId: a.id,
        areaName: a.name,
        departmentId: a.department_id,
        departmentName: departments.get(a.department_id)?.name ?? null,
        departmentNameEn: departments.get(a.department_id)?.name_en ?? null,
        period,
        suppliedKwh: s,
        billedKwh: b,
        ...lossOf(s, b),
      };
    }),
  );
}

/** The areas with the highest loss % in a month (areas without a supplied figure are left out). */
export function worst(losses: LineLoss[], limit: number): LineLoss[] {
  return losses
    .filter((l) => l.lossPercent !== null)
    .sort(
      (a, b) =>
        dec(b.lossPercent as string).comparedTo(dec(a.lossPercent as string)) || a.areaId.localeCompare(b.areaId),
    )
    .slice(0, limit);
}
