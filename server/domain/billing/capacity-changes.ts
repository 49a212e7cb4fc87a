import { type Dec, type DecimalInput, dec, sum } from '../decimal.js';
import type { CapacityBlockInput, SealedPeriodInput } from './capacity-blocks.js';
import { daysInMonth } from './dates.js';
import { BillingInputError } from './errors.js';

/** SG186 changes of service that seal or unseal capacity (DOMAIN.md §9): 203/204 and 201/202. */
export const CAPACITY_CHANGE_KINDS = ['suspend', 'restore', 'reduce', 'restore-reduction'] as const;
export type CapacityChangeKind = (typeof CAPACITY_CHANGE_KINDS)[number];

export const SG186_CHANGE_CODES: Record<CapacityChangeKind, string> = {
  reduce: '201',
  'restore-reduction': '202',
  suspend: '203',
  restore: '204',
};

/** A completed change as recorded: a sealing (suspend, reduce) or an unsealing of part or all of one. */
export interface CapacityChange {
  id: string;
  kind: CapacityChangeKind;
  kva: DecimalInput;
  /** suspend / reduce: the day the technician sealed the equipment. */
  sealedOn?: string | null | undefined;
  /** suspend: the last day of the period applied for (the 1996 rules end the exemption there). */
  plannedEndOn?: string | null | undefined;
  /** restore / restore-reduction: the day it was unsealed, and the sealing it ends. */
  unsealedOn?: string | null | undefined;
  restoresId?: string | null | undefined;
}

const RESTORES: Record<'suspend' | 'reduce', CapacityChangeKind> = { suspend: 'restore', reduce: 'restore-reduction' };

interface Piece {
  kva: Dec;
  period: SealedPeriodInput;
}

function piecesOf(seal: CapacityChange, changes: readonly CapacityChange[]): Piece[] {
  const kind = seal.kind as 'suspend' | 'reduce';
  if (!seal.sealedOn) throw new BillingInputError('capacityChanges', `${kind} ${seal.id} has no sealing date`);
  const base = {
    kind: kind === 'suspend' ? ('suspension' as const) : ('reduction' as const),
    sealedOn: seal.sealedOn,
    ...(seal.plannedEndOn ? { plannedEndOn: seal.plannedEndOn } : {}),
  };
  const restorations = changes.filter((c) => c.restoresId === seal.id && c.kind === RESTORES[kind]);
  const pieces: Piece[] = restorations.map((r) => {
    if (!r.unsealedOn) throw new BillingInputError('capacityChanges', `${r.kind} ${r.id} has no unsealing date`);
    return { kva: dec(r.kva), period: { ...base, unsealedOn: r.unsealedOn } };
  });
  const rest = dec(seal.kva).minus(sum(pieces.map((p) => p.kva)));
  if (rest.isNegative()) {
    throw new BillingInputError('capacityChanges', `more capacity restored than ${kind} ${seal.id} sealed`);
  }
  if (rest.greaterThan(0)) pieces.push({ kva: rest, period: base });
  return pieces;
}

const touches = (p: SealedPeriodInput, first: string, last: string) =>
  p.sealedOn <= last && (p.unsealedOn === undefined || p.unsealedOn > first);

/**
 * The contracted capacity as blocks for `month` (DOMAIN.md §9): one block per sealing, or per part
 * of it restored on its own day, that touches the month, and one block of the capacity never
 * sealed in it. Null when nothing was sealed during the month: the month is billed as usual.
 */
export function capacityBlocksOf(
  contractedKva: DecimalInput,
  changes: readonly CapacityChange[],
  month: string,
): CapacityBlockInput[] | null {
  const first = `${month}-01`;
  const last = `${month}-${String(daysInMonth(month)).padStart(2, '0')}`;
  const seals = changes
    .filter((c) => c.kind === 'suspend' || c.kind === 'reduce')
    .sort((a, b) => (a.sealedOn ?? '').localeCompare(b.sealedOn ?? ''));
  // Under the 1996 rules a suspension may end before it is unsealed; the block is kept, and the
  // rules, applied when the bill is priced, bill it from the end of its period.
  const pieces = seals.flatMap((s) => piecesOf(s, changes)).filter((p) => touches(p.period, first, last));
  if (pieces.length === 0) return null;
  const untouched = dec(contractedKva).minus(sum(pieces.map((p) => p.kva)));
  if (untouched.isNegative()) {
    throw new BillingInputError(
      'capacityChanges',
      `sealed capacity ${sum(pieces.map((p) => p.kva)).toString()} kVA exceeds the contracted ${dec(contractedKva).toString()} kVA`,
    );
  }
  const blocks: CapacityBlockInput[] = pieces.map((p) => ({ kva: p.kva.toString(), sealed: [p.period] }));
  return untouched.isZero() ? blocks : [{ kva: untouched.toString() }, ...blocks];
}
