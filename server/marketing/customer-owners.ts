import type { Db } from '../db/index.js';
import { billOwner } from '../domain/changes/index.js';

/** An owner of an account and the days they held it (过户, DOMAIN.md §9). */
export interface CustomerOwner {
  name: string;
  phone: string | null;
  fromOn: string | null;
  toOn: string | null;
}

/** The owners of an account, oldest first (an account never transferred has none recorded). */
export async function ownersOf(db: Db, customerId: string): Promise<CustomerOwner[]> {
  const rows = await db('customer_owners')
    .where({ customer_id: customerId })
    .orderByRaw('from_on NULLS FIRST, created_at')
    .select<{ name: string; phone: string | null; from_on: string | null; to_on: string | null }[]>(
      'name',
      'phone',
      db.raw(`to_char(from_on, 'YYYY-MM-DD') as from_on`),
      db.raw(`to_char(to_on, 'YYYY-MM-DD') as to_on`),
    );
  return rows.map((r) => ({ name: r.name, phone: r.phone, fromOn: r.from_on, toOn: r.to_on }));
}

/**
 * Whose the bill of `period` (YYYY-MM) is (DOMAIN.md §9: bills before the transfer date stay with
 * the old owner): the owners the month belongs to by `billOwner` at each transfer — one, or two
 * for the month a transfer falls inside of. Empty for an account never transferred (the customer
 * record's own name holds).
 */
export async function billHoldersOf(db: Db, customerId: string, period: string): Promise<CustomerOwner[]> {
  return holdersOfMonth(await ownersOf(db, customerId), period);
}

/** `billHoldersOf` over owners already read (oldest first): one read serves a whole list of bills. */
export function holdersOfMonth(owners: CustomerOwner[], period: string): CustomerOwner[] {
  return owners.filter((owner, i) => {
    const next = owners[i + 1];
    // Before this owner's transfer date the month is the previous owner's; from the next one's, the next's.
    const mine = owner.fromOn === null || billOwner(period, owner.fromOn) !== 'old';
    const notYetNext = !next?.fromOn || billOwner(period, next.fromOn) !== 'new';
    return mine && notYetNext;
  });
}
