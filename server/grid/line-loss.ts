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
 * not adjustments) of that billing month of the customers connected to the area in that month
 * ({@link billedByArea}). Internal metering points (category 000) are no sales (DOMAIN.md §1).
 * Null when nothing was supplied.
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

/**
 * The kWh billed in each month to the customers connected to each area in that month. A meter's
 * box in a month is the box it left at its first move effective after that month (`meter_moves`),
 * else its box now: a customer moved in August is still billed in its old area for July. A
 * customer with meters in the area counts once; internal metering points (000) not at all.
 */
async function billedByArea(
  db: Db,
  areaIds: string[],
  periods: string[],
): Promise<{ area_id: string; period: string; kwh: string }[]> {
  const result = await db.raw<{ rows: { area_id: string; period: string; kwh: string }[] }>(
    `WITH boxes AS (SELECT id, area_id FROM meter_boxes WHERE area_id = ANY(?::text[])),
          candidates AS (
            SELECT m.id, m.customer_id, m.meter_box_id FROM meters m
              JOIN customers c ON c.id = m.customer_id
             WHERE m.status = 'in_service' AND c.elec_type_code <> '000'
               AND (m.meter_box_id IN (SELECT id FROM boxes)
                    OR EXISTS (SELECT 1 FROM meter_moves mv
                                WHERE mv.meter_id = m.id AND mv.from_box_id IN (SELECT id FROM boxes)))),
          placed AS (
            SELECT DISTINCT bx.area_id, k.customer_id, per.period
              FROM candidates k
              CROSS JOIN unnest(?::text[]) AS per(period)
              LEFT JOIN LATERAL (SELECT mv.id AS move_id, mv.from_box_id FROM meter_moves mv
                                  WHERE mv.meter_id = k.id AND mv.effective_period > per.period
                                  ORDER BY mv.effective_period, mv.id LIMIT 1) earlier ON true
              JOIN boxes bx ON bx.id = CASE WHEN earlier.move_id IS NULL THEN k.meter_box_id ELSE earlier.from_box_id END)
     SELECT p.area_id, p.period, sum(${BILL_KWH})::text AS kwh
       FROM placed p
       JOIN bills b ON b.customer_id = p.customer_id AND b.period = p.period
      WHERE b.kind = 'energy' AND b.status <> 'held'
      GROUP BY p.area_id, p.period`,
    [areaIds, periods],
  );
  return result.rows;
}

/** Each area's line loss in each month of [from, to]. */
export async function lineLosses(db: Db, areas: AreaRef[], from: string, to: string): Promise<LineLoss[]> {
  if (!areas.length) return [];
  const ids = areas.map((a) => a.id);
  const supplied = await db('area_supply')
    .whereIn('area_id', ids)
    .whereBetween('period', [from, to])
    .select<{ area_id: string; period: string; kwh: string }[]>('area_id', 'period', 'kwh');
  const billed = await billedByArea(db, ids, periodsBetween(from, to));
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
