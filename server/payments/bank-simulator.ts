import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db/index.js';
import { dec } from '../domain/decimal.js';
import { safeEqual } from '../identity/auth.service.js';
import type { Clock } from '../lib/clock.js';
import { Conflict, Forbidden, NotFound } from '../lib/errors.js';
import type { CallbackPayload, PaymentCallback, PaymentProvider, PaymentRequest } from './provider.js';

export interface SimulatedBankAccount {
  id: string;
  holder: string;
  balance: string;
}

/**
 * The development bank (the only `PaymentProvider` so far): accounts with balances in
 * `bank_simulator_accounts`, a debit per reference in `bank_simulator_debits`. The balance is
 * checked under the account's row lock before debiting, so two payments never overdraw it; a
 * refusal leaves no row anywhere. Callbacks are signed with a key of this process.
 */
export class BankSimulator implements PaymentProvider {
  readonly name = 'bank-simulator';
  private readonly key = randomBytes(32);

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** The simulated accounts a hall login may pick from (matched by the login's phone). */
  async accountsOf(phone: string): Promise<SimulatedBankAccount[]> {
    const rows = await this.db('bank_simulator_accounts')
      .where({ phone })
      .orderBy('id')
      .select<{ id: string; holder: string; balance: string }[]>('id', 'holder', 'balance');
    return rows.map((r) => ({ id: r.id, holder: r.holder, balance: dec(r.balance).toFixed(2) }));
  }

  async createPayment(request: PaymentRequest): Promise<PaymentCallback> {
    const paidAt = new Date(this.clock.now()).toISOString();
    const payload = { reference: request.reference, customerId: request.customerId, amount: request.amount, paidAt };
    const signature = this.sign(payload);
    await this.db.transaction(async (trx) => {
      const account = await trx('bank_simulator_accounts')
        .where({ id: request.payerAccount })
        .forUpdate()
        .first<{ balance: string } | undefined>('balance');
      if (!account) throw new NotFound('bank account', request.payerAccount);
      if (dec(account.balance).lessThan(dec(request.amount))) {
        throw new Conflict('INSUFFICIENT_BALANCE', `the bank account's balance is less than ${request.amount}`);
      }
      await trx('bank_simulator_accounts')
        .where({ id: request.payerAccount })
        .update({ balance: trx.raw('balance - ?::numeric', [dec(request.amount).toFixed(2)]) });
      await trx('bank_simulator_debits').insert({
        reference: request.reference,
        bank_account_id: request.payerAccount,
        customer_id: request.customerId,
        amount: dec(request.amount).toFixed(2),
        debited_at: new Date(paidAt),
        signature,
      });
    });
    return { ...payload, signature };
  }

  verifyCallback(callback: PaymentCallback): CallbackPayload {
    const payload = {
      reference: callback.reference,
      customerId: callback.customerId,
      amount: callback.amount,
      paidAt: callback.paidAt,
    };
    if (!safeEqual(callback.signature, this.sign(payload)))
      throw new Forbidden('the callback is not signed by the bank', 'CALLBACK_SIGNATURE_INVALID');
    return payload;
  }

  private sign(p: CallbackPayload): string {
    return createHmac('sha256', this.key)
      .update([p.reference, p.customerId, p.amount, p.paidAt].join('\n'))
      .digest('hex');
  }
}

/**
 * Demo simulated accounts for the hall's demo logins: 陈刚 (13900000004, in arrears) has one with
 * enough and one with too little; 王小明 (13900000001) one with enough.
 */
export const DEMO_BANK_ACCOUNTS = [
  { id: 'SIM-6222-0004-01', holder: '陈刚', phone: '13900000004', balance: '5000.00' },
  { id: 'SIM-6222-0004-02', holder: '陈刚', phone: '13900000004', balance: '1.00' },
  { id: 'SIM-6222-0001-01', holder: '王小明', phone: '13900000001', balance: '2000.00' },
];

export async function seedDemoBankAccounts(db: Db): Promise<void> {
  await db('bank_simulator_accounts').insert(DEMO_BANK_ACCOUNTS).onConflict('id').ignore();
}
