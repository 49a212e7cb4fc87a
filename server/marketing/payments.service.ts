import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { dec } from '../domain/decimal.js';
import type { AuditService } from '../identity/audit.service.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, NotFound } from '../lib/errors.js';
import { mapPage, page, type Page, type PageRequest } from '../workflow/paging.js';
import type { TransactionScope, Transactions } from '../workflow/transactions.js';
import type { CustomerRow, CustomersService } from './customers.service.js';
import {
  toPayment,
  toPaymentDetail,
  toPaymentListItem,
  type AllocationRow,
  type Payment,
  type PaymentDetail,
  type PaymentListItem,
  type PaymentListRow,
  type PaymentRow,
} from './payment.contract.js';
import { applyCredit, applyToBills, creditBalance, lockAccount } from './ledger.js';
import type { PaymentCreate, PaymentSearch, RefundCreate } from './schemas.js';

const PAYMENT_COLUMNS = [
  'id',
  'customer_id',
  'kind',
  'channel',
  'amount',
  'paid_at',
  'idempotency_key',
  'reverses_payment_id',
  'reason',
  'created_by',
  'created_at',
];

export interface Recorded {
  payment: PaymentDetail;
  /** The same notification again: nothing was recorded, the first payment is answered. */
  replayed: boolean;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/**
 * Payments (实收; DOMAIN.md §1, §6): recorded once per idempotency key, applied to the oldest
 * unsettled bill first; refunds and reversals are rows of their own, never edits.
 */
export class PaymentsService {
  private readonly recorded: ((customerId: string) => Promise<void>)[] = [];

  constructor(
    private readonly db: Db,
    private readonly customers: CustomersService,
    private readonly authorization: Authorization,
    private readonly audit: AuditService,
    private readonly transactions: Pick<Transactions, 'run'>,
  ) {}

  /**
   * Runs `listener` after each new payment has committed (not on a replayed notification): the
   * arrears collection ends once the overdue bills are settled. A failing listener is logged by
   * its owner; the payment stands.
   */
  onRecorded(listener: (customerId: string) => Promise<void>): void {
    this.recorded.push(listener);
  }

  async list(customerId: string, request: PageRequest, actor: Actor): Promise<Page<Payment>> {
    await this.customers.visible({ id: customerId }, actor, 'billing', 'read');
    const q = this.db('payments')
      .where({ customer_id: customerId })
      .select(PAYMENT_COLUMNS)
      .orderBy([
        { column: 'paid_at', order: 'desc' },
        { column: 'created_at', order: 'desc' },
      ]);
    return mapPage(await page<PaymentRow>(q, request), toPayment);
  }

  /**
   * The back office's list: payments, refunds and reversals of every customer whose billing the
   * actor may read (the per-customer list's rule as a department filter), newest first, each with
   * the customer's name and account number. `from` is inclusive, `to` exclusive.
   */
  async search(filter: PaymentSearch, request: PageRequest, actor: Actor): Promise<Page<PaymentListItem>> {
    const q = this.db('payments as p')
      .join('customers as c', 'c.id', 'p.customer_id')
      .where(await this.customers.departmentFilter(actor, 'billing', 'read', 'c.department_id'))
      .select([...PAYMENT_COLUMNS.map((c) => `p.${c}`), 'c.account_no', 'c.name as customer_name'])
      .orderBy([
        { column: 'p.paid_at', order: 'desc' },
        { column: 'p.created_at', order: 'desc' },
        { column: 'p.id', order: 'desc' },
      ]);
    if (filter.from) q.where('p.paid_at', '>=', new Date(filter.from));
    if (filter.to) q.where('p.paid_at', '<', new Date(filter.to));
    if (filter.channel) q.where('p.channel', filter.channel);
    return mapPage(await page<PaymentListRow>(q, request), toPaymentListItem);
  }

  async get(id: string, actor: Actor): Promise<PaymentDetail> {
    const payment = await this.db('payments')
      .where({ id })
      .first<Pick<PaymentRow, 'customer_id'> | undefined>('customer_id');
    if (!payment) throw new NotFound('payment', id);
    await this.customers.visible({ id: payment.customer_id }, actor, 'billing', 'read').catch(() => {
      throw new NotFound('payment', id);
    });
    return this.view(this.db, id);
  }

  async record(input: PaymentCreate, actor: Actor): Promise<Recorded> {
    const customer = await this.payee(
      input.customerId ? { id: input.customerId } : { account_no: input.accountNo ?? '' },
      actor,
    );
    return this.post(customer, input, actor);
  }

