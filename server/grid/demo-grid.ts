import { createHash } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import { dec } from '../domain/decimal.js';
import { lineLosses } from './line-loss.js';

/** Standard distribution transformer sizes (kVA). */
const SIZES = [100, 200, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500];
const CUSTOMERS_PER_AREA = 48;
const METERS_PER_BOX = 12;
/** The one area whose loss is out of line, so the ranking has something to find (~15 %). */
const BAD_AREA = 'ZJ-HZ-XH-TA03';

/** A uniform number in [0, 1) from a text: the same demo network every time. */
function unit(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0) / 4294967296;
}

function sizeFor(kva: number): number {
  return SIZES.find((s) => s >= kva) ?? Math.ceil(kva / 100) * 100;
}

function shortName(name: string): string {
  return name.replace(/(区供电分公司|供电分公司|供电所|供电公司)$/, '');
}

function shortNameEn(name: string | null, id: string): string {
  return (name ?? id).replace(/ (County Office|Station|Power Supply)$/, '');
}

interface DepartmentRow {
  id: string;
  parent_id: string | null;
  name: string;
  name_en: string | null;
  level: string;
}

interface PlacedCustomer {
  meter_id: string;
  customer_id: string;
  name: string;
  address: string | null;
  voltage_level: string | null;
  capacity_kva: string | null;
  elec_type_code: string;
}

/**
 * The demo network (README: demo data): per county two 110 kV substations with two 10 kV feeders
 * each; per county and station public transformer areas of about 48 customers in boxes of 12, sized
 * to the next standard transformer above their load with a margin; each 10 kV customer on a
 * dedicated area of its own; every demo customer's meter in a box; and the summary meters' monthly
 * kWh for every billed month, giving losses of 2–8 % (dedicated areas ~1 %, one area ~15 %).
 * Runs once, into a database whose network is empty.
 */
