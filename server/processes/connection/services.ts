import { utilityToday } from '../../lib/clock.js';
import { deviceClassOf, type AccuracyClass } from '../../domain/metering/index.js';
import {
  CONNECTION_CLASS_CODES,
  evaluateConnectionSla,
  isSchemeExpired,
  schemeLastValidDate,
  type ConnectionClass,
} from '../../domain/sla/index.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { deadlineCalendar } from '../../lib/deadlines.js';
import { BpmnBusinessError, type ServiceDefinition } from '../../services/registry.js';
import type { ProcessContext } from '../context.js';
import { asText } from '../../lib/text.js';
import { clockOfStep, MEASURED_STEPS } from './clocks.js';

type Vars = Readonly<Record<string, unknown>>;

function connectionClass(v: Vars): ConnectionClass {
  const code = asText(v.acceptClass);
  if (!(CONNECTION_CLASS_CODES as string[]).includes(code))
    throw new Error(`the process variable acceptClass must be 01–04, not "${code}"`);
  return code as ConnectionClass;
}

const today = (ctx: ProcessContext) => utilityToday(ctx.clock);
const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** The account number a completed application gets: derived from the instance, so a retry finds it again. */
export function accountNoFor(instanceId: string): string {
  return `NC${instanceId.replace(/-/g, '').slice(0, 14).toUpperCase()}`;
}

/** DOMAIN.md §1 ELEC_TYPE_CODE for an application that did not state one. */
function elecType(v: Vars, cls: ConnectionClass): string {
  const given = text(v.elecTypeCode);
  if (given) return given;
  return cls === '01' ? '202' : cls === '02' ? '400' : '100';
}

