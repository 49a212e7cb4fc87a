import { type Dec, type DecimalInput, sum } from '../decimal.js';
import { type SuspensionRules, isIsoDate } from '../tariffs/index.js';
import { dayNumber, daysInMonth, isoDateOf } from './dates.js';
import { BillingInputError } from './errors.js';
import { readDecimal } from './inputs.js';

/**
 * Blocks of capacity in a month of change (DOMAIN.md §9): suspended (暂停) or reduced (减容)
 * capacity is sealed on site and exempt from the basic charge from the day it is sealed; restored
 * capacity is billed again from the day it is unsealed. Each block is billed on its own.
 */

/** One stretch a block spends sealed. */
export interface SealedPeriodInput {
  /** Suspension (暂停, the default) or capacity reduction (减容); the 1996 period limit is on suspensions. */
  kind?: 'suspension' | 'reduction' | undefined;
  /** The day the technician sealed the equipment: the first day without a basic charge. */
  sealedOn: string;
  /** The day it was unsealed: billed again from this day. Absent: still sealed. */
  unsealedOn?: string | undefined;
  /** The last day of the suspension applied for; under the 1996 rules the charge resumes the day after. */
  plannedEndOn?: string | undefined;
}

/** A block of capacity: a transformer (or several sealed together), kVA, and when it was sealed. */
export interface CapacityBlockInput {
  kva: DecimalInput;
  sealed?: SealedPeriodInput[] | undefined;
}

/** A sealed stretch in day numbers: the first day sealed and the first day back in service (null: none yet). */
interface Stretch {
  from: number;
  until: number | null;
}

export interface CapacityBlock {
  kva: Dec;
  sealed: Stretch[];
}

/** Days of a month, as day numbers from its 1st to its last day. */
function monthDays(month: string): number[] {
  const first = dayNumber(`${month}-01`);
  return Array.from({ length: daysInMonth(month) }, (_, i) => first + i);
}

const sealedOnDay = (block: CapacityBlock, day: number) =>
  block.sealed.some((s) => day >= s.from && (s.until === null || day < s.until));

/** The day the charge resumes: unsealing, or under the 1996 rules the end of the applied period if earlier. */
function resumesOn(period: SealedPeriodInput, rules: SuspensionRules): number | null {
  const unsealed = period.unsealedOn === undefined ? null : dayNumber(period.unsealedOn);
  // DOMAIN.md §9 (1996 rules): the basic charge resumes when the suspension period ends, whether or not
  // the customer applies to restore.
  if (rules !== '1996' || (period.kind ?? 'suspension') !== 'suspension' || period.plannedEndOn === undefined) {
    return unsealed;
  }
  const end = dayNumber(period.plannedEndOn) + 1;
  return unsealed === null ? end : Math.min(unsealed, end);
}

function readDate(field: string, value: string | undefined): void {
  if (value !== undefined && !isIsoDate(value)) {
    throw new BillingInputError(field, `${field} must be a real date written YYYY-MM-DD, got "${value}"`);
  }
}

function readStretch(field: string, period: SealedPeriodInput, rules: SuspensionRules): Stretch {
  readDate(`${field}.sealedOn`, period.sealedOn);
  readDate(`${field}.unsealedOn`, period.unsealedOn);
  readDate(`${field}.plannedEndOn`, period.plannedEndOn);
  if (period.unsealedOn !== undefined && period.unsealedOn <= period.sealedOn) {
    throw new BillingInputError(`${field}.unsealedOn`, `${field}.unsealedOn must be after sealedOn ${period.sealedOn}`);
  }
  if (period.plannedEndOn !== undefined && period.plannedEndOn < period.sealedOn) {
    throw new BillingInputError(
      `${field}.plannedEndOn`,
      `${field}.plannedEndOn must not be before sealedOn ${period.sealedOn}`,
    );
  }
  return { from: dayNumber(period.sealedOn), until: resumesOn(period, rules) };
}

/**
 * Validated blocks, their sealed stretches as the `rules` in force end them; throws BillingInputError
 * naming the field (`customer.capacityBlocks.1.sealed.0.unsealedOn`) for what cannot be priced.
 */
export function readCapacityBlocks(
  blocks: readonly CapacityBlockInput[],
  rules: SuspensionRules = 'current',
  field = 'customer.capacityBlocks',
): CapacityBlock[] {
  if (blocks.length === 0) throw new BillingInputError(field, `${field} needs at least one block`);
  return blocks.map((b, i) => {
    const at = `${field}.${i}`;
    const sealed = (b.sealed ?? []).map((p, j) => readStretch(`${at}.sealed.${j}`, p, rules));
    const ordered = [...sealed].sort((x, y) => x.from - y.from);
    ordered.forEach((s, j) => {
      const next = ordered[j + 1];
      if (next && (s.until === null || s.until > next.from)) {
        throw new BillingInputError(
          `${at}.sealed`,
          `${at}.sealed has overlapping periods (from ${isoDateOf(next.from)})`,
        );
      }
    });
    return { kva: readDecimal(`${at}.kva`, b.kva, 'positive'), sealed: ordered };
  });
}

/** Days of `month` the block is in service (not sealed). */
export function daysInService(month: string, block: CapacityBlock): number {
  return monthDays(month).filter((d) => !sealedOnDay(block, d)).length;
}

/** A run of consecutive days with the same capacity in service. */
export interface ServiceSegment {
  from: string;
  to: string;
  days: number;
  kvaInService: Dec;
}

/** The month cut into runs of days with the same kVA in service (the demand floor's capacity, DOMAIN.md §9). */
export function serviceSegments(month: string, blocks: readonly CapacityBlock[]): ServiceSegment[] {
  const segments: ServiceSegment[] = [];
  for (const day of monthDays(month)) {
    const kva = sum(blocks.filter((b) => !sealedOnDay(b, day)).map((b) => b.kva));
    const last = segments[segments.length - 1];
    if (last && last.kvaInService.equals(kva)) {
      last.to = isoDateOf(day);
      last.days += 1;
    } else {
      segments.push({ from: isoDateOf(day), to: isoDateOf(day), days: 1, kvaInService: kva });
    }
  }
  return segments;
}

/** The contracted capacity the blocks add up to. */
export function totalKva(blocks: readonly CapacityBlock[]): Dec {
  return sum(blocks.map((b) => b.kva));
}