export async function seedDemoGrid(db: Db, logger?: Logger): Promise<boolean> {
  const existing = await db('substations').count<{ n: string | number }[]>('* as n');
  if (Number(existing[0]?.n ?? 0) > 0) return false;
  const departments = await db('departments')
    .whereIn('level', ['county', 'station'])
    .orderBy('id')
    .select<DepartmentRow[]>('id', 'parent_id', 'name', 'name_en', 'level');
  const areas: { id: string; loss: number }[] = [];
  let placed = 0;
  for (const county of departments.filter((d) => d.level === 'county')) {
    const short = shortName(county.name);
    const shortEn = shortNameEn(county.name_en, county.id);
    const feeders: string[] = [];
    for (const n of [1, 2]) {
      const substationId = `${county.id}-SS${n}`;
      await db('substations').insert({
        id: substationId,
        name: `110kV ${short}${n === 1 ? '一' : '二'}号变电站`,
        name_en: `110 kV ${shortEn} substation ${n}`,
        voltage_level: '110kV',
        department_id: county.id,
      });
      for (const m of [1, 2]) {
        const k = (n - 1) * 2 + m;
        const feederId = `${county.id}-F${k}`;
        await db('feeders').insert({
          id: feederId,
          substation_id: substationId,
          name: `10kV ${short}${k}号线`,
          name_en: `10 kV ${shortEn} line ${k}`,
          department_id: county.id,
        });
        feeders.push(feederId);
      }
    }
    const served = departments.filter((d) => d.id === county.id || d.parent_id === county.id);
    for (const [index, department] of served.entries()) {
      const customers = await db('meters as m')
        .join('customers as c', 'c.id', 'm.customer_id')
        .where('c.department_id', department.id)
        .where('m.status', 'in_service')
        .whereNull('m.meter_box_id')
        .orderBy('c.account_no')
        .orderBy('m.asset_no')
        .select<PlacedCustomer[]>(
          'm.id as meter_id',
          'c.id as customer_id',
          'c.name',
          'c.address',
          'c.voltage_level',
          'c.capacity_kva',
          'c.elec_type_code',
        );
      const deptShort = shortName(department.name);
      const deptShortEn = shortNameEn(department.name_en, department.id);
      const lv = customers.filter((c) => c.voltage_level !== '10kV');
      const hv = customers.filter((c) => c.voltage_level === '10kV');
      for (let a = 0; a * CUSTOMERS_PER_AREA < lv.length; a++) {
        const members = lv.slice(a * CUSTOMERS_PER_AREA, (a + 1) * CUSTOMERS_PER_AREA);
        const id = `${department.id}-TA${String(a + 1).padStart(2, '0')}`;
        const load = members.reduce(
          (sum, c) => sum + Number(c.capacity_kva ?? (['200', '201', '202'].includes(c.elec_type_code) ? 8 : 0)),
          0,
        );
        await db('transformer_areas').insert({
          id,
          feeder_id: feeders[(a + index) % feeders.length],
          name: `${deptShort}${a + 1}号台区`,
          name_en: `${deptShortEn} area ${a + 1}`,
          kind: 'public',
          rated_kva: sizeFor(load * (1.1 + unit(`${id}:margin`) * 0.5)),
          department_id: department.id,
          summary_meter_no: `ZB${id}`,
        });
        const loss = id === BAD_AREA ? 0.15 : 0.02 + unit(`${id}:loss`) * 0.06;
        areas.push({ id, loss });
        for (let b = 0; b * METERS_PER_BOX < members.length; b++) {
          const inBox = members.slice(b * METERS_PER_BOX, (b + 1) * METERS_PER_BOX);
          const boxId = `${id}-B${String(b + 1).padStart(2, '0')}`;
          await db('meter_boxes').insert({
            id: boxId,
            area_id: id,
            name: `${b + 1}号表箱`,
            location: inBox[0]?.address ?? null,
          });
          await db('meters')
            .whereIn(
              'id',
              inBox.map((c) => c.meter_id),
            )
            .update({ meter_box_id: boxId });
          placed += inBox.length;
        }
      }
      for (const [h, c] of hv.entries()) {
        const id = `${department.id}-TZ${String(h + 1).padStart(2, '0')}`;
        await db('transformer_areas').insert({
          id,
          feeder_id: feeders[(h + index + 1) % feeders.length],
          name: `${c.name}专变`,
          name_en: `${c.name} (dedicated)`,
          kind: 'dedicated',
          rated_kva: Number(c.capacity_kva ?? 0) > 0 ? c.capacity_kva : 315,
          department_id: department.id,
          summary_meter_no: `ZB${id}`,
        });
        areas.push({ id, loss: 0.005 + unit(`${id}:loss`) * 0.01 });
        await db('meter_boxes').insert({ id: `${id}-B01`, area_id: id, name: '计量柜', location: c.address });
        await db('meters')
          .where({ id: c.meter_id })
          .update({ meter_box_id: `${id}-B01` });
        placed += 1;
      }
    }
  }
  await seedSupply(db, areas);
  logger?.info({ areas: areas.length, meters: placed }, 'demo grid generated');
  return true;
}

/** Each area's summary meter kWh: what its customers were billed, grossed up by its loss. */
async function seedSupply(db: Db, areas: { id: string; loss: number }[]): Promise<void> {
  const range = await db('bills').first<{ from: string | null; to: string | null }>(
    db.raw('min(period) as "from"'),
    db.raw('max(period) as "to"'),
  );
  if (!range?.from || !range.to || !areas.length) return;
  const refs = await db('transformer_areas')
    .whereIn(
      'id',
      areas.map((a) => a.id),
    )
    .select<{ id: string; name: string; department_id: string }[]>('id', 'name', 'department_id');
  const lossOf = new Map(areas.map((a) => [a.id, a.loss]));
  const rows = (await lineLosses(db, refs, range.from, range.to)).map((l) => {
    // A month's loss wanders ±0.5 points around the area's own.
    const loss = (lossOf.get(l.areaId) ?? 0.05) + (unit(`${l.areaId}:${l.period}`) - 0.5) * 0.01;
    return {
      area_id: l.areaId,
      period: l.period,
      kwh: dec(l.billedKwh)
        .dividedBy(1 - loss)
        .toDecimalPlaces(2)
        .toFixed(2),
      recorded_by: 'demo',
    };
  });
  for (let i = 0; i < rows.length; i += 1000) await db('area_supply').insert(rows.slice(i, i + 1000));
}