/** The new-connection process's services (processes/new-connection.bpmn). */
export function connectionServices(ctx: ProcessContext): ServiceDefinition[] {
  return [
    {
      name: 'connectionRecordScheme',
      descriptionZh: '记录供电方案的答复日期及有效期截止日（高压 1 年，低压 3 个月）。',
      description:
        'Records the day the supply scheme was issued and the last day it is valid (1 year HV, 3 months LV).',
      inputs: ['acceptClass'],
      outputs: ['schemeIssuedOn', 'schemeValidUntil'],
      handler(call) {
        const issued = today(ctx);
        return {
          schemeIssuedOn: issued,
          schemeValidUntil: schemeLastValidDate(issued, connectionClass(call.variables)),
        };
      },
    },
    {
      name: 'connectionCheckScheme',
      descriptionZh:
        '拒绝以已过期的供电方案签订合同：抛出 BPMN 错误 SCHEME_EXPIRED（DOMAIN.md §2），以便重新编制方案。',
      description:
        'Refuses a contract on an expired supply scheme: BPMN error SCHEME_EXPIRED (DOMAIN.md §2), so a new scheme is drafted.',
      inputs: ['acceptClass', 'schemeIssuedOn'],
      outputs: ['schemeCheckedOn'],
      handler(call) {
        const issued = text(call.variables.schemeIssuedOn);
        const on = today(ctx);
        if (!issued || isSchemeExpired(issued, connectionClass(call.variables), on)) {
          throw new BpmnBusinessError(
            'SCHEME_EXPIRED',
            issued
              ? `the supply scheme issued ${issued} expired after ${String(call.variables.schemeValidUntil)}`
              : 'no supply scheme was issued',
          );
        }
        return { schemeCheckedOn: on };
      },
    },
    {
      name: 'connectionEvaluateSla',
      descriptionZh:
        '按供电企业或客户时限，统计从受理到送电各环节的工作日，并将供电企业用时与当时有效的服务时限承诺比较。',
      description:
        'Counts the working days of each step from acceptance to energisation on the utility or the customer clock, and compares utility time with the versioned SLA commitment.',
      inputs: ['acceptClass'],
      outputs: ['slaUtilityWd', 'slaCustomerWd', 'slaLimitWd', 'slaOnTime', 'slaStatus', 'slaTable', 'slaSteps'],
      async handler(call) {
        const cls = connectionClass(call.variables);
        const rows: { element_id: string; created_at: Date; completed_at: Date }[] = await ctx
          .db('tasks')
          .where({ instance_id: call.instanceId, status: 'completed' })
          .whereIn('element_id', MEASURED_STEPS as string[])
          .orderBy('created_at')
          .select('element_id', 'created_at', 'completed_at');
        const calendar = deadlineCalendar();
        const intervals = rows.map((r) => ({
          step: r.element_id,
          clock: clockOfStep(r.element_id),
          start: new Date(r.created_at),
          end: new Date(r.completed_at),
        }));
        const result = evaluateConnectionSla(cls, intervals, calendar);
        return {
          slaUtilityWd: result.utilityWd,
          slaCustomerWd: result.customerWd,
          slaLimitWd: result.limitWd,
          slaOnTime: result.onTime,
          slaStatus: result.status,
          slaTable: result.tableId,
          slaSteps: intervals.map((i) => ({
            step: i.step,
            clock: i.clock,
            wd: calendar.workingDaysBetween(i.start, i.end),
          })),
        };
      },
    },
    {
      name: 'connectionCreateAccount',
      descriptionZh: '在客户档案中建立客户及已装电能表（幂等：重试时找到已建立的户号）。',
      description:
        'Creates the customer and the installed meter in the master data (idempotent: a retry finds the account it created).',
      inputs: ['customerName', 'phone', 'address', 'acceptClass', 'elecTypeCode', 'capacityKva', 'meterAssetNo'],
      outputs: ['customerId', 'accountNo', 'meterId', 'applicationNo'],
      async handler(call) {
        const v = call.variables;
        const cls = connectionClass(v);
        const accountNo = accountNoFor(call.instanceId);
        const departmentId = call.departmentId ?? undefined;
        let customer = await ctx
          .db('customers')
          .where({ account_no: accountNo })
          .first<{ id: string } | undefined>('id');
        if (!customer) {
          const created = await ctx.ports.customers.create(
            {
              accountNo,
              name: text(v.customerName) ?? accountNo,
              address: text(v.address),
              phone: text(v.phone),
              departmentId,
              elecTypeCode: elecType(v, cls) as never,
              voltageLevel: cls === '03' || cls === '04' ? '10kV' : '0.4kV',
              capacityKva: v.capacityKva === undefined || v.capacityKva === null ? undefined : asText(v.capacityKva),
            },
            SYSTEM_ACTOR,
          );
          customer = { id: created.id };
        }
        const assetNo = text(v.meterAssetNo);
        let meterId: string | null = null;
        if (assetNo) {
          const existing = await ctx
            .db('meters')
            .where({ asset_no: assetNo })
            .first<{ id: string; customer_id: string } | undefined>('id', 'customer_id');
          if (existing && existing.customer_id !== customer.id)
            throw new BpmnBusinessError('METER_TAKEN', `meter ${assetNo} belongs to another customer`);
          if (existing) meterId = existing.id;
          else {
            const accuracyClass = (text(v.meterAccuracyClass) ?? '2.0') as AccuracyClass;
            const meter = await ctx.ports.meters.install(
              customer.id,
              {
                assetNo,
                accuracyClass,
                multiplier: v.meterMultiplier === undefined ? undefined : asText(v.meterMultiplier, 'null'),
                deviceClass: deviceClassOf({
                  monthlyKwh: 0,
                  capacityKva: asText(v.capacityKva, '0'),
                  singlePhase: cls === '01',
                }),
                installDate: text(v.energisedOn) ?? today(ctx),
              },
              SYSTEM_ACTOR,
            );
            meterId = meter.id;
          }
        }
        // The application number is the instance's business key (given at acceptance).
        return { customerId: customer.id, accountNo, meterId, applicationNo: call.businessKey ?? accountNo };
      },
    },
  ];
}
