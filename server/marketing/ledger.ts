import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { type Dec, dec, sum } from '../domain/decimal.js';

/**
 * The customer's account: what each payment has left after its allocations (and refunds), and
 * how it settles unsettled bills. Every function runs inside the caller's transaction, after
 * `lockAccount`, so two payments of one customer never allocate the same money twice.
 */

/** Rows of `payments` that bring money to the account: payments, and refunds of an adjustment (退补). */
export const MONEY_IN = ['payment', 'adjustment'] as const;

export type BillStatus = 'issued' | 'partly_paid' | 'settled' | 'written_off';

export interface OpenBill {
  id: string;
  outstanding: Dec;
}

export interface Fund {
  paymentId: string;
  remainder: Dec;
}

export interface Allocation {
  paymentId: string;
  billId: string;
  amount: Dec;
}

/** DOMAIN.md §1: issued → partly paid → settled. */
export function billStatus(total: Dec, paid: Dec): BillStatus {
  if (paid.greaterThanOrEqualTo(total)) return 'settled';
  return paid.greaterThan(0) ? 'partly_paid' : 'issued';
}

/** Refunds pay out the oldest unallocated money first, so each payment's remainder is what is really left. */
export function afterRefunds(funds: Fund[], refunded: Dec): Fund[] {
  let left = refunded;
  return funds.map((f) => {
    const taken = smaller(f.remainder, left);
    left = left.minus(taken);
    return { ...f, remainder: f.remainder.minus(taken) };
  });
}

function smaller(a: Dec, b: Dec): Dec {
  return a.lessThan(b) ? a : b;
}

/** Oldest unsettled bill first, oldest money first (DOMAIN.md §6 practice: 先欠先缴). */
export function allocate(bills: OpenBill[], funds: Fund[]): Allocation[] {
  const result: Allocation[] = [];
  const pool = funds.filter((f) => f.remainder.greaterThan(0)).map((f) => ({ ...f }));
  let i = 0;
  for (const bill of bills) {
    let owed = bill.outstanding;
    while (owed.greaterThan(0) && i < pool.length) {
      const fund = pool[i]!;
      const amount = smaller(owed, fund.remainder);
      result.push({ paymentId: fund.paymentId, billId: bill.id, amount });
      owed = owed.minus(amount);
      fund.remainder = fund.remainder.minus(amount);
      if (fund.remainder.isZero()) i++;
    }
    if (i >= pool.length) break;
  }
  return result;
}

/** Serialises every change to one customer's account (payments, refunds, reversals, new bills). */
export async function lockAccount(trx: Db, customerId: string): Promise<void> {
  await trx('customers').where({ id: customerId }).forUpdate().first('id');
}

/** Payments not reversed, with what each has left after its allocations and the customer's refunds. */
export async function funds(trx: Db, customerId: string): Promise<Fund[]> {
  const rows = (await trx('payments as p')
    .where({ 'p.customer_id': customerId })
    .whereIn('p.kind', MONEY_IN)
    .whereNotExists((q) => {
      q.select(trx.raw('1')).from('payments as r').whereRaw('r.reverses_payment_id = p.id');
    })
    .select(
      'p.id',
      trx.raw(
        'p.amount - coalesce((select sum(a.amount) from payment_allocations a where a.payment_id = p.id), 0) as remainder',
      ),
    )
    .orderBy([{ column: 'p.paid_at' }, { column: 'p.created_at' }, { column: 'p.id' }])) as {
    id: string;
    remainder: string;
  }[];
  const refunded = await trx('payments').where({ customer_id: customerId, kind: 'refund' }).sum({ s: 'amount' });
  return afterRefunds(
    rows.map((r) => ({ paymentId: r.id, remainder: dec(r.remainder) })),
    dec(String(refunded[0]?.s ?? 0)),
  );
}

/** The customer's credit (预收): money received and not yet allocated to a bill. */
export async function creditBalance(trx: Db, customerId: string): Promise<Dec> {
  return sum((await funds(trx, customerId)).map((f) => f.remainder));
}

/** Adds `delta` (negative: undoes) to bills' paid amounts and moves their status accordingly. */
export async function applyToBills(trx: Db, allocations: Allocation[]): Promise<void> {
  const byBill = new Map<string, Dec>();
  for (const a of allocations) byBill.set(a.billId, (byBill.get(a.billId) ?? dec(0)).plus(a.amount));
  for (const [billId, delta] of byBill) {
    const bill = await trx('bills')
      .where({ id: billId })
      .first<{ total: string; paid_amount: string }>('total', 'paid_amount');
    const paid = dec(bill.paid_amount).plus(delta);
    await trx('bills')
      .where({ id: billId })
      .update({ paid_amount: paid.toFixed(2), status: billStatus(dec(bill.total), paid) });
  }
  if (allocations.length) {
    await trx('payment_allocations').insert(
      allocations.map((a) => ({ payment_id: a.paymentId, bill_id: a.billId, amount: a.amount.toFixed(2) })),
    );
  }
}