  /**
   * A payment the customer made online in the hall (channel `web`): the same posting as a counter
   * payment — once per key, oldest bill first, the listeners after commit. The hall's own-accounts
   * rule has admitted the customer already; a customer holds no staff permission to ask for.
   */
  async recordOnline(
    customerId: string,
    input: Pick<PaymentCreate, 'amount' | 'paidAt' | 'idempotencyKey'>,
    actor: Actor,
  ): Promise<Recorded> {
    const customer = await this.db('customers').where({ id: customerId }).first<CustomerRow | undefined>();
    if (!customer) throw new NotFound('customer', customerId);
    return this.post(customer, { ...input, channel: 'web' }, actor);
  }

  private async post(
    customer: CustomerRow,
    input: Pick<PaymentCreate, 'amount' | 'paidAt' | 'idempotencyKey' | 'channel'>,
    actor: Actor,
  ): Promise<Recorded> {
    const result = await this.once(input.idempotencyKey, { customer, kind: 'payment', ...input }, async (scope, id) => {
      const { trx } = scope;
      const paidAt = new Date(input.paidAt);
      await trx('payments').insert({
        id,
        customer_id: customer.id,
        kind: 'payment',
        channel: input.channel,
        amount: dec(input.amount).toFixed(2),
        paid_at: paidAt,
        idempotency_key: input.idempotencyKey,
        created_by: actor.username,
      });
      await applyCredit(trx, customer.id);
      // In the payment's own transaction: the event exists only if the payment committed, and a
      // replayed notification (which writes nothing) announces nothing.
      scope.outbox.add({
        topic: 'payment:received',
        departmentId: customer.department_id,
        definitionKey: null,
        instanceId: null,
        payload: {
          paymentId: id,
          customerId: customer.id,
          accountNo: customer.account_no,
          customerName: customer.name,
          amount: dec(input.amount).toFixed(2),
          channel: input.channel,
          paidAt: paidAt.toISOString(),
        },
      });
      const details = { customerId: customer.id, amount: input.amount, channel: input.channel };
      await this.audit.record(actor, 'payment.record', 'payment', id, details, undefined, trx);
    });
    if (!result.replayed) {
      for (const listener of this.recorded) await listener(customer.id).catch(() => undefined);
    }
    return result;
  }

  /** Pays back part of the customer's credit (never more than the credit). */
  async refund(customerId: string, input: RefundCreate, actor: Actor): Promise<Recorded> {
    const customer = await this.payee({ id: customerId }, actor);
    return this.once(input.idempotencyKey, { customer, kind: 'refund', ...input }, async ({ trx }, id) => {
      const credit = await creditBalance(trx, customer.id);
      if (dec(input.amount).greaterThan(credit)) {
        throw new Conflict('REFUND_EXCEEDS_CREDIT', `the credit is ${credit.toFixed(2)}, less than ${input.amount}`, {
          creditBalance: credit.toFixed(2),
        });
      }
      await trx('payments').insert({
        id,
        customer_id: customer.id,
        kind: 'refund',
        channel: input.channel,
        amount: dec(input.amount).toFixed(2),
        paid_at: new Date(input.paidAt),
        idempotency_key: input.idempotencyKey,
        reason: input.reason ?? null,
        created_by: actor.username,
      });
      const details = { customerId: customer.id, amount: input.amount };
      await this.audit.record(actor, 'payment.refund', 'payment', id, details, undefined, trx);
    });
  }

