import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { dec, type Dec } from '../domain/decimal.js';
import { applyCredit, creditBalance } from './ledger.js';

/** One money movement of a closing account (销户, DOMAIN.md §9), posted once per key. */
export interface ClosurePosting {
  customerId: string;
  /** Posts once per key (the closure instance's step): a retried call answers the first row. */
  key: string;
  postedAt: Date;
  postedBy: string;
}

export type Posted = { id: string; amount: Dec; replayed: boolean } | null;

/**
 * Puts the deposit the utility holds towards the closing account's bills: a payment of channel
 * `deposit`, then the credit settles the oldest bills first like any payment. Runs in the caller's
 * transaction, after `lockAccount`; null when there is no deposit.
 */
export async function postDeposit(trx: Db, posting: ClosurePosting & { amount: string }): Promise<Posted> {
  const earlier = await trx('payments')
    .where({ idempotency_key: posting.key })
    .first<{ id: string; amount: string } | undefined>('id', 'amount');
  if (earlier) return { id: earlier.id, amount: dec(earlier.amount), replayed: true };
  const amount = dec(posting.amount);
  if (!amount.greaterThan(0)) return null;
  const id = randomUUID();
  await trx('payments').insert({
    id,
    customer_id: posting.customerId,
    kind: 'payment',
    channel: 'deposit',
    amount: amount.toFixed(2),
    paid_at: posting.postedAt,
    idempotency_key: posting.key,
    reason: 'Deposit (保证金) applied on closure (销户)',
    created_by: posting.postedBy,
  });
  await applyCredit(trx, posting.customerId);
  return { id, amount, replayed: false };
}

/**
 * Pays the closing account's whole remaining credit back: a `refund` row, so the account's
 * balance is 0 when it closes. Runs in the caller's transaction, after `lockAccount`; null when no
 * credit is left.
 */
export async function refundClosingCredit(
  trx: Db,
  posting: ClosurePosting & { channel: 'bank' | 'counter'; reason: string },
): Promise<Posted> {
  const earlier = await trx('payments')
    .where({ idempotency_key: posting.key })
    .first<{ id: string; amount: string } | undefined>('id', 'amount');
  if (earlier) return { id: earlier.id, amount: dec(earlier.amount), replayed: true };
  const credit = await creditBalance(trx, posting.customerId);
  if (!credit.greaterThan(0)) return null;
  const id = randomUUID();
  await trx('payments').insert({
    id,
    customer_id: posting.customerId,
    kind: 'refund',
    channel: posting.channel,
    amount: credit.toFixed(2),
    paid_at: posting.postedAt,
    idempotency_key: posting.key,
    reason: posting.reason,
    created_by: posting.postedBy,
  });
  return { id, amount: credit, replayed: false };
}
