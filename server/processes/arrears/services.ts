import { utilityToday } from '../../lib/clock.js';
import { addDays } from '../../domain/calendar/index.js';
import type { ServiceDefinition } from '../../services/registry.js';
import { required, type ProcessContext } from '../context.js';
import { lateFeeReliefServices } from './relief.js';
import { COLLECTION_RULES, eligibleAt, lateFeeCharged, overdueOf, shanghaiAt } from './collection.js';

/** An instant as the customer reads it: `2024-09-22 09:00` in Asia/Shanghai. */
export function shanghaiText(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The arrears collection process's services (DOMAIN.md §6). */
export function arrearsServices(ctx: ProcessContext): ServiceDefinition[] {
  return [
    {
      name: 'arrearsAssess',
      descriptionZh: '客户当前的逾期欠费、由此产生的违约金、逾期天数，以及最早可安排停电的日期。',
      description:
        "The customer's overdue arrears today, the late fee accrued on them, days overdue, and when disconnection may first be planned.",
      inputs: ['customerId'],
      outputs: ['settled', 'arrears', 'lateFee', 'daysOverdue', 'asOf', 'disconnectEligibleAt', 'disconnected'],
      async handler(call) {
        const position = await overdueOf(ctx, required(call.variables, 'customerId'));
        return {
          settled: position.settled,
          arrears: position.arrears,
          lateFee: position.lateFee,
          daysOverdue: position.daysOverdue,
          asOf: position.asOf,
          oldestDueDate: position.oldestDueDate,
          remindedOn: call.variables.remindedOn ?? position.asOf,
          // DOMAIN.md §6: disconnection only when more than 30 days overdue.
          disconnectEligibleAt: position.oldestDueDate ? eligibleAt(position.oldestDueDate) : position.asOf,
          disconnected: call.variables.disconnected === true,
          overdueBillIds: position.overdueBillIds,
        };
      },
    },
    {
      name: 'arrearsSettle',
      descriptionZh: '逾期账单已缴清：按实际缴清之日计收违约金。',
      description: 'The overdue bills are paid: the late fee charged on them up to the day they were settled.',
      inputs: ['customerId', 'overdueBillIds'],
      outputs: ['lateFeeCharged', 'settledOn'],
      async handler(call) {
        const ids = Array.isArray(call.variables.overdueBillIds) ? (call.variables.overdueBillIds as string[]) : [];
        const fee = await lateFeeCharged(ctx, required(call.variables, 'customerId'), ids);
        return { lateFeeCharged: fee.lateFee, settledOn: fee.settledOn };
      },
    },
    {
      name: 'arrearsScheduleDisconnection',
      descriptionZh: '书面通知送达 7 天后安排停电，并在停电前 30 分钟发出最后通知。',
      description: 'Plans the disconnection 7 days after the written notice and the final notice 30 minutes before.',
      outputs: ['disconnectAt', 'finalNoticeAt', 'disconnectAtText'],
      handler() {
        const at = shanghaiAt(
          addDays(utilityToday(ctx.clock), COLLECTION_RULES.noticeDays),
          COLLECTION_RULES.fieldHour,
        );
        const final = new Date(Date.parse(at) - COLLECTION_RULES.finalNoticeMinutes * 60_000).toISOString();
        // The notices show the local time (Asia/Shanghai), the timers take the instant.
        return { disconnectAt: at, finalNoticeAt: final, disconnectAtText: shanghaiText(at) };
      },
    },
    {
      name: 'arrearsMarkDisconnected',
      descriptionZh: '记录停电：客户暂停供电，直至复电。',
      description: 'Records the disconnection: the customer is suspended until reconnection.',
      inputs: ['customerId'],
      outputs: ['disconnected', 'disconnectedAt'],
      async handler(call) {
        await ctx
          .db('customers')
          .where({ id: required(call.variables, 'customerId') })
          .update({ status: 'suspended', updated_at: new Date(ctx.clock.now()) });
        return { disconnected: true, disconnectedAt: new Date(ctx.clock.now()).toISOString() };
      },
    },
    {
      name: 'arrearsPlanReconnection',
      descriptionZh: '欠费已结清：须在 24 小时内复电（DOMAIN.md §6）。',
      description: 'The arrears are settled: reconnection is due within 24 hours (DOMAIN.md §6).',
      outputs: ['reconnectBy'],
      handler: () => ({ reconnectBy: new Date(ctx.clock.now() + 24 * 3_600_000).toISOString() }),
    },
    {
      name: 'arrearsMarkReconnected',
      descriptionZh: '记录复电：客户恢复正常用电。',
      description: 'Records the reconnection: the customer is active again.',
      inputs: ['customerId'],
      outputs: ['reconnectedAt'],
      async handler(call) {
        await ctx
          .db('customers')
          .where({ id: required(call.variables, 'customerId') })
          .update({ status: 'active', updated_at: new Date(ctx.clock.now()) });
        return { reconnectedAt: new Date(ctx.clock.now()).toISOString() };
      },
    },
    ...lateFeeReliefServices(ctx),
  ];
}
