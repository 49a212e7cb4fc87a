import { Dec, dec, sum } from '../decimal.js';

/** One approved waiver or deferral of a bill's late fee (DOMAIN.md §6: each needs an approval task). */
export type ApprovedRelief =
  { kind: 'waiver'; /** null: the whole fee */ amount: string | null } | { kind: 'deferral'; deferTo: string };

/** What the approved reliefs of one bill do to its late fee. */
export interface BillRelief {
  /** The penalty counts from the day after this date instead of the due date (the latest deferral). */
  accrueAfter: string | null;
  /** The whole fee is waived. */
  waivedAll: boolean;
  /** Waived in part: taken off the fee, never below zero. */
  waived: Dec;
}

export const NO_RELIEF: BillRelief = { accrueAfter: null, waivedAll: false, waived: dec(0) };

/** The reliefs of one bill, folded: deferrals keep the latest date, waivers add up. */
export function billRelief(reliefs: readonly ApprovedRelief[]): BillRelief {
  const dates = reliefs.flatMap((r) => (r.kind === 'deferral' ? [r.deferTo] : []));
  const waivers = reliefs.flatMap((r) => (r.kind === 'waiver' ? [r] : []));
  return {
    accrueAfter: dates.length ? dates.reduce((a, b) => (b > a ? b : a)) : null,
    waivedAll: waivers.some((w) => w.amount === null),
    waived: sum(waivers.map((w) => w.amount ?? '0')),
  };
}

/** The due date the penalty counts from: a deferral moves it later, never earlier. */
export function feeDueDate(dueDate: string, relief: BillRelief): string {
  return relief.accrueAfter && relief.accrueAfter > dueDate ? relief.accrueAfter : dueDate;
}

/** The late fee after waivers: the whole fee waived is 0; a part waived is taken off, floored at 0. */
export function feeAfterWaivers(fee: string, relief: BillRelief): string {
  if (relief.waivedAll) return '0.00';
  return Dec.max(0, dec(fee).minus(relief.waived)).toFixed(2);
}
