import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import { departmentInScope, departmentScope, inDepartments, type Scope } from '../access/department-subtree.js';
import type { Authorization } from '../identity/authorization.js';
import { auditRow } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import { systemClock, utilityToday, type Clock } from '../lib/clock.js';
import { Conflict, Forbidden, NotFound } from '../lib/errors.js';
import { dec } from '../domain/decimal.js';
import { areaLoads, COUNTED_KVA, spareKva } from './capacity.js';
import type {
  AreaDetail,
  AreaSummary,
  CustomerPlace,
  GridCustomer,
  GridTree,
  MeterMove,
  MeterMoveInput,
  PlacedMeter,
} from './grid.contract.js';

interface AreaRow {
  id: string;
  feeder_id: string;
  name: string;
  name_en: string | null;
  kind: 'public' | 'dedicated';
  rated_kva: string;
  department_id: string;
  summary_meter_no: string | null;
}

const AREA_COLUMNS = ['id', 'feeder_id', 'name', 'name_en', 'kind', 'rated_kva', 'department_id', 'summary_meter_no'];

/**
 * The grid view (server/grid/README.md): the network in the caller's grid:read departments, an
 * area's boxes and customers, a customer's place, and moving a meter between boxes (grid:write).
 * An area outside the read scope does not exist for the caller (404); one it may read but not
 * change is a 403.
 */
export class GridService {
  constructor(
    readonly db: Db,
    private readonly authorization: Authorization,
    private readonly clock: Clock = systemClock,
  ) {}

  readScope(actor: Actor): Promise<Scope> {
    return departmentScope(this.authorization, actor, 'grid', 'read');
  }

  async tree(actor: Actor): Promise<GridTree> {
    const scope = await this.readScope(actor);
    const areas = await this.db('transformer_areas')
      .where(inDepartments(scope, 'department_id'))
      .orderBy('id')
      .select<AreaRow[]>(AREA_COLUMNS);
    const summaries = await this.summaries(areas);
    const feederIds = [...new Set(areas.map((a) => a.feeder_id))];
    const feeders = await this.db('feeders')
      .where((q) => {
        q.whereIn('id', feederIds).orWhere(inDepartments(scope, 'department_id'));
      })
      .orderBy('id')
      .select<
        {
          id: string;
          substation_id: string;
          name: string;
          name_en: string | null;
          voltage_level: string;
          department_id: string;
        }[]
      >('id', 'substation_id', 'name', 'name_en', 'voltage_level', 'department_id');
    const substationIds = [...new Set(feeders.map((f) => f.substation_id))];
    const substations = await this.db('substations')
      .where((q) => {
        q.whereIn('id', substationIds).orWhere(inDepartments(scope, 'department_id'));
      })
      .orderBy('id')
      .select<{ id: string; name: string; name_en: string | null; voltage_level: string; department_id: string }[]>(
        'id',
        'name',
        'name_en',
        'voltage_level',
        'department_id',
      );
    return {
      substations: substations.map((s) => ({
        id: s.id,
        name: s.name,
        nameEn: s.name_en,
        voltageLevel: s.voltage_level,
        departmentId: s.department_id,
        feeders: feeders
          .filter((f) => f.substation_id === s.id)
          .map((f) => ({
            id: f.id,
            substationId: f.substation_id,
            name: f.name,
            nameEn: f.name_en,
            voltageLevel: f.voltage_level,
            departmentId: f.department_id,
            areas: summaries.filter((a) => a.feederId === f.id),
          })),
      })),
    };
  }

  /** Areas of the caller's scope (narrowed to a department's subtree) with their spare capacity. */
  async spareCapacity(
    actor: Actor,
    departmentIds: string[] | null,
    kind?: 'public' | 'dedicated',
  ): Promise<AreaSummary[]> {
    const scope = await this.readScope(actor);
    const q = this.db('transformer_areas').where(inDepartments(scope, 'department_id')).orderBy('id');
    if (departmentIds) q.whereIn('department_id', departmentIds);
    if (kind) q.where('kind', kind);
    return this.summaries(await q.select<AreaRow[]>(AREA_COLUMNS));
  }

