import type { Db } from '../db/index.js';
import { type Dec, dec, moneyString, sum } from '../domain/decimal.js';
import {
  type BillRelief,
  feeAfterWaivers,
  feeDueDate,
  NO_RELIEF,
  quoteLateFee,
  type ElecTypeCode,
} from '../domain/billing/index.js';
import { shanghaiDateOf } from '../domain/calendar/index.js';
import type { Actor } from '../lib/actor.js';
import type { AgeingBucket, ArrearsReport, BillArrears, CustomerArrears } from './arrears.contract.js';
import type { CustomersService } from './customers.service.js';
import { MONEY_IN, creditBalance } from './ledger.js';
import { approvedReliefs } from './late-fee-reliefs.repository.js';

export type { AgeingBucket, ArrearsReport, BillArrears, CustomerArrears } from './arrears.contract.js';

export interface UnsettledBill {
  id: string;
  period: string;
  dueDate: string;
  total: string;
  paidAmount: string;
  /** Money allocated to the bill, by the (Asia/Shanghai) day it was paid. */
  payments: { date: string; amount: string }[];
  /** Approved waivers and deferrals of its late fee (DOMAIN.md §6). */
  relief?: BillRelief;
}

/** DOMAIN.md §1 classes: current month, earlier months this year, prior years (陈欠), by the bill's month. */
export function ageingBucket(period: string, asOf: string): AgeingBucket {
  if (period.slice(0, 4) < asOf.slice(0, 4)) return 'priorYears';
  return period < asOf.slice(0, 7) ? 'earlierThisYear' : 'currentMonth';
}

/**
 * Arrears of unsettled bills as of a day, with each bill's late fee accrued to that day by the
 * pure `quoteLateFee` (DOMAIN.md §6): payments up to the due date lower the principal, later ones
 * lower it from the next day; payments after `asOf` are not yet counted.
 */
export function arrearsOf(bills: UnsettledBill[], category: ElecTypeCode, credit: Dec, asOf: string): ArrearsReport {
  const ageing: Record<AgeingBucket, Dec> = { currentMonth: dec(0), earlierThisYear: dec(0), priorYears: dec(0) };
  const rows = bills.map((bill): BillArrears => {
    const outstanding = dec(bill.total).minus(bill.paidAmount);
    const bucket = ageingBucket(bill.period, asOf);
    ageing[bucket] = ageing[bucket].plus(outstanding);
    const counted = bill.payments.filter((p) => p.date <= asOf);
    const beforeDue = sum(counted.filter((p) => p.date <= bill.dueDate).map((p) => p.amount));
    const relief = bill.relief ?? NO_RELIEF;
    const fee = quoteLateFee({
      category,
      principal: dec(bill.total).minus(beforeDue).toFixed(2),
      billMonth: bill.period,
      dueDate: feeDueDate(bill.dueDate, relief),
      payDate: asOf,
      payments: counted.filter((p) => p.date > bill.dueDate),
    });
    return {
      id: bill.id,
      period: bill.period,
      dueDate: bill.dueDate,
      total: moneyString(bill.total),
      paidAmount: moneyString(bill.paidAmount),
      outstanding: moneyString(outstanding),
      bucket,
      lateFee: { days: fee.days, amount: feeAfterWaivers(fee.amount, relief) },
    };
  });
  const total = sum(Object.values(ageing));
  return {
    asOf,
    totalArrears: moneyString(total),
    ageing: {
      currentMonth: moneyString(ageing.currentMonth),
      earlierThisYear: moneyString(ageing.earlierThisYear),
      priorYears: moneyString(ageing.priorYears),
    },
    creditBalance: moneyString(credit),
    netBalance: moneyString(total.minus(credit)),
    lateFees: moneyString(sum(rows.map((r) => r.lateFee.amount))),
    bills: rows,
  };
}

/** Receivables of one customer (应收/欠费; DOMAIN.md §1, §6). */
export class ArrearsService {
  constructor(
    private readonly db: Db,
    private readonly customers: CustomersService,
  ) {}

  async report(customerId: string, asOf: string | undefined, actor: Actor): Promise<CustomerArrears> {
    const customer = await this.customers.visible({ id: customerId }, actor, 'billing', 'read');
    return this.reportFor(customer, asOf ?? shanghaiDateOf(new Date()));
  }

  /**
   * The receivables of a customer the caller has already been allowed to read (the staff route
   * by its department rule, the customer hall by its own-accounts rule): one computation for both.
   */
  async reportFor(
    customer: { id: string; account_no: string; elec_type_code: string },
    day: string,
  ): Promise<CustomerArrears> {
    const customerId = customer.id;
    const bills = (await this.db('bills')
      .where({ customer_id: customerId })
      .whereIn('status', ['issued', 'partly_paid'])
      .select('id', 'period', 'total', 'paid_amount', this.db.raw(`to_char(due_date, 'YYYY-MM-DD') as due_date`))
      .orderBy([{ column: 'period' }, { column: 'due_date' }])) as {
      id: string;
      period: string;
      total: string;
      paid_amount: string;
      due_date: string;
    }[];
    const allocations = await this.livePayments(bills.map((b) => b.id));
    const reliefs = await approvedReliefs(
      this.db,
      bills.map((b) => b.id),
    );
    const report = arrearsOf(
      bills.map((b) => ({
        id: b.id,
        period: b.period,
        dueDate: b.due_date,
        total: b.total,
        paidAmount: b.paid_amount,
        payments: allocations.filter((a) => a.bill_id === b.id).map((a) => ({ date: a.date, amount: a.amount })),
        relief: reliefs.get(b.id),
      })),
      customer.elec_type_code as ElecTypeCode,
      await creditBalance(this.db, customerId),
      day,
    );
    return { customerId, accountNo: customer.account_no, ...report };
  }

  private livePayments(billIds: string[]) {
    return livePayments(this.db, billIds);
  }
}

/**
 * Allocations of payments still standing to these bills, by the (Asia/Shanghai) day paid: a
 * reversed payment and its reversal cancel out. The customer's arrears and the collection report
 * both read payments through it.
 */
export async function livePayments(db: Db, billIds: string[]) {
  if (!billIds.length) return [];
  const rows = await db('payment_allocations as a')
    .join('payments as p', 'p.id', 'a.payment_id')
    .whereIn('a.bill_id', billIds)
    .whereIn('p.kind', MONEY_IN)
    .whereNotExists((q) => {
      q.select(db.raw('1')).from('payments as r').whereRaw('r.reverses_payment_id = p.id');
    })
    .select<{ bill_id: string; amount: string; paid_at: Date }[]>('a.bill_id', 'a.amount', 'p.paid_at');
  return rows.map((r) => ({ bill_id: r.bill_id, amount: r.amount, date: shanghaiDateOf(new Date(r.paid_at)) }));
}
