import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, utilityToday } from '../../../server/lib/clock.js';
import { BACKENDS } from '../../support/database.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';

const XH = 'ZJ-HZ-XH';
const YH = 'ZJ-HZ-YH';

/**
 * The network of this file (its own database):
 *   XH-SS (XH) ─ XH-F1 ─ A1 (XH, 200 kVA): box A1-B1 [c1, c2, c3, c4, internal, h2], box A1-B2 [c5]
 *                      └ A2 (XH,  50 kVA): box A2-B1 [h1 (8 kVA), ci (30 kVA)]
 *   YH-SS (YH) ─ YH-F1 ─ B1 (YH, 400 kVA): box B1-B1 [y1]
 */
describe.each(BACKENDS)('grid view /api/v1/grid (%s)', (backend) => {
  let t: TestPlatform;
  const db = () => t.platform.services.db;
  const ids: Record<string, string> = {};
  const meters: Record<string, string> = {};
  let sequence = 0;

  async function customer(
    key: string,
    departmentId: string,
    box: string,
    fields: { elecTypeCode?: string; capacityKva?: string | null; phone?: string | null } = {},
  ) {
    const id = randomUUID();
    sequence += 1;
    await db()('customers').insert({
      id,
      account_no: `GRID${backend === 'postgres' ? 'P' : 'L'}${String(sequence).padStart(4, '0')}`,
      name: `电网测试${key}`,
      department_id: departmentId,
      elec_type_code: fields.elecTypeCode ?? '202',
      capacity_kva: fields.capacityKva ?? null,
      phone: fields.phone === undefined ? `1390000${String(sequence).padStart(4, '0')}` : fields.phone,
    });
    const meterId = randomUUID();
    await db()('meters').insert({
      id: meterId,
      asset_no: `GRIDM${backend}${sequence}`,
      customer_id: id,
      accuracy_class: '2.0',
      device_class: 'V',
      meter_box_id: box,
    });
    ids[key] = id;
    meters[key] = meterId;
  }

  async function bill(key: string, period: string, fields: Record<string, unknown>) {
    await db()('bills').insert({
      id: randomUUID(),
      customer_id: ids[key],
      period,
      total: '100.00',
      status: 'issued',
      due_date: '2026-11-20',
      issued_by: 'grid-test',
      ...fields,
    });
  }

  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    await db()('substations').insert([
      { id: 'XH-SS', name: '110kV 测试变', department_id: XH },
      { id: 'YH-SS', name: '110kV 余杭测试变', department_id: YH },
    ]);
    await db()('feeders').insert([
      { id: 'XH-F1', substation_id: 'XH-SS', name: '10kV 测试1号线', department_id: XH },
      { id: 'YH-F1', substation_id: 'YH-SS', name: '10kV 余杭1号线', department_id: YH },
    ]);
    await db()('transformer_areas').insert([
      { id: 'A1', feeder_id: 'XH-F1', name: '测试1号台区', rated_kva: 200, department_id: XH },
      { id: 'A2', feeder_id: 'XH-F1', name: '测试2号台区', rated_kva: 50, department_id: XH },
      { id: 'B1', feeder_id: 'YH-F1', name: '余杭1号台区', rated_kva: 400, department_id: YH },
    ]);
    await db()('meter_boxes').insert([
      { id: 'A1-B1', area_id: 'A1', name: '1号表箱' },
      { id: 'A1-B2', area_id: 'A1', name: '2号表箱' },
      { id: 'A2-B1', area_id: 'A2', name: '1号表箱' },
      { id: 'B1-B1', area_id: 'B1', name: '1号表箱' },
    ]);
    await customer('c1', XH, 'A1-B1');
    await customer('c2', XH, 'A1-B1');
    await customer('c3', XH, 'A1-B1', { phone: null });
    await customer('c4', XH, 'A1-B1');
    await customer('internal', XH, 'A1-B1', { elecTypeCode: '000' });
    await customer('h2', XH, 'A1-B1');
    await customer('c5', XH, 'A1-B2', { elecTypeCode: '400', capacityKva: '20' });
    await customer('h1', XH, 'A2-B1');
    await customer('ci', XH, 'A2-B1', { elecTypeCode: '400', capacityKva: '30' });
    await customer('y1', YH, 'B1-B1');

    // c4 turned planned outage notices off in the online hall.
    const login = randomUUID();
    await db()('customer_logins').insert({
      id: login,
      phone: `1380000${backend === 'postgres' ? '0001' : '0002'}`,
      display_name: 'c4',
      password_hash: 'x',
    });
    await db()('customer_login_accounts').insert({ login_id: login, customer_id: ids.c4 });
    await db()('customer_profiles').insert({ login_id: login, notify_outage: false });

    // 2026-10 in A1: the worked example of the line loss test.
    await db()('area_supply').insert([
      { area_id: 'A1', period: '2026-10', kwh: '1000.00', recorded_by: 'grid-test' },
      { area_id: 'A2', period: '2026-10', kwh: '0.00', recorded_by: 'grid-test' },
      { area_id: 'A1', period: '2026-09', kwh: '800.00', recorded_by: 'grid-test' },
      { area_id: 'B1', period: '2026-10', kwh: '500.00', recorded_by: 'grid-test' },
    ]);
    await bill('c1', '2026-10', { consumption_kwh: '420.00' });
    // c2's bill carries its kWh in its energy line only.
    await bill('c2', '2026-10', { lines: JSON.stringify([{ type: '01', quantity: '530.50', amount: '300.00' }]) });
    await bill('c3', '2026-10', { consumption_kwh: '100.00', status: 'held', due_date: null });
    await bill('c4', '2026-10', { consumption_kwh: '55.00', kind: 'adjustment' });
    await bill('internal', '2026-10', { consumption_kwh: '20.00' });
    await bill('c1', '2026-09', { consumption_kwh: '760.00' });
    await bill('y1', '2026-10', { consumption_kwh: '450.00' });
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  it("lists the network of the caller's departments only", async () => {
    const xh = await (await t.as('xh.manager')).get('/api/v1/grid/tree');
    expect(xh.status).toBe(200);
    const areasOf = (tree: { substations: { feeders: { areas: { id: string }[] }[] }[] }) =>
      tree.substations.flatMap((s) => s.feeders.flatMap((f) => f.areas.map((a) => a.id)));
    expect(areasOf(xh.body)).toEqual(['A1', 'A2']);
    expect(xh.body.substations.map((s: { id: string }) => s.id)).toEqual(['XH-SS']);
    const yh = await (await t.as('yh.manager')).get('/api/v1/grid/tree');
    expect(areasOf(yh.body)).toEqual(['B1']);
    const province = await (await t.as('zj.manager')).get('/api/v1/grid/tree');
    expect(areasOf(province.body)).toEqual(['A1', 'A2', 'B1']);
    // A clerk without grid rights elsewhere: the collector holds no grid:read.
    expect((await (await t.as('xh.collector')).get('/api/v1/grid/tree')).status).toBe(403);
  });

  it("shows an area's boxes, customers and spare capacity, and hides another county's", async () => {
    const client = await t.as('xh.manager');
    const a2 = await client.get('/api/v1/grid/areas/A2');
    expect(a2.status).toBe(200);
    // Households without a contracted capacity count 8 kVA: 50 − (8 + 30) = 12.
    expect(a2.body).toMatchObject({ ratedKva: '50.00', usedKva: '38.00', spareKva: '12.00', customers: 2 });
    expect(a2.body.boxes[0].meters.map((m: { customerId: string }) => m.customerId).sort()).toEqual(
      [ids.h1, ids.ci].sort(),
    );
    expect((await client.get('/api/v1/grid/areas/B1')).status).toBe(404);
    expect((await (await t.as('yh.manager')).get('/api/v1/grid/areas/A1')).status).toBe(404);
  });

  it("answers a customer's place up to the substation", async () => {
    const place = await (await t.as('xh.account')).get(`/api/v1/grid/customers/${ids.c1}/place`);
    expect(place.status).toBe(200);
    expect(place.body.meters).toEqual([
      {
        meterId: meters.c1,
        assetNo: expect.any(String),
        box: { id: 'A1-B1', name: '1号表箱', location: null },
        area: { id: 'A1', name: '测试1号台区', departmentId: XH },
        feeder: { id: 'XH-F1', name: '10kV 测试1号线' },
        substation: { id: 'XH-SS', name: '110kV 测试变' },
      },
    ]);
    expect((await (await t.as('yh.account')).get(`/api/v1/grid/customers/${ids.c1}/place`)).status).toBe(404);
    const found = await (await t.as('xh.account')).get(`/api/v1/grid/customers?q=${encodeURIComponent('电网测试c5')}`);
    expect(found.body.items).toEqual([expect.objectContaining({ customerId: ids.c5, areaId: 'A1' })]);
  });

  it('computes line loss as (supplied − billed) / supplied, worked by hand', async () => {
    // A1, 2026-10: supplied 1 000.00 kWh. Billed: c1 420.00 (recorded kWh) + c2 530.50 (its energy
    // line) = 950.50; c3's bill is held, c4's is an adjustment, the internal point is no sale.
    // Loss 1 000.00 − 950.50 = 49.50 kWh; 49.50 / 1 000.00 = 4.95 %.
    const client = await t.as('xh.manager');
    const month = await client.get('/api/v1/grid/line-loss?period=2026-10');
    expect(month.status).toBe(200);
    expect(month.body.items).toEqual([
      {
        areaId: 'A1',
        areaName: '测试1号台区',
        departmentId: XH,
        departmentName: '西湖区供电分公司',
        departmentNameEn: 'Xihu County Office',
        period: '2026-10',
        suppliedKwh: '1000.00',
        billedKwh: '950.50',
        lossKwh: '49.50',
        lossPercent: '4.95',
      },
      // A2 supplied 0 kWh: no loss rate.
      expect.objectContaining({ areaId: 'A2', suppliedKwh: '0.00', billedKwh: '0.00', lossPercent: null }),
    ]);
    // A1, 2026-09: (800 − 760) / 800 = 5.00 %; 2026-08 has no summary reading.
    const trend = await client.get('/api/v1/grid/areas/A1/line-loss?from=2026-08&to=2026-10');
    expect(
      trend.body.items.map((l: { period: string; lossPercent: string | null }) => [l.period, l.lossPercent]),
    ).toEqual([
      ['2026-08', null],
      ['2026-09', '5.00'],
      ['2026-10', '4.95'],
    ]);
    // The province ranks both counties: B1 (500 − 450) / 500 = 10.00 % before A1.
    const worst = await (await t.as('zj.manager')).get('/api/v1/grid/line-loss?period=2026-10&order=worst&limit=5');
    expect(worst.body.items.map((l: { areaId: string; lossPercent: string }) => [l.areaId, l.lossPercent])).toEqual([
      ['B1', '10.00'],
      ['A1', '4.95'],
    ]);
    expect((await client.get(`/api/v1/grid/line-loss?period=2026-10&departmentId=${YH}`)).status).toBe(403);
  });

  it('gives the same figures in the report centre', async () => {
    const report = await (await t.as('xh.manager')).get('/api/v1/reports/line-loss?from=2026-10-01&to=2026-10-31');
    expect(report.status).toBe(200);
    expect(report.body.rows).toEqual([
      expect.objectContaining({ areaId: 'A1', suppliedKwh: '1000.00', billedKwh: '950.50', lossRate: '0.0495' }),
      expect.objectContaining({ areaId: 'A2', suppliedKwh: '0.00', lossRate: null }),
    ]);
  });

  it('refuses a move into an area without the spare capacity, and changes nothing', async () => {
    const client = await t.as('xh.manager');
    // c5 holds 20 kVA; A2 has 12 to spare.
    const refused = await client.post(`/api/v1/grid/meters/${meters.c5}/move`, {
      meterBoxId: 'A2-B1',
      reason: '表箱改造',
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'GRID_CAPACITY_EXCEEDED', spareKva: '12.00', neededKva: '20.00' });
    const meter = await db()('meters').where({ id: meters.c5 }).first('meter_box_id');
    expect(meter.meter_box_id).toBe('A1-B2');
  });

  it('moves a meter to another area and audits where from and where to', async () => {
    const client = await t.as('xh.manager');
    const moved = await client.post(`/api/v1/grid/meters/${meters.h2}/move`, {
      meterBoxId: 'A2-B1',
      reason: '线路切改',
    });
    expect(moved.status).toBe(200);
    // 50 − (38 + 8) = 4
    expect(moved.body).toEqual({
      meterId: meters.h2,
      customerId: ids.h2,
      from: { meterBoxId: 'A1-B1', areaId: 'A1' },
      to: { meterBoxId: 'A2-B1', areaId: 'A2' },
      spareKva: '4.00',
    });
    const audit = await db()('audit_log').where({ action: 'grid.meter.moved', object_id: meters.h2 });
    expect(audit).toHaveLength(1);
    const details = typeof audit[0].details === 'string' ? JSON.parse(audit[0].details) : audit[0].details;
    expect(details).toMatchObject({
      customerId: ids.h2,
      from: { meterBoxId: 'A1-B1', areaId: 'A1' },
      to: { meterBoxId: 'A2-B1', areaId: 'A2' },
      reason: '线路切改',
    });
    const place = await client.get(`/api/v1/grid/customers/${ids.h2}/place`);
    expect(place.body.meters[0].area.id).toBe('A2');
  });

  it('refuses moves out of scope, without the right, or with bad input', async () => {
    const manager = await t.as('xh.manager');
    // Another county's box does not exist for the caller.
    expect(
      (await manager.post(`/api/v1/grid/meters/${meters.c1}/move`, { meterBoxId: 'B1-B1', reason: '越界' })).status,
    ).toBe(404);
    // Another county's meter neither.
    expect(
      (await manager.post(`/api/v1/grid/meters/${meters.y1}/move`, { meterBoxId: 'A1-B1', reason: '越界' })).status,
    ).toBe(404);
    // The surveyor reads the grid but may not change it.
    expect(
      (
        await (
          await t.as('xh.surveyor')
        ).post(`/api/v1/grid/meters/${meters.c1}/move`, {
          meterBoxId: 'A1-B2',
          reason: '无权',
        })
      ).status,
    ).toBe(403);
    const bad = await manager.post(`/api/v1/grid/meters/${meters.c1}/move`, { meterBoxId: 'A1-B2', reason: '' });
    expect(bad.status).toBe(400);
    expect(
      (await manager.post(`/api/v1/grid/meters/not-a-uuid/move`, { meterBoxId: 'A1-B2', reason: '换箱' })).status,
    ).toBe(400);
    expect((await manager.get('/api/v1/grid/line-loss?period=2026-13')).status).toBe(400);
    expect((await manager.get('/api/v1/grid/areas/A1/line-loss?from=2026-10&to=2026-08')).status).toBe(400);
    const meter = await db()('meters').where({ id: meters.c1 }).first('meter_box_id');
    expect(meter.meter_box_id).toBe('A1-B1');
    expect(await db()('audit_log').where({ action: 'grid.meter.moved', object_id: meters.c1 })).toHaveLength(0);
  });

  it('sends one planned outage notice per customer of an area, none to the unsubscribed, once per window', async () => {
    const client = await t.as('xh.manager');
    const body = {
      targetType: 'area',
      targetId: 'A1',
      startsAt: '2026-12-20T00:30:00Z',
      endsAt: '2026-12-20T08:00:00Z',
      reason: '配变增容改造',
    };
    const first = await client.post('/api/v1/grid/outage-notices', body);
    expect(first.status).toBe(201);
    // A1 now holds c1, c2, c3 (no phone), c4 (unsubscribed), the internal point and c5 (h2 moved out).
    expect(first.body).toMatchObject({ targetName: '测试1号台区', customers: 6, sent: 4, unsubscribed: 1 });
    const rows = await db()('notifications').where('idempotency_key', 'like', `planned-outage:${first.body.id}:%`);
    expect(rows).toHaveLength(6);
    const c4 = rows.find((r: { customer_id: string }) => r.customer_id === ids.c4);
    expect(c4).toMatchObject({ status: 'failed', recipient: '' });
    const c1 = rows.find((r: { customer_id: string }) => r.customer_id === ids.c1);
    expect(c1.status).toBe('sent');
    expect(c1.body).toContain('2026-12-20 08:30至2026-12-20 16:00');
    expect(c1.body).toContain('配变增容改造');

    const again = await client.post('/api/v1/grid/outage-notices', body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await db()('notifications').where('template', 'planned_outage')).toHaveLength(6);
    expect(await db()('audit_log').where({ action: 'grid.outage.notified', object_id: 'A1' })).toHaveLength(1);
  });

  it('notifies every area of a feeder, and refuses one out of scope or with a bad window', async () => {
    const client = await t.as('xh.manager');
    const feeder = await client.post('/api/v1/grid/outage-notices', {
      targetType: 'feeder',
      targetId: 'XH-F1',
      startsAt: '2026-12-21T01:00:00Z',
      endsAt: '2026-12-21T03:00:00Z',
      reason: '线路检修',
    });
    expect(feeder.status).toBe(201);
    // A1's six and A2's h1, ci and h2.
    expect(feeder.body).toMatchObject({ customers: 9, unsubscribed: 1 });
    const window = { startsAt: '2026-12-21T01:00:00Z', endsAt: '2026-12-21T03:00:00Z', reason: '线路检修' };
    expect(
      (await client.post('/api/v1/grid/outage-notices', { targetType: 'feeder', targetId: 'YH-F1', ...window })).status,
    ).toBe(404);
    expect(
      (
        await (
          await t.as('xh.surveyor')
        ).post('/api/v1/grid/outage-notices', { targetType: 'area', targetId: 'A1', ...window })
      ).status,
    ).toBe(403);
    const backwards = await client.post('/api/v1/grid/outage-notices', {
      targetType: 'area',
      targetId: 'A2',
      startsAt: '2026-12-22T03:00:00Z',
      endsAt: '2026-12-22T01:00:00Z',
      reason: '线路检修',
    });
    expect(backwards.status).toBe(400);
    expect(await db()('planned_outages').where({ target_id: 'A2' })).toHaveLength(0);
  });

  it('lists spare capacity for a department, and refuses one out of scope', async () => {
    const client = await t.as('xh.surveyor');
    const spare = await client.get(`/api/v1/grid/spare-capacity?departmentId=${XH}`);
    expect(spare.status).toBe(200);
    expect(spare.body.items.map((a: { id: string; spareKva: string }) => [a.id, a.spareKva])).toEqual([
      ['A1', '148.00'],
      ['A2', '4.00'],
    ]);
    expect((await client.get(`/api/v1/grid/spare-capacity?departmentId=${YH}`)).status).toBe(403);
  });

  it("keeps a moved customer's past months in the area it left, and bills it in the new one from the move's month", async () => {
    // c1 (A1) moves to Yuhang's B1 this month: A1's October keeps c1's 420.00 kWh, B1's does not get it.
    const now = utilityToday(systemClock).slice(0, 7);
    await db()('area_supply').insert([
      { area_id: 'A1', period: now, kwh: '600.00', recorded_by: 'grid-test' },
      { area_id: 'B1', period: now, kwh: '900.00', recorded_by: 'grid-test' },
    ]);
    await bill('c1', now, { consumption_kwh: '300.00' });
    await bill('c2', now, { consumption_kwh: '250.00' });
    await bill('y1', now, { consumption_kwh: '500.00' });
    const province = await t.as('zj.manager');
    const figures = async (period: string) =>
      Object.fromEntries(
        (await province.get(`/api/v1/grid/line-loss?period=${period}`)).body.items.map(
          (l: { areaId: string; billedKwh: string; lossPercent: string | null }) => [
            l.areaId,
            [l.billedKwh, l.lossPercent],
          ],
        ),
      );
    const octoberBefore = await figures('2026-10');
    expect(octoberBefore).toMatchObject({ A1: ['950.50', '4.95'], B1: ['450.00', '10.00'] });
    // before the move, this month: A1 bills c1 and c2, B1 y1
    expect(await figures(now)).toMatchObject({ A1: ['550.00', '8.33'], B1: ['500.00', '44.44'] });

    const moved = await province.post(`/api/v1/grid/meters/${meters.c1}/move`, {
      meterBoxId: 'B1-B1',
      reason: '台区切改',
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const history = await db()('meter_moves').where({ meter_id: meters.c1 });
    expect(history).toEqual([
      expect.objectContaining({
        from_box_id: 'A1-B1',
        to_box_id: 'B1-B1',
        effective_period: now,
        moved_by: 'zj.manager',
      }),
    ]);

    // the months before the move are unchanged; from the move's month c1 is B1's
    expect(await figures('2026-10')).toEqual(octoberBefore);
    expect(await figures(now)).toMatchObject({ A1: ['250.00', '58.33'], B1: ['800.00', '11.11'] });
    const a1 = await province.get(`/api/v1/grid/areas/A1/line-loss?from=2026-09&to=2026-10`);
    expect(a1.body.items.map((l: { billedKwh: string }) => l.billedKwh)).toEqual(['760.00', '950.50']);
    const report = await (await t.as('xh.manager')).get('/api/v1/reports/line-loss?from=2026-10-01&to=2026-10-31');
    expect(report.body.rows).toEqual([
      expect.objectContaining({ areaId: 'A1', billedKwh: '950.50', lossRate: '0.0495' }),
      expect.objectContaining({ areaId: 'A2', lossRate: null }),
    ]);

    // moved back within the month: this month is A1's again, October still A1's
    const back = await province.post(`/api/v1/grid/meters/${meters.c1}/move`, {
      meterBoxId: 'A1-B1',
      reason: '恢复原台区',
    });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(await figures(now)).toMatchObject({ A1: ['550.00', '8.33'], B1: ['500.00', '44.44'] });
    expect(await figures('2026-10')).toEqual(octoberBefore);
  });
});
