import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { AuditService } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import type { PermissionObject } from '../../permissions/roles.js';
import { wholeList, type Page } from '../workflow/paging.js';
import type { Visibility } from '../workflow/visibility.js';
import type { CustomersService } from './customers.service.js';
import { toMeter, type Meter, type MeterRow } from './meter.contract.js';
import type { MeterCreate } from './schemas.js';

const METER_COLUMNS = [
  'm.id',
  'm.asset_no',
  'm.customer_id',
  'm.metering_point_no',
  'm.accuracy_class',
  'm.multiplier',
  'm.register_digits',
  'm.tou_capable',
  'm.device_class',
  'm.status',
  'm.main_meter_id',
  'm.created_at',
];

/** A meter row with its customer's department, as `visible` reads it for the permission check. */
export type VisibleMeterRow = MeterRow & { department_id: string };

/** Dates of the business calendar as YYYY-MM-DD, whatever the driver makes of a `date`. */
const dateColumns = (db: Db) => [
  db.raw(`to_char(m.install_date, 'YYYY-MM-DD') as install_date`),
  db.raw(`to_char(m.last_test_date, 'YYYY-MM-DD') as last_test_date`),
];

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/** Meters (电能表) at a customer's metering points (DOMAIN.md §1, §3). */
export class MetersService {
  constructor(
    private readonly db: Db,
    private readonly visibility: Visibility,
    private readonly customers: CustomersService,
    private readonly audit: AuditService,
  ) {}

  /** A meter whose customer the actor may see for `object:action`; otherwise 404. */
  async visible(
    id: string,
    actor: Actor,
    object: PermissionObject = 'metering',
    action = 'read',
  ): Promise<VisibleMeterRow> {
    const row = await this.db('meters as m')
      .join('customers as c', 'c.id', 'm.customer_id')
      .where('m.id', id)
      .where(await this.visibility.departmentFilter(actor, object, action, 'c.department_id'))
      .first<VisibleMeterRow | undefined>([...METER_COLUMNS, ...dateColumns(this.db), 'c.department_id']);
    if (!row) throw new NotFound('meter', id);
    return row;
  }

  async listForCustomer(customerId: string, actor: Actor): Promise<Page<Meter>> {
    await this.customers.visible({ id: customerId }, actor, 'metering', 'read');
    const rows = (await this.db('meters as m')
      .where('m.customer_id', customerId)
      .select([...METER_COLUMNS, ...dateColumns(this.db)])
      .orderBy('m.asset_no')) as MeterRow[];
    return wholeList(rows.map(toMeter));
  }

  async install(customerId: string, input: MeterCreate, actor: Actor): Promise<Meter> {
    const customer = await this.customers.visible({ id: customerId }, actor, 'metering', 'write');
    if (input.mainMeterId) await this.requireMainMeter(input.mainMeterId, actor);
    const id = randomUUID();
    try {
      await this.db.transaction(async (trx) => {
        await trx('meters').insert({
          id,
          asset_no: input.assetNo,
          customer_id: customer.id,
          metering_point_no: input.meteringPointNo ?? null,
          accuracy_class: input.accuracyClass,
          multiplier: input.multiplier ?? '1',
          register_digits: input.registerDigits ?? 6,
          tou_capable: input.touCapable ?? false,
          device_class: input.deviceClass,
          install_date: input.installDate ?? null,
          last_test_date: input.lastTestDate ?? null,
          main_meter_id: input.mainMeterId ?? null,
        });
        await this.audit.record(
          actor,
          'meter.install',
          'meter',
          id,
          { assetNo: input.assetNo, customerId },
          undefined,
          trx,
        );
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict('ASSET_NO_TAKEN', `meter asset number ${input.assetNo} is taken`);
      throw err;
    }
    return toMeter(await this.visible(id, actor));
  }

  /** A sub-meter's main meter: one the actor can see, in service (audit rule 8 compares the two). */
  private async requireMainMeter(mainMeterId: string, actor: Actor): Promise<void> {
    const main = await this.visible(mainMeterId, actor).catch((err: unknown) => {
      if (err instanceof NotFound) return null;
      throw err;
    });
    if (!main || main.status !== 'in_service') {
      throw new Invalid('VALIDATION_FAILED', `mainMeterId ${mainMeterId} is not a meter in service`, [
        { field: 'body.mainMeterId', reason: main ? 'meter removed' : 'unknown meter' },
      ]);
    }
  }
}
