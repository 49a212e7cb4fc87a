import { type AdjustmentMonth, adjustmentMoney, spreadAdjustment } from '../../domain/metering/index.js';
import type { TariffDefinition } from '../../domain/tariffs/index.js';
import { dec, sum } from '../../domain/decimal.js';
import { utilityToday } from '../../lib/clock.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { asText } from '../../lib/text.js';
import { dueDateOf } from '../../marketing/billing-periods.js';
import { tariffFor } from '../../marketing/billing-tariffs.js';
import { lockAccount, postAdjustment } from '../../marketing/ledger.js';
import { BpmnBusinessError, type ServiceDefinition } from '../../services/registry.js';
import type { ProcessContext } from '../context.js';

interface BilledMonth {
  period: string;
  kwh: string;
}

/** The energy bills of the months from `fromMonth` to `toMonth`, with the kWh each charged. */
async function billedMonths(ctx: ProcessContext, customerId: string, fromMonth: string, toMonth: string) {
  const rows = await ctx.db.raw<{ rows: BilledMonth[] }>(
    `SELECT b.period,
            coalesce(b.consumption_kwh, (SELECT sum((l->>'quantity')::numeric) FROM jsonb_array_elements(b.lines) l
                                          WHERE l->>'type' = '01'), 0)::text AS kwh
       FROM bills b
      WHERE b.customer_id = ? AND b.kind = 'energy' AND b.status <> 'written_off'
        AND b.period >= ? AND b.period <= ?
      ORDER BY b.period`,
    [customerId, `${fromMonth.slice(0, 4)}-01`, toMonth],
  );
  return rows.rows;
}

/**
 * The months an adjustment reaches back into (DOMAIN.md §3): the energy bills since the meter's
 * previous test, the adjustment spread over them pro rata to their kWh, each with the kWh billed
 * earlier in its (calendar) tier year, as the billing run counts it.
 */
export async function adjustmentMonths(
  ctx: ProcessContext,
  customerId: string,
  adjustKwh: string,
  fromMonth: string,
  toMonth: string,
): Promise<AdjustmentMonth[]> {
  const bills = await billedMonths(ctx, customerId, fromMonth, toMonth);
  const affected = bills.filter((b) => b.period >= fromMonth && dec(b.kwh).greaterThan(0));
  if (affected.length === 0) return [];
  const parts = spreadAdjustment(
    adjustKwh,
    affected.map((b) => ({ month: b.period, recordedKwh: b.kwh })),
  );
  return affected.map((b, i) => ({
    month: b.period,
    billedKwh: b.kwh,
    adjustKwh: parts[i]?.adjustKwh ?? '0',
    tierYearKwhBefore: sum(
      bills.filter((e) => e.period.slice(0, 4) === b.period.slice(0, 4) && e.period < b.period).map((e) => e.kwh),
    ).toFixed(2),
  }));
}

async function tariffOf(ctx: ProcessContext, category: string, tariffCode: string | null): Promise<TariffDefinition> {
  const rows = await ctx.db('tariffs').select<{ definition: TariffDefinition }[]>('definition');
  return tariffFor(category, tariffCode, new Map(rows.map((r) => [r.definition.code, r.definition])));
}

/** The metering service that turns an approved adjustment into money on the account. */
export function adjustmentPostingService(ctx: ProcessContext): ServiceDefinition {
  return {
    name: 'meteringPostAdjustment',
    descriptionZh:
      '将已批准的退补记入账务：自上次校验以来各月电量 × 当月电价（含阶梯）之和（DOMAIN.md §3）；补收开具退补账单，退还记为预存余额；并通知客户。',
    description:
      'Posts an approved adjustment (退补) as money: Σ over the months since the previous test of kWh × that month’s price, tiers included (DOMAIN.md §3); a back-bill as an adjustment bill, a refund as a credit; and notifies the customer.',
    inputs: ['customerId', 'adjustKwh', 'previousTestOn', 'testedOn'],
    outputs: ['adjustMoney', 'adjustmentPosting', 'adjustmentPostingId'],
    async handler(call) {
      const v = call.variables;
      const customerId = asText(v.customerId);
      const today = utilityToday(ctx.clock);
      const toMonth = (asText(v.testedOn) || today).slice(0, 7);
      const fromMonth = (asText(v.previousTestOn) || toMonth).slice(0, 7);
      const customer = await ctx
        .db('customers')
        .where({ id: customerId })
        .first<{ elec_type_code: string; tariff_code: string | null } | undefined>('elec_type_code', 'tariff_code');
      if (!customer) throw new BpmnBusinessError('CUSTOMER_UNKNOWN', `no customer ${customerId}`);
      const months = await adjustmentMonths(ctx, customerId, asText(v.adjustKwh, '0'), fromMonth, toMonth);
      const money = adjustmentMoney(months, await tariffOf(ctx, customer.elec_type_code, customer.tariff_code));
      const period = today.slice(0, 7);
      const posted = await ctx.db.transaction(async (trx) => {
        await lockAccount(trx, customerId);
        const result = await postAdjustment(trx, {
          customerId,
          sourceKey: `adjustment:${call.idempotencyKey}`,
          months: money.lines,
          period,
          dueDate: dueDateOf(period),
          postedAt: new Date(ctx.clock.now()),
          postedBy: 'system',
        });
        // The money moved on the account is on the record with the posting it made; a replayed call
        // posted nothing new and records nothing new.
        if (result.kind !== 'none' && !result.replayed)
          await ctx.ports.audit.record(
            SYSTEM_ACTOR,
            'metering.adjustment-posted',
            'customer',
            customerId,
            {
              posting: result.kind,
              postingId: result.id,
              amount: money.total,
              adjustKwh: asText(v.adjustKwh, '0'),
              months: money.lines.map((l) => ({ month: l.month, adjustKwh: l.adjustKwh, amount: l.amount })),
              instanceId: call.instanceId,
            },
            undefined,
            trx,
          );
        return result;
      });
      if (posted.kind !== 'none') {
        await ctx.ports.notifications.sendMany([
          {
            input: {
              template: 'adjustment_posted',
              customerId,
              params: {
                kwh: sum(money.lines.map((l) => l.adjustKwh)).toFixed(2),
                amount: money.total,
                dueDate: dueDateOf(period),
              },
            },
            origin: {
              idempotencyKey: `adjustment-posted:${call.idempotencyKey}`,
              instanceId: call.instanceId,
              elementId: call.elementId,
              by: 'system',
            },
          },
        ]);
      }
      return {
        adjustMoney: money.total,
        adjustmentPosting: posted.kind,
        adjustmentPostingId: posted.kind === 'none' ? null : posted.id,
      };
    },
  };
}