  async area(id: string, actor: Actor): Promise<AreaDetail> {
    const area = await this.readableArea(id, await this.readScope(actor));
    const [summary] = await this.summaries([area]);
    const where = await this.db('feeders as f')
      .join('substations as s', 's.id', 'f.substation_id')
      .where('f.id', area.feeder_id)
      .first<{
        feeder_name: string;
        feeder_name_en: string | null;
        substation_id: string;
        substation_name: string;
        substation_name_en: string | null;
      }>(
        'f.name as feeder_name',
        'f.name_en as feeder_name_en',
        's.id as substation_id',
        's.name as substation_name',
        's.name_en as substation_name_en',
      );
    const boxes = await this.db('meter_boxes')
      .where({ area_id: id })
      .orderBy('id')
      .select<{ id: string; name: string; location: string | null }[]>('id', 'name', 'location');
    const meters = await this.db('meters as m')
      .join('meter_boxes as b', 'b.id', 'm.meter_box_id')
      .join('customers as c', 'c.id', 'm.customer_id')
      .where('b.area_id', id)
      .where('m.status', 'in_service')
      .orderBy('c.account_no')
      .select<(Omit<PlacedMeter, 'countedKva'> & { boxId: string; countedKva: string | number })[]>(
        'm.meter_box_id as boxId',
        'm.id as meterId',
        'm.asset_no as assetNo',
        'c.id as customerId',
        'c.account_no as accountNo',
        'c.name as customerName',
        'c.elec_type_code as elecTypeCode',
        this.db.raw(`${COUNTED_KVA} as "countedKva"`),
      );
    return {
      ...(summary as AreaSummary),
      summaryMeterNo: area.summary_meter_no,
      feederName: where.feeder_name,
      feederNameEn: where.feeder_name_en,
      substationId: where.substation_id,
      substationName: where.substation_name,
      substationNameEn: where.substation_name_en,
      boxes: boxes.map((b) => ({
        ...b,
        meters: meters
          .filter((m) => m.boxId === b.id)
          .map(({ boxId: _box, countedKva, ...m }) => ({ ...m, countedKva: dec(countedKva).toFixed(2) })),
      })),
    };
  }

