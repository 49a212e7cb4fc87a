import type { Db } from '../db/index.js';
import { type ApprovedRelief, type BillRelief, billRelief } from '../domain/billing/index.js';

/** The approved waivers and deferrals of these bills' late fees, folded per bill (DOMAIN.md §6). */
export async function approvedReliefs(db: Db, billIds: readonly string[]): Promise<Map<string, BillRelief>> {
  if (!billIds.length) return new Map();
  const rows = await db('late_fee_reliefs')
    .whereIn('bill_id', billIds)
    .where({ status: 'approved' })
    .select<{ bill_id: string; kind: 'waiver' | 'deferral'; amount: string | null; defer_to: string | null }[]>(
      'bill_id',
      'kind',
      'amount',
      db.raw(`to_char(defer_to, 'YYYY-MM-DD') as defer_to`),
    );
  const byBill = new Map<string, ApprovedRelief[]>();
  for (const r of rows) {
    const list = byBill.get(r.bill_id) ?? [];
    list.push(
      r.kind === 'deferral' ? { kind: 'deferral', deferTo: r.defer_to ?? '' } : { kind: 'waiver', amount: r.amount },
    );
    byBill.set(r.bill_id, list);
  }
  return new Map([...byBill].map(([id, list]) => [id, billRelief(list)]));
}
