import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { dec, sum } from '../domain/decimal.js';
import { customerAccountOwned, type CustomerSubject } from '../access/customer-account-owned.js';
import type { Actor } from '../lib/actor.js';
import { Invalid, NotFound } from '../lib/errors.js';
import { creditBalance } from '../marketing/ledger.js';
import type { PaymentsService } from '../marketing/payments.service.js';
import type { PaymentDetail } from '../marketing/payment.contract.js';
import type { BankSimulator } from '../payments/bank-simulator.js';
import type { PaymentCallback } from '../payments/provider.js';
import type { HallPaymentCreate, HallReceipt } from './payment.contract.js';

/** The prefix of the idempotency key of a payment posted from a provider's callback. */
const keyOf = (provider: string, reference: string) => `${provider}:${reference}`;

/**
 * Online payments in the hall (DOMAIN.md §8): the customer picks bills (oldest first, as the
 * counter settles them — DOMAIN.md §6 先欠先缴), the provider debits the payer, and its callback
 * posts the payment through the counter's own `PaymentsService`, which settles bills oldest first
 * and lets the arrears collection hear `payment-received`.
 */
export class HallPaymentsService {
  constructor(
    private readonly db: Db,
    private readonly provider: BankSimulator,
    private readonly payments: Pick<PaymentsService, 'recordOnline'>,
  ) {}

  async pay(subject: CustomerSubject, accountId: string, input: HallPaymentCreate, actor: Actor): Promise<HallReceipt> {
    await this.owned(subject, accountId);
    const open = await this.db('bills')
      .where({ customer_id: accountId })
      .whereIn('status', ['issued', 'partly_paid'])
      .orderBy([{ column: 'period' }, { column: 'issued_at' }, { column: 'id' }])
      .select<{ id: string; total: string; paid_amount: string }[]>('id', 'total', 'paid_amount');
    const chosen = new Set(input.billIds);
    for (const id of chosen) if (!open.some((b) => b.id === id)) throw new NotFound('bill', id);
    const prefix = open.slice(0, chosen.size);
    if (!prefix.every((b) => chosen.has(b.id)))
      throw new Invalid(
        'OLDER_BILL_FIRST',
        'pay the oldest unpaid bills first; a newer bill cannot be paid before them',
      );
    const amount = sum(prefix.map((b) => dec(b.total).minus(b.paid_amount))).toFixed(2);
    const callback = await this.provider.createPayment({
      reference: randomUUID(),
      customerId: accountId,
      amount,
      payerAccount: await this.bankAccountOf(subject, actor, input.bankAccountId),
    });
    // The simulator answers at once; its callback is delivered here as a bank would post it.
    return this.callback(callback, actor);
  }

  /** A verified callback posts the payment once: the same reference again answers the first. */
  async callback(callback: PaymentCallback, actor: Actor): Promise<HallReceipt> {
    const payload = this.provider.verifyCallback(callback);
    const { payment } = await this.payments.recordOnline(
      payload.customerId,
      { amount: payload.amount, paidAt: payload.paidAt, idempotencyKey: keyOf(this.provider.name, payload.reference) },
      actor,
    );
    return toReceipt(payment, payload.reference);
  }

  async receipt(subject: CustomerSubject, accountId: string, paymentId: string): Promise<HallReceipt> {
    await this.owned(subject, accountId);
    const row = await this.db('payments')
      .where({ id: paymentId, customer_id: accountId, kind: 'payment' })
      .first<{ idempotency_key: string | null } | undefined>('idempotency_key');
    const prefix = `${this.provider.name}:`;
    if (!row?.idempotency_key?.startsWith(prefix)) throw new NotFound('payment', paymentId);
    const payment = await this.db('payments')
      .where({ id: paymentId })
      .first<{ amount: string; paid_at: Date | string }>('amount', 'paid_at');
    const allocations = await this.db('payment_allocations as a')
      .join('bills as b', 'b.id', 'a.bill_id')
      .where('a.payment_id', paymentId)
      .select<{ bill_id: string; period: string; amount: string }[]>('a.bill_id', 'b.period', 'a.amount')
      .orderBy('a.id');
    return {
      paymentId,
      accountId,
      reference: row.idempotency_key.slice(prefix.length),
      amount: dec(payment.amount).toFixed(2),
      paidAt: new Date(payment.paid_at).toISOString(),
      bills: allocations.map((a) => ({ billId: a.bill_id, period: a.period, amount: dec(a.amount).toFixed(2) })),
      creditBalance: (await creditBalance(this.db, accountId)).toFixed(2),
    };
  }

  async bankAccounts(actor: Actor) {
    return this.provider.accountsOf(actor.username);
  }

  private async owned(subject: CustomerSubject, accountId: string): Promise<void> {
    const row = await this.db('customers as c')
      .where(customerAccountOwned(subject).whereColumn('c.id'))
      .where('c.id', accountId)
      .first<{ id: string } | undefined>('c.id');
    if (!row) throw new NotFound('account', accountId);
  }

  /** Only the login's own simulated accounts may be debited (the picker lists no other). */
  private async bankAccountOf(_subject: CustomerSubject, actor: Actor, id: string): Promise<string> {
    const mine = await this.provider.accountsOf(actor.username);
    if (!mine.some((a) => a.id === id)) throw new NotFound('bank account', id);
    return id;
  }
}

function toReceipt(payment: PaymentDetail, reference: string): HallReceipt {
  return {
    paymentId: payment.id,
    accountId: payment.customerId,
    reference,
    amount: payment.amount,
    paidAt: payment.paidAt,
    bills: payment.allocations,
    creditBalance: payment.creditBalance,
  };
}
