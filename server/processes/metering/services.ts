import { utilityToday } from '../../lib/clock.js';
import {
  ACCURACY_CLASSES,
  allowedErrorPercent,
  quoteAdjustment,
  withinTolerance,
  type AccuracyClass,
} from '../../domain/metering/index.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { deadlineCalendar } from '../../lib/deadlines.js';
import { endOfShanghaiDay } from '../../domain/calendar/index.js';
import { BpmnBusinessError, type ServiceDefinition } from '../../services/registry.js';
import type { ProcessContext } from '../context.js';
import { adjustmentPostingService } from './adjustment-posting.js';
import type { MeterCreate } from '../../marketing/schemas.js';
import { asText } from '../../lib/text.js';

type Vars = Readonly<Record<string, unknown>>;

/** The meter columns a replacement copies to the new meter. */
interface MeterRow {
  id: string;
  customer_id: string;
  accuracy_class: AccuracyClass;
  multiplier: string;
  register_digits: number;
  tou_capable: boolean;
  device_class: MeterCreate['deviceClass'];
}

/** The meter to test and the account it is on. */
interface MeterUnderTest {
  id: string;
  asset_no: string;
  accuracy_class: AccuracyClass;
  device_class: MeterCreate['deviceClass'];
  customer_id: string;
  account_no: string;
  /** The start of the period an adjustment reaches back to: the last test, or the installation. */
  previous_test_on: string | null;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const today = (ctx: ProcessContext) => utilityToday(ctx.clock);

/** DOMAIN.md §3: a customer-requested test has its result within 5 WD (State Grid commitment). */
export const CUSTOMER_TEST_RESULT_WD = 5;

function accuracyOf(v: Vars): AccuracyClass {
  const value = asText(v.accuracyClass);
  if (!(ACCURACY_CLASSES as readonly string[]).includes(value))
    throw new Error(`the process variable accuracyClass must be one of ${ACCURACY_CLASSES.join(', ')}, not "${value}"`);
  return value as AccuracyClass;
}

/** The meter-verification process's services (processes/meter-verification.bpmn). */
export function meteringServices(ctx: ProcessContext): ServiceDefinition[] {
  return [
    {
      name: 'meteringPrepareTest',
      descriptionZh:
        '载入待校验的电能表（meterId 或 meterAssetNo）并确定出具结果的期限：客户申请为 5 个工作日，周期检定为其到期日。',
      description:
        'Loads the meter to test (meterId or meterAssetNo) and sets the result deadline: 5 WD after a customer request, the due date of a periodic test.',
      inputs: ['meterId', 'meterAssetNo', 'origin', 'testDueOn'],
      outputs: [
        'meterId',
        'meterAssetNo',
        'accuracyClass',
        'deviceClass',
        'customerId',
        'accountNo',
        'previousTestOn',
        'resultDueAt',
      ],
      async handler(call) {
        const v = call.variables;
        const q = ctx
          .db('meters as m')
          .join('customers as c', 'c.id', 'm.customer_id')
          .select<MeterUnderTest[]>(
            'm.id',
            'm.asset_no',
            'm.accuracy_class',
            'm.device_class',
            'm.customer_id',
            'c.account_no',
            ctx.db.raw(`to_char(coalesce(m.last_test_date, m.install_date), 'YYYY-MM-DD') as previous_test_on`),
          );
        const id = text(v.meterId);
        const asset = text(v.meterAssetNo);
        if (id) q.where('m.id', id);
        else if (asset) q.where('m.asset_no', asset);
        else throw new BpmnBusinessError('METER_UNKNOWN', 'the test names no meter (meterId or meterAssetNo)');
        const meter = await q.first<MeterUnderTest | undefined>();
        if (!meter) throw new BpmnBusinessError('METER_UNKNOWN', `no meter ${id ?? asset}`);
        const started = new Date(ctx.clock.now());
        const due = text(v.testDueOn);
        const resultDueAt =
          v.origin === 'customer' || !due
            ? deadlineCalendar().deadlineAfter(started, CUSTOMER_TEST_RESULT_WD)
            : endOfShanghaiDay(due);
        return {
          meterId: meter.id,
          meterAssetNo: meter.asset_no,
          accuracyClass: meter.accuracy_class,
          deviceClass: meter.device_class,
          customerId: meter.customer_id,
          accountNo: meter.account_no,
          previousTestOn: meter.previous_test_on,
          resultDueAt: resultDueAt.toISOString(),
        };
      },
    },
    {
      name: 'meteringDecide',
      descriptionZh: '将实测误差与准确度等级限值（±准确度等级，DOMAIN.md §3）比较，并在电能表上记录校验结果。',
      description:
        'Compares the measured error with the class limit (±accuracy class, DOMAIN.md §3) and records the test on the meter.',
      inputs: ['errorPercent', 'accuracyClass', 'meterId', 'testedOn'],
      outputs: ['testResult', 'allowedErrorPercent', 'withinTolerance', 'testVerdict'],
      async handler(call) {
        const v = call.variables;
        const accuracyClass = accuracyOf(v);
        const error = asText(v.errorPercent);
        if (!/^[+-]?\d+(\.\d+)?$/.test(error)) throw new Error(`errorPercent "${error}" is not a number`);
        const ok = withinTolerance(error, accuracyClass);
        const testedOn = text(v.testedOn) ?? today(ctx);
        await ctx
          .db('meters')
          .where({ id: text(v.meterId) })
          .update({ last_test_date: testedOn });
        return {
          testResult: ok ? 'pass' : 'fail',
          withinTolerance: ok,
          allowedErrorPercent: allowedErrorPercent(accuracyClass).toString(),
          testVerdict: ok
            ? '合格 within tolerance'
            : v.origin === 'customer'
              ? '超差，换表退补并退还校验费 beyond tolerance: meter replaced, bill adjusted, test fee refunded'
              : '超差，换表退补 beyond tolerance: meter replaced, bill adjusted',
        };
      },
    },
    {
      name: 'meteringReplaceMeter',
      descriptionZh: '将不合格的电能表退出运行，并为同一客户装上新表（按资产编号幂等）。',
      description:
        'Takes the failed meter out of service and installs the new one for the same customer (idempotent by asset number).',
      inputs: ['meterId', 'newMeterAssetNo', 'newMeterAccuracyClass', 'replacedOn'],
      outputs: ['newMeterId'],
      async handler(call) {
        const v = call.variables;
        const old = await ctx
          .db('meters')
          .where({ id: text(v.meterId) })
          .first<MeterRow | undefined>();
        if (!old) throw new BpmnBusinessError('METER_UNKNOWN', `no meter ${String(v.meterId)}`);
        const assetNo = text(v.newMeterAssetNo);
        if (!assetNo) throw new Error('newMeterAssetNo is missing');
        const existing = await ctx
          .db('meters')
          .where({ asset_no: assetNo })
          .first<{ id: string; customer_id: string } | undefined>('id', 'customer_id');
        if (existing && existing.customer_id !== old.customer_id)
          throw new BpmnBusinessError('METER_TAKEN', `meter ${assetNo} belongs to another customer`);
        let newMeterId = existing?.id;
        if (!newMeterId) {
          const installed = await ctx.ports.meters.install(
            old.customer_id,
            {
              assetNo,
              accuracyClass: (text(v.newMeterAccuracyClass) ?? old.accuracy_class) as AccuracyClass,
              multiplier: String(old.multiplier),
              registerDigits: old.register_digits,
              touCapable: old.tou_capable,
              deviceClass: old.device_class,
              installDate: text(v.replacedOn) ?? today(ctx),
              lastTestDate: text(v.replacedOn) ?? today(ctx),
            },
            SYSTEM_ACTOR,
          );
          newMeterId = installed.id;
        }
        await ctx.db('meters').where({ id: old.id }).update({ status: 'removed' });
        return { newMeterId };
      },
    },
    {
      name: 'meteringAdjustment',
      descriptionZh: '为超差电能表测算退补电量：真实值 = E / (1 + γ)，退补差额的一半（DOMAIN.md §3）。',
      description:
        'Quotes the billing adjustment (退补) for a meter beyond its limit: true = E / (1 + γ), half the delta (DOMAIN.md §3).',
      inputs: ['errorPercent', 'recordedKwh', 'accuracyClass'],
      outputs: ['adjustKwh', 'adjustDirection', 'trueKwh', 'deltaKwh'],
      handler(call) {
        const v = call.variables;
        const quote = quoteAdjustment({
          kind: 'meter-error',
          errorPercent: String(v.errorPercent),
          recordedKwh: String(v.recordedKwh),
          accuracyClass: accuracyOf(v),
        });
        return {
          adjustKwh: quote.adjustKwh,
          adjustDirection: quote.direction,
          trueKwh: quote.trueKwh,
          deltaKwh: quote.deltaKwh,
        };
      },
    },
    adjustmentPostingService(ctx),
    {
      name: 'meteringRefundFee',
      descriptionZh: '客户申请校验且电能表超差时，退还校验费（DOMAIN.md §3）；记入审计日志。',
      description:
        'Refunds the test fee of a customer-requested test whose meter was beyond tolerance (DOMAIN.md §3); recorded in the audit log.',
      inputs: ['testFee', 'customerId'],
      outputs: ['testFeeRefunded', 'refundAmount'],
      async handler(call) {
        const amount = asText(call.variables.testFee, '0');
        // At-least-once delivery: a retried call finds the refund it recorded and does not repeat it.
        const done = await ctx
          .db('audit_log')
          .where({ action: 'metering.test-fee-refund' })
          .whereRaw(`details->>'idempotencyKey' = ?`, [call.idempotencyKey])
          .first<{ id: string } | undefined>('id');
        if (done) return { testFeeRefunded: true, refundAmount: amount };
        await ctx.ports.audit.record(
          SYSTEM_ACTOR,
          'metering.test-fee-refund',
          'customer',
          asText(call.variables.customerId),
          { amount, instanceId: call.instanceId, idempotencyKey: call.idempotencyKey },
        );
        return { testFeeRefunded: true, refundAmount: amount };
      },
    },
  ];
}
