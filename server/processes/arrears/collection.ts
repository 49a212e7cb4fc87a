import { utilityToday } from '../../lib/clock.js';
import type { Db } from '../../db/index.js';
import type { ElecTypeCode } from '../../domain/billing/index.js';
import { addDays, compareDates, shanghaiDateOf, toDayNumber } from '../../domain/calendar/index.js';
import { dec, sum } from '../../domain/decimal.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import type { Logger } from '../../lib/logger.js';
import { arrearsOf } from '../../marketing/arrears.js';
import { approvedReliefs } from '../../marketing/late-fee-reliefs.repository.js';
import { MONEY_IN } from '../../marketing/ledger.js';
import type { ProcessContext } from '../context.js';

export const ARREARS_PROCESS = 'arrears-collection';
export const PAYMENT_RECEIVED = 'payment-received';
/** The same payment once the customer is disconnected: it starts the reconnection. */
export const PAID_AFTER_DISCONNECTION = 'payment-received-disconnected';

/** (cfg) DOMAIN.md §6 collection timings. */
export const COLLECTION_RULES = {
  /** Disconnection only when the bill is more than this many days overdue. */
  disconnectAfterDaysOverdue: 30,
  /** The written notice goes out this many days before the disconnection. */
  noticeDays: 7,
  /** The final notice, minutes before. */
  finalNoticeMinutes: 30,
  /** The hour (Asia/Shanghai) field work is planned for. */
  fieldHour: 9,
  /** Overdue customers started per daily scan (the next day continues). */
  scanLimit: 5000,
};

/** A day's hour in Asia/Shanghai as an ISO instant. */
export function shanghaiAt(date: string, hour: number): string {
  return new Date(`${date}T${String(hour).padStart(2, '0')}:00:00+08:00`).toISOString();
}

export interface Overdue {
  settled: boolean;
  arrears: string;
  lateFee: string;
  daysOverdue: number;
  oldestBillId: string | null;
  oldestDueDate: string | null;
  overdueBillIds: string[];
  asOf: string;
}

/**
 * A customer's overdue position on the platform clock's day (DOMAIN.md §6): the outstanding of
 * bills past their due date, the late fee accrued on them to today, and the oldest due date.
 * Settled: nothing overdue is left unpaid.
 */
export async function overdueOf(ctx: ProcessContext, customerId: string): Promise<Overdue> {
  const asOf = utilityToday(ctx.clock);
  const report = await ctx.ports.arrears.report(customerId, asOf, SYSTEM_ACTOR);
  const overdue = report.bills.filter((b) => compareDates(b.dueDate, asOf) < 0 && dec(b.outstanding).greaterThan(0));
  const oldest = overdue[0];
  return {
    settled: overdue.length === 0,
    arrears: sum(overdue.map((b) => b.outstanding)).toFixed(2),
    lateFee: sum(overdue.map((b) => b.lateFee.amount)).toFixed(2),
    daysOverdue: oldest ? toDayNumber(asOf) - toDayNumber(oldest.dueDate) : 0,
    oldestBillId: oldest?.id ?? null,
    oldestDueDate: oldest?.dueDate ?? null,
    overdueBillIds: overdue.map((b) => b.id),
    asOf,
  };
}

/**
 * Starts and ends arrears collection: the daily scan opens one `arrears-collection` instance per
 * customer with an overdue bill (once per oldest overdue bill), and a payment that settles the
 * overdue bills is delivered to the customer's waiting instance as the `payment-received` message.
 */
export class CollectionStarter {
  constructor(
    private readonly ctx: ProcessContext,
    private readonly logger: Logger,
  ) {}

  private get db(): Db {
    return this.ctx.db;
  }

  /** The overdue scan of `date`: customers with a bill due before that day and still unpaid. */
  async scan(date: string, limit = COLLECTION_RULES.scanLimit): Promise<{ started: number; candidates: number }> {
    const candidates = await this.db.raw<{
      rows: { id: string; account_no: string; department_id: string; bill_id: string }[];
    }>(
      `SELECT DISTINCT ON (c.id) c.id, c.account_no, c.department_id, b.id AS bill_id
         FROM bills b JOIN customers c ON c.id = b.customer_id
        WHERE b.status IN ('issued', 'partly_paid') AND b.due_date < ?::date AND c.elec_type_code <> '000'
          AND NOT EXISTS (SELECT 1 FROM process_instances i
                           WHERE i.definition_key = ? AND i.business_key = c.account_no
                             AND (i.status = 'running' OR i.variables->>'oldestBillId' = b.id::text))
        ORDER BY c.id, b.due_date, b.period
        LIMIT ?`,
      [date, ARREARS_PROCESS, limit],
    );
    let started = 0;
    for (const c of candidates.rows) {
      try {
        await this.ctx.ports.instances.start(
          {
            definitionKey: ARREARS_PROCESS,
            businessKey: c.account_no,
            departmentId: c.department_id,
            variables: { customerId: c.id, accountNo: c.account_no, oldestBillId: c.bill_id },
          },
          SYSTEM_ACTOR,
        );
        started += 1;
      } catch (err) {
        this.logger.error({ err, customerId: c.id }, 'arrears collection could not start');
      }
    }
    return { started, candidates: candidates.rows.length };
  }

