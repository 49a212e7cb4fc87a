import { addDays, type IsoDate } from '../../domain/calendar/index.js';
import {
  DEFAULT_TEST_CYCLE,
  nextTestDue,
  type DeviceClass,
  type TestCycleConfig,
} from '../../domain/metering/index.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import type { ProcessContext } from '../context.js';

export const METER_VERIFICATION_KEY = 'meter-verification';

interface MeterDue {
  id: string;
  asset_no: string;
  device_class: DeviceClass;
  install_date: string;
  last_test_date: string | null;
  department_id: string;
}

/** The business key of a periodic test order: one order per meter and due date. */
export const periodicOrderKey = (assetNo: string, due: IsoDate) => `MV-${assetNo}-${due}`;

/**
 * DOMAIN.md §3 periodic on-site tests: each day, an order for every in-service meter whose next
 * test falls due within the lead time (30 days, cfg), by device class (I every 3 months, II 6,
 * III 12; a new device within 1 month of commissioning). Idempotent per meter and due date.
 */
export async function createDueTestOrders(
  ctx: ProcessContext,
  date: IsoDate,
  config: TestCycleConfig = DEFAULT_TEST_CYCLE,
): Promise<{ date: string; candidates: number; started: number }> {
  const horizon = addDays(date, config.workOrderLeadDays);
  let candidates = 0;
  let started = 0;
  for (const [deviceClass, cycle] of Object.entries(config.cycleMonths) as [DeviceClass, number | null][]) {
    if (cycle === null) continue;
    // A cheap superset in SQL; nextTestDue decides exactly.
    const rows: MeterDue[] = await ctx
      .db('meters as m')
      .join('customers as c', 'c.id', 'm.customer_id')
      .where({ 'm.status': 'in_service', 'm.device_class': deviceClass })
      .whereNotNull('m.install_date')
      .where((q) => {
        q.whereRaw(
          `(m.last_test_date IS NULL OR m.last_test_date < m.install_date) AND m.install_date + (? * interval '1 month') <= ?::date`,
          [config.firstTestWithinMonths, horizon],
        ).orWhereRaw(`m.last_test_date >= m.install_date AND m.last_test_date + (? * interval '1 month') <= ?::date`, [
          cycle,
          horizon,
        ]);
      })
      .select<MeterDue[]>(
        'm.id',
        'm.asset_no',
        'm.device_class',
        ctx.db.raw(`to_char(m.install_date, 'YYYY-MM-DD') as install_date`),
        ctx.db.raw(`to_char(m.last_test_date, 'YYYY-MM-DD') as last_test_date`),
        'c.department_id',
      );
    for (const meter of rows) {
      const due = nextTestDue(
        { deviceClass, commissionedOn: meter.install_date, lastTestedOn: meter.last_test_date },
        config,
      );
      if (!due || due > horizon) continue;
      candidates++;
      const businessKey = periodicOrderKey(meter.asset_no, due);
      const existing = await ctx
        .db('process_instances')
        .where({ business_key: businessKey })
        .first<{ id: string } | undefined>('id');
      if (existing) continue;
      await ctx.ports.instances.start(
        {
          definitionKey: METER_VERIFICATION_KEY,
          businessKey,
          departmentId: meter.department_id,
          variables: { origin: 'periodic', meterId: meter.id, testDueOn: due },
        },
        SYSTEM_ACTOR,
      );
      started++;
    }
  }
  if (started) ctx.logger.info({ date, started }, 'periodic meter test orders created');
  return { date, candidates, started };
}