  /** Customers of the caller's scope by account number, name or phone prefix, with their area. */
  async searchCustomers(text: string, limit: number, actor: Actor): Promise<GridCustomer[]> {
    const scope = await this.readScope(actor);
    const prefix = `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db('customers as c')
      .where(inDepartments(scope, 'c.department_id'))
      .where((q) => {
        q.where('c.account_no', 'like', prefix)
          .orWhere('c.phone', 'like', prefix)
          .orWhereRaw('lower(c.name) like lower(?)', [prefix]);
      })
      .orderBy('c.account_no')
      .limit(limit)
      .select<{ id: string; account_no: string; name: string; department_id: string }[]>(
        'c.id',
        'c.account_no',
        'c.name',
        'c.department_id',
      );
    const areas = await this.db('meters as m')
      .join('meter_boxes as b', 'b.id', 'm.meter_box_id')
      .join('transformer_areas as a', 'a.id', 'b.area_id')
      .whereIn(
        'm.customer_id',
        rows.map((r) => r.id),
      )
      .where('m.status', 'in_service')
      .orderBy('m.asset_no')
      .select<{ customer_id: string; id: string; name: string }[]>('m.customer_id', 'a.id', 'a.name');
    return rows.map((r) => {
      const area = areas.find((a) => a.customer_id === r.id);
      return {
        customerId: r.id,
        accountNo: r.account_no,
        name: r.name,
        departmentId: r.department_id,
        areaId: area?.id ?? null,
        areaName: area?.name ?? null,
      };
    });
  }

  /** Where a customer is connected: each in-service meter up to its substation. */
  async place(customerId: string, actor: Actor): Promise<CustomerPlace> {
    const scope = await this.readScope(actor);
    const customer = await this.db('customers')
      .where({ id: customerId })
      .where(inDepartments(scope, 'department_id'))
      .first<{ id: string; account_no: string; name: string; department_id: string } | undefined>(
        'id',
        'account_no',
        'name',
        'department_id',
      );
    if (!customer) throw new NotFound('customer', customerId);
    const rows = await this.db('meters as m')
      .leftJoin('meter_boxes as b', 'b.id', 'm.meter_box_id')
      .leftJoin('transformer_areas as a', 'a.id', 'b.area_id')
      .leftJoin('feeders as f', 'f.id', 'a.feeder_id')
      .leftJoin('substations as s', 's.id', 'f.substation_id')
      .where('m.customer_id', customerId)
      .where('m.status', 'in_service')
      .orderBy('m.asset_no')
      .select<Record<string, string | null>[]>(
        'm.id as meter_id',
        'm.asset_no',
        'b.id as box_id',
        'b.name as box_name',
        'b.location as box_location',
        'a.id as area_id',
        'a.name as area_name',
        'a.department_id as area_department_id',
        'f.id as feeder_id',
        'f.name as feeder_name',
        's.id as substation_id',
        's.name as substation_name',
      );
    return {
      customerId: customer.id,
      accountNo: customer.account_no,
      name: customer.name,
      departmentId: customer.department_id,
      meters: rows.map((r) => ({
        meterId: r.meter_id as string,
        assetNo: r.asset_no as string,
        box: r.box_id ? { id: r.box_id, name: r.box_name as string, location: r.box_location ?? null } : null,
        area: r.area_id
          ? { id: r.area_id, name: r.area_name as string, departmentId: r.area_department_id as string }
          : null,
        feeder: r.feeder_id ? { id: r.feeder_id, name: r.feeder_name as string } : null,
        substation: r.substation_id ? { id: r.substation_id, name: r.substation_name as string } : null,
      })),
    };
  }

  /**
   * Moves a meter into another box: the meter's customer must be readable, the area it leaves and
   * the area it joins both in the caller's grid:write departments, and the area it joins must have
   * the customer's kVA to spare (409 otherwise). The target area's row is locked, so two moves
   * into the last spare kVA cannot both pass. Audited with where it came from and went to, and
   * kept in `meter_moves` from this billing month on (the line loss of earlier months).
   */
  async moveMeter(meterId: string, input: MeterMoveInput, actor: Actor): Promise<MeterMove> {
    const read = await this.readScope(actor);
    const write = await departmentScope(this.authorization, actor, 'grid', 'write');
    return this.db.transaction(async (trx) => {
      const meter = await trx('meters as m')
        .join('customers as c', 'c.id', 'm.customer_id')
        .leftJoin('meter_boxes as b', 'b.id', 'm.meter_box_id')
        .leftJoin('transformer_areas as a', 'a.id', 'b.area_id')
        .where('m.id', meterId)
        .where('m.status', 'in_service')
        .forUpdate('m')
        .first<
          | {
              id: string;
              customer_id: string;
              customer_department_id: string;
              meter_box_id: string | null;
              area_id: string | null;
              area_department_id: string | null;
              counted_kva: string;
            }
          | undefined
        >(
          'm.id',
          'm.customer_id',
          'c.department_id as customer_department_id',
          'm.meter_box_id',
          'b.area_id',
          'a.department_id as area_department_id',
          trx.raw(`${COUNTED_KVA} as counted_kva`),
        );
      if (!meter || !departmentInScope(read, meter.customer_department_id)) throw new NotFound('meter', meterId);
      const box = await trx('meter_boxes as b')
        .join('transformer_areas as a', 'a.id', 'b.area_id')
        .where('b.id', input.meterBoxId)
        .first<{ id: string; area_id: string; department_id: string } | undefined>(
          'b.id',
          'b.area_id',
          'a.department_id',
        );
      if (!box || !departmentInScope(read, box.department_id)) throw new NotFound('meter box', input.meterBoxId);
      if (!departmentInScope(write, box.department_id))
        throw new Forbidden(`you may not connect customers to the transformer areas of ${box.department_id}`);
      if (meter.area_department_id !== null && !departmentInScope(write, meter.area_department_id))
        throw new Forbidden(`you may not move customers out of the transformer areas of ${meter.area_department_id}`);
      const target = await trx('transformer_areas')
        .where({ id: box.area_id })
        .forUpdate()
        .first<{ rated_kva: string }>('rated_kva');
      const load = (await areaLoads(trx, [box.area_id])).get(box.area_id);
      const used = dec(load?.usedKva ?? 0);
      // Moving within an area changes nothing of its load; into another, the customer's kVA joins it,
      // unless the customer already holds it there through another meter.
      const joins =
        meter.area_id !== box.area_id && !(await this.alreadyIn(trx, meter.customer_id, box.area_id, meterId));
      const after = joins ? used.plus(dec(meter.counted_kva)) : used;
      const spare = dec(target.rated_kva).minus(after);
      if (joins && spare.isNegative()) {
        throw new Conflict(
          'GRID_CAPACITY_EXCEEDED',
          `transformer area ${box.area_id} has ${spareKva(target.rated_kva, used)} kVA to spare; the customer needs ${dec(meter.counted_kva).toFixed(2)} kVA`,
          {
            areaId: box.area_id,
            spareKva: spareKva(target.rated_kva, used),
            neededKva: dec(meter.counted_kva).toFixed(2),
          },
        );
      }
      await trx('meters').where({ id: meterId }).update({ meter_box_id: box.id });
      // The line loss of the months before this one keeps the customer in the area it left.
      if (meter.meter_box_id !== box.id) {
        await trx('meter_moves').insert({
          meter_id: meterId,
          from_box_id: meter.meter_box_id,
          to_box_id: box.id,
          effective_period: utilityToday(this.clock).slice(0, 7),
          moved_by: actor.username,
          moved_at: new Date(this.clock.now()),
        });
      }
      const move: MeterMove = {
        meterId,
        customerId: meter.customer_id,
        from: { meterBoxId: meter.meter_box_id, areaId: meter.area_id },
        to: { meterBoxId: box.id, areaId: box.area_id },
        spareKva: spare.toFixed(2),
      };
      await trx('audit_log').insert(
        auditRow(actor, 'grid.meter.moved', 'meter', meterId, {
          customerId: meter.customer_id,
          from: move.from,
          to: move.to,
          reason: input.reason,
        }),
      );
      return move;
    });
  }

  private async alreadyIn(trx: Knex, customerId: string, areaId: string, exceptMeterId: string): Promise<boolean> {
    const other = await trx('meters as m')
      .join('meter_boxes as b', 'b.id', 'm.meter_box_id')
      .where({ 'm.customer_id': customerId, 'b.area_id': areaId, 'm.status': 'in_service' })
      .whereNot('m.id', exceptMeterId)
      .first<{ id: string } | undefined>('m.id');
    return !!other;
  }

  /** An area the caller may read, else 404. */
  async readableArea(id: string, scope: Scope): Promise<AreaRow> {
    const area = await this.db('transformer_areas')
      .where({ id })
      .where(inDepartments(scope, 'department_id'))
      .first<AreaRow | undefined>(AREA_COLUMNS);
    if (!area) throw new NotFound('transformer area', id);
    return area;
  }

  private async summaries(areas: AreaRow[]): Promise<AreaSummary[]> {
    const loads = await areaLoads(
      this.db,
      areas.map((a) => a.id),
    );
    return areas.map((a) => {
      const load = loads.get(a.id) ?? { customers: 0, usedKva: '0.00' };
      return {
        id: a.id,
        feederId: a.feeder_id,
        name: a.name,
        nameEn: a.name_en,
        kind: a.kind,
        departmentId: a.department_id,
        ratedKva: dec(a.rated_kva).toFixed(2),
        usedKva: load.usedKva,
        spareKva: spareKva(a.rated_kva, load.usedKva),
        customers: load.customers,
      };
    });
  }
}
