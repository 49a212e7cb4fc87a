import { randomUUID } from 'node:crypto';
import { closureSettlement, finalBillPeriod } from '../../domain/changes/index.js';
import { dec } from '../../domain/decimal.js';
import { isIsoDate } from '../../domain/tariffs/index.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { loadChunk, writeBills } from '../../marketing/billing-chunk.js';
import { computeBill } from '../../marketing/billing-compute.js';
import { dueDateOf } from '../../marketing/billing-periods.js';
import { postDeposit, refundClosingCredit } from '../../marketing/closure-postings.js';
import { applyCredit, lockAccount } from '../../marketing/ledger.js';
import type { ServiceDefinition } from '../../services/registry.js';
import type { ProcessContext } from '../ports.js';
import { CHANGE_NAMES, changeCustomer, refused, tariffCatalogue, text, today } from './shared.js';

const num = (v: unknown): string | null =>
  typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' && v.trim() !== '' ? v.trim() : null;

const settlementDeposit = (v: unknown) => num(v) ?? '0';

/** The account-closure process's services (processes/account-closure.bpmn, 销户 216). */
export function closureServices(ctx: ProcessContext): ServiceDefinition[] {
  return [
    {
      name: 'closurePrepare',
      descriptionZh: '载入待销户的户号；已销户或不存在的户号予以拒绝。',
      description: 'Loads the account to close; a closed or unknown account is refused.',
      inputs: ['customerId'],
      outputs: ['accepted', 'applicationNo', 'accountNo', 'changeName', 'connectedOn'],
      async handler(call) {
        const changeName = CHANGE_NAMES['216'];
        const applicationNo = call.businessKey ?? call.instanceId;
        const customer = await changeCustomer(ctx, text(call.variables.customerId));
        if (!customer)
          return {
            changeName,
            applicationNo,
            ...refused('CUSTOMER_UNKNOWN', `no customer ${String(call.variables.customerId)}`),
          };
        if (customer.status === 'closed')
          return {
            changeName,
            applicationNo,
            accountNo: customer.account_no,
            ...refused('CUSTOMER_CLOSED', `account ${customer.account_no} is already closed`),
          };
        return {
          accepted: true,
          changeName,
          applicationNo,
          accountNo: customer.account_no,
          connectedOn: customer.connected_on,
        };
      },
    },
    {
      name: 'closureFinalBill',
      descriptionZh:
        '记录末次读数，按当月 1 日（或接电日）至末次抄表日出具当月账单，基本电费按每日 1/30 计收（DOMAIN.md §5.2、§9）——采用电费核算自身的计价与审核。',
      description:
        "Records the final reading and bills the month of it from the 1st (or the connection day) to the final reading day, the basic charge at 1/30 a day (DOMAIN.md §5.2, §9) — through the billing run's own pricing and audit.",
      inputs: [
        'customerId',
        'finalReadingOn',
        'finalReading',
        'finalPeak',
        'finalFlat',
        'finalValley',
        'finalMaxDemandKw',
      ],
      outputs: ['finalBillId', 'finalBillPeriod', 'finalBillDays', 'finalBillTotal', 'finalBasicCharge'],
      async handler(call) {
        const v = call.variables;
        const customerId = text(v.customerId) ?? '';
        const readOn = text(v.finalReadingOn) ?? '';
        const total = num(v.finalReading);
        if (!isIsoDate(readOn) || total === null) throw new Error('finalReadingOn and finalReading are required');
        const connectedOn = text(v.connectedOn);
        const { month, days } = finalBillPeriod(readOn, connectedOn && connectedOn <= readOn ? connectedOn : undefined);
        const meter = await ctx
          .db('meters')
          .where({ customer_id: customerId, status: 'in_service' })
          .orderBy('asset_no')
          .first<{ id: string } | undefined>('id');
        if (!meter) throw new Error(`customer ${customerId} has no meter in service`);
        const registers = {
          total,
          peak: num(v.finalPeak),
          flat: num(v.finalFlat),
          valley: num(v.finalValley),
          max_demand_kw: num(v.finalMaxDemandKw),
        };
        await ctx
          .db('readings')
          .insert({
            id: randomUUID(),
            meter_id: meter.id,
            period: month,
            ...registers,
            reading_type: '01',
            read_at: new Date(ctx.clock.now()),
            recorded_by: 'system',
          })
          .onConflict(['meter_id', 'period'])
          .merge(registers);
        const [customer] = await loadChunk(ctx.db, { period: month, departmentPath: null, customerId }, null, 1);
        if (!customer) throw new Error(`customer ${customerId} is not active`);
        const outcome = computeBill(customer, month, await tariffCatalogue(ctx), days);
        if (outcome.kind !== 'bill')
          throw new Error(`the final bill cannot be priced: ${'reason' in outcome ? outcome.reason : outcome.message}`);
        // The final bill is issued at once: the settlement step that follows is its review.
        const bill = {
          ...outcome.bill,
          status: dec(outcome.bill.total).isZero() ? ('settled' as const) : ('issued' as const),
          dueDate: outcome.bill.dueDate ?? dueDateOf(month),
        };
        await ctx.db.transaction((trx) =>
          writeBills(trx, null, month, 'system', [{ customerId, outcome: { kind: 'bill', bill } }]),
        );
        const stored = await ctx
          .db('bills')
          .where({ customer_id: customerId, period: month, kind: 'energy' })
          .first<{ id: string; total: string } | undefined>('id', ctx.db.raw('total::text as total'));
        const basic = bill.lines.find((l) => l.type === '03');
        return {
          finalBillId: stored?.id ?? null,
          finalBillPeriod: month,
          finalBillDays: days ?? null,
          finalBillTotal: stored?.total ?? bill.total,
          finalBasicCharge: basic?.amount ?? '0.00',
        };
      },
    },
    {
      name: 'closureSettle',
      descriptionZh:
        '结清销户户号（DOMAIN.md §9）：以预存余额和押金抵缴欠费和违约金，余额多退少补。押金以缴费记账（渠道 deposit，审计），预存余额冲抵未缴账单。',
      description:
        'Settles the closing account (DOMAIN.md §9): the credit and the deposit pay the arrears and late fees; what is left is collected or refunded. The deposit is posted as a payment (channel deposit, audited) and the credit settles the open bills.',
      inputs: ['customerId', 'depositHeld'],
      outputs: ['arrears', 'lateFees', 'credit', 'deposit', 'toCollect', 'toRefund', 'depositPaymentId'],
      async handler(call) {
        const customerId = text(call.variables.customerId) ?? '';
        const report = await ctx.ports.arrears.report(customerId, today(ctx), SYSTEM_ACTOR);
        const deposit = settlementDeposit(call.variables.depositHeld);
        const settlement = closureSettlement({
          arrears: report.totalArrears,
          lateFees: report.lateFees,
          credit: report.creditBalance,
          deposit,
        });
        const posted = await ctx.db.transaction(async (trx) => {
          await lockAccount(trx, customerId);
          const deposit = await postDeposit(trx, {
            customerId,
            amount: dec(settlementDeposit(call.variables.depositHeld)).toFixed(2),
            key: `closure-deposit:${call.instanceId}`,
            postedAt: new Date(ctx.clock.now()),
            postedBy: 'system',
          });
          if (deposit && !deposit.replayed) {
            const details = { customerId, amount: deposit.amount.toFixed(2), instanceId: call.instanceId };
            await ctx.ports.audit.record(
              SYSTEM_ACTOR,
              'payment.deposit',
              'payment',
              deposit.id,
              details,
              undefined,
              trx,
            );
          }
          await applyCredit(trx, customerId);
          return deposit;
        });
        return {
          depositPaymentId: posted?.id ?? null,
          arrears: report.totalArrears,
          lateFees: report.lateFees,
          credit: report.creditBalance,
          deposit: dec(deposit).toFixed(2),
          toCollect: settlement.toCollect.toFixed(2),
          toRefund: settlement.toRefund.toFixed(2),
        };
      },
    },
    {
      name: 'closureClose',
      descriptionZh:
        '退还剩余预存（账务记退款并审计，余额归零），电能表退出运行并销户：电费核算不再对其出账（DOMAIN.md §9）。仍有欠费的户号不予销户。',
      description:
        'Refunds the credit left (a refund on the ledger, audited: the balance ends at 0), takes the meters out of service and closes the account: the billing run never bills it again (DOMAIN.md §9). An account still owing is not closed.',
      inputs: ['customerId', 'meterRemovedOn', 'refundAccount'],
      outputs: ['closedOn', 'refundedAmount', 'refundPaymentId'],
      async handler(call) {
        const customerId = text(call.variables.customerId) ?? '';
        const closedOn = text(call.variables.meterRemovedOn) ?? today(ctx);
        const refund = await ctx.db.transaction(async (trx) => {
          await lockAccount(trx, customerId);
          const customer = await changeCustomer({ ...ctx, db: trx }, customerId);
          if (!customer) throw new Error(`no customer ${customerId}`);
          const key = `closure-refund:${call.instanceId}`;
          if (customer.status === 'closed')
            return trx('payments')
              .where({ idempotency_key: key })
              .first<{ id: string; amount: string } | undefined>('id', 'amount');
          const owed = await trx('bills')
            .where({ customer_id: customerId })
            .whereIn('status', ['issued', 'partly_paid'])
            .sum<{ owed: string | null }[]>({ owed: trx.raw('total - paid_amount') });
          // DOMAIN.md §9: the arrears are settled before the account closes (retried once collected).
          if (dec(owed[0]?.owed ?? 0).greaterThan(0))
            throw new Error(`account ${customer.account_no} still owes ${dec(owed[0]?.owed ?? 0).toFixed(2)} yuan`);
          const refundAccount = text(call.variables.refundAccount);
          const posted = await refundClosingCredit(trx, {
            customerId,
            key,
            channel: refundAccount ? 'bank' : 'counter',
            reason: refundAccount ? `Closure (销户) refund to ${refundAccount}` : 'Closure (销户) refund',
            postedAt: new Date(ctx.clock.now()),
            postedBy: 'system',
          });
          if (posted && !posted.replayed) {
            const details = { customerId, amount: posted.amount.toFixed(2), instanceId: call.instanceId };
            await ctx.ports.audit.record(SYSTEM_ACTOR, 'payment.refund', 'payment', posted.id, details, undefined, trx);
          }
          await trx('meters').where({ customer_id: customerId, status: 'in_service' }).update({ status: 'removed' });
          await trx('customers').where({ id: customerId }).update({ status: 'closed', updated_at: trx.fn.now() });
          await ctx.ports.audit.record(
            SYSTEM_ACTOR,
            'customer.close',
            'customer',
            customerId,
            { closedOn, instanceId: call.instanceId },
            undefined,
            trx,
          );
          return posted ? { id: posted.id, amount: posted.amount.toFixed(2) } : undefined;
        });
        return {
          closedOn,
          refundedAmount: refund ? dec(refund.amount).toFixed(2) : '0.00',
          refundPaymentId: refund?.id ?? null,
        };
      },
    },
  ];
}