/** Settles unsettled bills with the customer's unallocated money; answers the allocations made. */
export async function applyCredit(trx: Db, customerId: string): Promise<Allocation[]> {
  const available = await funds(trx, customerId);
  if (!available.some((f) => f.remainder.greaterThan(0))) return [];
  const bills = (await trx('bills')
    .where({ customer_id: customerId })
    .whereIn('status', ['issued', 'partly_paid'])
    .select('id', trx.raw('total - paid_amount as outstanding'))
    .orderBy([{ column: 'period' }, { column: 'due_date' }, { column: 'id' }])) as {
    id: string;
    outstanding: string;
  }[];
  const allocations = allocate(
    bills.map((b) => ({ id: b.id, outstanding: dec(b.outstanding) })),
    available,
  );
  await applyToBills(trx, allocations);
  return allocations;
}

/** An approved adjustment's money to post (DOMAIN.md §3), as `adjustmentMoney` priced it. */
export interface AdjustmentPosting {
  customerId: string;
  /** Posts once per key: the service call that posts it. */
  sourceKey: string;
  months: readonly { month: string; adjustKwh: string; amount: string }[];
  /** The month it is posted in; a back-bill is a bill of that month, due on `dueDate`. */
  period: string;
  dueDate: string;
  postedAt: Date;
  postedBy: string;
}

export type PostedAdjustment =
  | { kind: 'bill' | 'credit'; id: string; amount: Dec; replayed: boolean }
  | { kind: 'none'; amount: Dec; replayed: false };

const adjustmentLine = (m: AdjustmentPosting['months'][number]) => {
  const kwh = dec(m.adjustKwh);
  // The month was repriced tiers included: its unit price is the average the amount works out to.
  const unitPrice = kwh.isZero() ? dec(0) : dec(m.amount).dividedBy(kwh).toDecimalPlaces(5);
  return {
    type: '01',
    label: `Adjustment (退补) for ${m.month}, ${kwh.toFixed(2)} kWh`,
    quantity: kwh.toFixed(2),
    unitPrice: unitPrice.toFixed(),
    amount: m.amount,
  };
};

/**
 * Posts an approved meter adjustment as money on the account: a back-bill (positive total) is an
 * adjustment bill with one line per month; a refund (negative) is a credit, a `payments` row of
 * kind `adjustment`. Either way the customer's credit then settles what it can. Runs in the
 * caller's transaction, after `lockAccount`; a second call with the same key answers the first.
 */
export async function postAdjustment(trx: Db, posting: AdjustmentPosting): Promise<PostedAdjustment> {
  const total = sum(posting.months.map((m) => m.amount));
  const billed = await trx('bills').where({ source_key: posting.sourceKey }).first<{ id: string } | undefined>('id');
  if (billed) return { kind: 'bill', id: billed.id, amount: total, replayed: true };
  const credited = await trx('payments')
    .where({ idempotency_key: posting.sourceKey })
    .first<{ id: string } | undefined>('id');
  if (credited) return { kind: 'credit', id: credited.id, amount: total, replayed: true };
  if (total.isZero()) return { kind: 'none', amount: total, replayed: false };
  const id = randomUUID();
  if (total.greaterThan(0)) {
    await trx('bills').insert({
      id,
      customer_id: posting.customerId,
      period: posting.period,
      kind: 'adjustment',
      lines: JSON.stringify(posting.months.map(adjustmentLine)),
      total: total.toFixed(2),
      due_date: posting.dueDate,
      status: 'issued',
      issued_by: posting.postedBy,
      issued_at: posting.postedAt,
      source_key: posting.sourceKey,
    });
  } else {
    await trx('payments').insert({
      id,
      customer_id: posting.customerId,
      kind: 'adjustment',
      channel: 'adjustment',
      amount: total.negated().toFixed(2),
      paid_at: posting.postedAt,
      idempotency_key: posting.sourceKey,
      reason: `Adjustment (退补) for ${posting.months.map((m) => m.month).join(', ')}`,
      created_by: posting.postedBy,
    });
  }
  await applyCredit(trx, posting.customerId);
  return { kind: total.greaterThan(0) ? 'bill' : 'credit', id, amount: total, replayed: false };
}

/** The approval's decision on a late-fee relief (DOMAIN.md §6). */
export interface ReliefDecision {
  reliefId: string;
  approved: boolean;
  decidedBy: string;
  decidedAt: Date;
  comment: string | null;
}

/**
 * Posts the decision on a pending late-fee waiver or deferral: an approved one becomes part of the
 * account, and from then on every late fee the account is charged (the arrears report, a
 * collection's settlement) counts it; a rejected one changes nothing. Runs in the caller's
 * transaction, after `lockAccount`; a decision already posted answers `posted: false`.
 */
export async function postLateFeeRelief(
  trx: Db,
  decision: ReliefDecision,
): Promise<{ posted: boolean; customerId: string; status: string }> {
  const [row] = await trx('late_fee_reliefs')
    .where({ id: decision.reliefId, status: 'pending' })
    .update({
      status: decision.approved ? 'approved' : 'rejected',
      decided_by: decision.decidedBy,
      decided_at: decision.decidedAt,
      decision_comment: decision.comment,
    })
    .returning<{ customer_id: string; status: string }[]>(['customer_id', 'status']);
  if (row) return { posted: true, customerId: row.customer_id, status: row.status };
  const earlier = await trx('late_fee_reliefs')
    .where({ id: decision.reliefId })
    .first<{ customer_id: string; status: string } | undefined>('customer_id', 'status');
  if (!earlier) throw new Error(`no late-fee relief ${decision.reliefId}`);
  return { posted: false, customerId: earlier.customer_id, status: earlier.status };
}
