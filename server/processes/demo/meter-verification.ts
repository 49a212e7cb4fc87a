import { utilityToday } from '../../lib/clock.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import type { DemoContext, DemoContributor } from './context.js';

/** A household meter of the department to test: a demo customer's, or one made for the demo. */
async function demoMeter(ctx: DemoContext, departmentId: string, n: number): Promise<string> {
  const accountNo = `DEMO-MV-${departmentId.slice(-2)}-${n}`;
  const assetNo = `DEMO-MV-${departmentId.slice(-2)}-M${n}`;
  const existing = await ctx
    .db('meters')
    .where({ asset_no: assetNo })
    .first<{ asset_no: string } | undefined>('asset_no');
  if (existing) return assetNo;
  let customer = await ctx.db('customers').where({ account_no: accountNo }).first<{ id: string } | undefined>('id');
  if (!customer) {
    const created = await ctx.ports.customers.create(
      { accountNo, name: `校验示例客户 ${n}`, phone: '13700000000', departmentId, elecTypeCode: '202' },
      SYSTEM_ACTOR,
    );
    customer = { id: created.id };
  }
  await ctx.ports.meters.install(
    customer.id,
    { assetNo, accuracyClass: '2.0', deviceClass: 'V', installDate: '2022-06-01' },
    SYSTEM_ACTOR,
  );
  return assetNo;
}

/** Meter tests in flight: a customer request just received, tests scheduled, a failed meter awaiting replacement, an adjustment awaiting approval. */
export const meterVerificationDemo: DemoContributor = {
  name: 'meter-verification',
  definitionKey: 'meter-verification',
  async seed(ctx: DemoContext) {
    const today = utilityToday(ctx.clock);
    const start = async (county: string, departmentId: string, n: number) => {
      const meterAssetNo = await demoMeter(ctx, departmentId, n);
      const instance = await ctx.ports.instances.start(
        {
          definitionKey: 'meter-verification',
          businessKey: `SQ304-DEMO-${county.toUpperCase()}-${n}`,
          departmentId,
          variables: { origin: 'customer', applicationType: '304', meterAssetNo },
        },
        await ctx.as(`${county}.clerk`),
      );
      return instance.id;
    };
    const fee = { testFee: 50, testFeePaid: true };
    const schedule = { scheduledOn: today };
    // 1: the request was just received
    await start('xh', 'ZJ-HZ-XH', 1);
    // 2: accepted, waiting to be scheduled
    const second = await start('yh', 'ZJ-HZ-YH', 2);
    await ctx.complete(second, 'MV01', 'yh.clerk', fee);
    // 3: beyond tolerance, the meter awaits replacement
    const third = await start('xh', 'ZJ-HZ-XH', 3);
    await ctx.complete(third, 'MV01', 'xh.clerk', fee);
    await ctx.complete(third, 'MV02', 'xh.leader', schedule);
    await ctx.complete(third, 'MV03', 'xh.meter', { errorPercent: 2.6, recordedKwh: 8400, testedOn: today });
    // 4: replaced; the 174.76 kWh refund awaits the team leader's approval (DOMAIN.md §3 example)
    const fourth = await start('jn', 'JS-NJ-JN', 4);
    await ctx.complete(fourth, 'MV01', 'jn.clerk', fee);
    await ctx.complete(fourth, 'MV02', 'jn.leader', schedule);
    await ctx.complete(fourth, 'MV03', 'jn.meter', { errorPercent: 3, recordedKwh: 12000, testedOn: today });
    await ctx.complete(fourth, 'MV04', 'jn.meter', {
      newMeterAssetNo: 'DEMO-MV-JN-M4-NEW',
      newMeterAccuracyClass: '2.0',
      replacedOn: today,
    });
  },
};