  /**
   * After a payment: when the customer's overdue bills are all paid and a collection waits for
   * the payment, deliver `payment-received` (ending it, or moving it on to reconnection).
   */
  async paymentRecorded(customerId: string): Promise<boolean> {
    const customer = await this.db('customers')
      .where({ id: customerId })
      .first<{ account_no: string } | undefined>('account_no');
    if (!customer) return false;
    const waiting = await this.db('message_subscriptions as s')
      .join('process_instances as i', 'i.id', 's.instance_id')
      .whereIn('s.message_name', [PAYMENT_RECEIVED, PAID_AFTER_DISCONNECTION])
      .where({ 'i.status': 'running', 'i.definition_key': ARREARS_PROCESS })
      .where('i.business_key', customer.account_no)
      .pluck<string[]>('s.message_name');
    if (!waiting.length) return false;
    // A disconnected customer's payment starts the reconnection; before that it ends the collection.
    const name = waiting.includes(PAID_AFTER_DISCONNECTION) ? PAID_AFTER_DISCONNECTION : PAYMENT_RECEIVED;
    const position = await overdueOf(this.ctx, customerId);
    if (!position.settled) return false;
    await this.ctx.ports.messages.correlate(
      {
        name,
        businessKey: customer.account_no,
        variables: { settledOn: position.asOf, paidAt: new Date(this.ctx.clock.now()).toISOString() },
      },
      SYSTEM_ACTOR,
    );
    return true;
  }
}

/**
 * The late fee charged on bills a collection was about, now that they are paid (DOMAIN.md §6,
 * worked example C): each bill's penalty from the day after its due date to the day it was
 * settled, on the unpaid principal, partial payments lowering it from the next day.
 */
export async function lateFeeCharged(ctx: ProcessContext, customerId: string, billIds: string[]) {
  if (!billIds.length) return { lateFee: '0.00', settledOn: utilityToday(ctx.clock) };
  const customer = await ctx
    .db('customers')
    .where({ id: customerId })
    .first<{ elec_type_code: ElecTypeCode } | undefined>('elec_type_code');
  const bills = await ctx
    .db('bills')
    .whereIn('id', billIds)
    .select<{ id: string; period: string; total: string; paid_amount: string; due_date: string }[]>(
      'id',
      'period',
      'total',
      'paid_amount',
      ctx.db.raw(`to_char(due_date, 'YYYY-MM-DD') as due_date`),
    );
  const paid = await ctx
    .db('payment_allocations as a')
    .join('payments as p', 'p.id', 'a.payment_id')
    .whereIn('a.bill_id', billIds)
    .whereIn('p.kind', MONEY_IN)
    .whereNotExists((q) => {
      q.select(ctx.db.raw('1')).from('payments as r').whereRaw('r.reverses_payment_id = p.id');
    })
    .select<{ bill_id: string; amount: string; paid_at: Date }[]>('a.bill_id', 'a.amount', 'p.paid_at');
  const payments = paid.map((a) => ({
    billId: a.bill_id,
    amount: a.amount,
    date: shanghaiDateOf(new Date(a.paid_at)),
  }));
  const settledOn = payments.reduce((d, p) => (p.date > d ? p.date : d), bills[0]?.due_date ?? utilityToday(ctx.clock));
  const reliefs = await approvedReliefs(ctx.db, billIds);
  // Each bill as it stood before its payments, accrued to the day the last one was made, with the
  // waivers and deferrals its approval tasks approved.
  const report = arrearsOf(
    bills.map((b) => ({
      id: b.id,
      period: b.period,
      dueDate: b.due_date,
      total: b.total,
      paidAmount: '0',
      payments: payments.filter((p) => p.billId === b.id).map((p) => ({ date: p.date, amount: p.amount })),
      relief: reliefs.get(b.id),
    })),
    customer?.elec_type_code ?? '400',
    dec(0),
    settledOn,
  );
  return { lateFee: report.lateFees, settledOn };
}

/** The day `days` after `date` at the field hour: when a >30-days-overdue disconnection may first be planned. */
export function eligibleAt(oldestDueDate: string): string {
  return shanghaiAt(
    addDays(oldestDueDate, COLLECTION_RULES.disconnectAfterDaysOverdue + 1),
    COLLECTION_RULES.fieldHour,
  );
}