  /**
   * Reverses a payment (a bounced transfer, a wrong account): a reversal row, the negatives of the
   * original's allocations, and the bills back to what they were — then any remaining credit of
   * the customer settles them again.
   */
  async reverse(
    paymentId: string,
    input: { reason: string; reversedAt?: string | undefined },
    actor: Actor,
  ): Promise<PaymentDetail> {
    const original = await this.db('payments').where({ id: paymentId }).first<PaymentRow | undefined>(PAYMENT_COLUMNS);
    if (!original) throw new NotFound('payment', paymentId);
    const customer = await this.payee({ id: original.customer_id }, actor).catch((err: unknown) => {
      throw err instanceof NotFound ? new NotFound('payment', paymentId) : err;
    });
    if (original.kind !== 'payment') {
      throw new Conflict('NOT_REVERSIBLE', `a ${original.kind} cannot be reversed; only payments can`);
    }
    const id = randomUUID();
    await this.db.transaction(async (trx) => {
      await lockAccount(trx, customer.id);
      const earlier = await trx('payments')
        .where({ reverses_payment_id: paymentId })
        .first<{ id: string } | undefined>('id');
      if (earlier) throw new Conflict('PAYMENT_ALREADY_REVERSED', 'the payment is already reversed', earlier);
      await trx('payments').insert({
        id,
        customer_id: customer.id,
        kind: 'reversal',
        channel: original.channel,
        amount: original.amount,
        paid_at: input.reversedAt ? new Date(input.reversedAt) : new Date(),
        reverses_payment_id: paymentId,
        reason: input.reason,
        created_by: actor.username,
      });
      const applied = await trx('payment_allocations')
        .where({ payment_id: paymentId })
        .groupBy('bill_id')
        .select<{ bill_id: string; amount: string }[]>('bill_id', trx.raw('sum(amount) as amount'))
        .orderByRaw('min(id)');
      await applyToBills(
        trx,
        applied
          .filter((a) => !dec(a.amount).isZero())
          .map((a) => ({ paymentId: id, billId: a.bill_id, amount: dec(a.amount).negated() })),
      );
      await applyCredit(trx, customer.id);
      if ((await creditBalance(trx, customer.id)).isNegative()) {
        throw new Conflict('PAYMENT_ALREADY_REFUNDED', 'part of this payment was refunded; reverse the refund first');
      }
      const details = { customerId: customer.id, reverses: paymentId, amount: original.amount, reason: input.reason };
      await this.audit.record(actor, 'payment.reverse', 'payment', id, details, undefined, trx);
    });
    return this.view(this.db, id);
  }

  /** A customer the actor may see, and take payments for in the customer's department. */
  private async payee(where: { id: string } | { account_no: string }, actor: Actor): Promise<CustomerRow> {
    const customer = await this.customers.visible(where, actor, 'customer', 'read');
    await this.authorization.require(actor, 'payment', 'write', customer.department_id);
    return customer;
  }

  /**
   * Runs `write` at most once per idempotency key: the same notification again answers the
   * first row; the key reused for a different customer, kind, channel or amount is a 409.
   */
  private async once(
    key: string,
    expect: { customer: CustomerRow; kind: string; channel: string; amount: string },
    write: (scope: TransactionScope, id: string) => Promise<void>,
  ): Promise<Recorded> {
    const id = randomUUID();
    try {
      const replay = await this.transactions.run(async (scope) => {
        await lockAccount(scope.trx, expect.customer.id);
        const existing = await scope
          .trx('payments')
          .where({ idempotency_key: key })
          .first<PaymentRow | undefined>(PAYMENT_COLUMNS);
        if (existing) return existing;
        await write(scope, id);
        return null;
      });
      if (!replay) return { payment: await this.view(this.db, id), replayed: false };
      return this.replay(replay, key, expect);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Another node recorded the same key for another customer between our lock and insert.
      const existing = await this.db('payments')
        .where({ idempotency_key: key })
        .first<PaymentRow | undefined>(PAYMENT_COLUMNS);
      if (!existing) throw err;
      return this.replay(existing, key, expect);
    }
  }

  private async replay(
    existing: PaymentRow,
    key: string,
    expect: { customer: CustomerRow; kind: string; channel: string; amount: string },
  ): Promise<Recorded> {
    const same =
      existing.customer_id === expect.customer.id &&
      existing.kind === expect.kind &&
      existing.channel === expect.channel &&
      dec(existing.amount).equals(dec(expect.amount));
    if (!same) {
      throw new Conflict('IDEMPOTENCY_KEY_REUSED', `idempotency key ${key} was used for a different ${existing.kind}`, {
        paymentId: existing.id,
      });
    }
    return { payment: await this.view(this.db, existing.id), replayed: true };
  }

  /** A payment with the bills it settled and the customer's credit after it. */
  private async view(db: Db, id: string): Promise<PaymentDetail> {
    const payment = (await db('payments').where({ id }).first<PaymentRow | undefined>(PAYMENT_COLUMNS))!;
    const allocations = await db('payment_allocations as a')
      .join('bills as b', 'b.id', 'a.bill_id')
      .where('a.payment_id', id)
      .select<AllocationRow[]>('a.bill_id', 'b.period', 'a.amount')
      .orderBy('a.id');
    return toPaymentDetail(payment, allocations, (await creditBalance(db, payment.customer_id)).toFixed(2));
  }
}
