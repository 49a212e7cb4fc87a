import { Dec, type DecimalInput, dec } from '../decimal.js';
import type { PfStandard } from '../tariffs/index.js';

/**
 * cosφ = kWh / √(kWh² + kvarh²), rounded half up to 2 decimals (DOMAIN.md §5.3); null when both are
 * zero, where there is no power factor to assess.
 */
export function powerFactor(kwh: DecimalInput, kvarh: DecimalInput): Dec | null {
  const p = dec(kwh);
  const q = dec(kvarh);
  if (p.isNegative() || q.isNegative()) throw new RangeError('kWh and kvarh must not be negative');
  if (p.isZero() && q.isZero()) return null;
  return p.dividedBy(p.times(p).plus(q.times(q)).sqrt()).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
}

/** One band of the closed-form table: applies from `min` hundredths of pf up; percent of h (hundredths). */
interface Band {
  min: number;
  percent: (h: number) => Dec;
}

/** k × (a − b) / 100 with a, b in hundredths: exact, since every operand is an integer. */
const times = (k: DecimalInput, hundredths: number): Dec => dec(hundredths).times(k).dividedBy(100);

// DOMAIN.md §5.3, closed form of the official table, bands from the top. Each `min` is the lowest pf
// (in hundredths) of its band; a pf below every band falls into the last one.
const TABLES: Record<PfStandard, Band[]> = {
  '0.90': [
    { min: 95, percent: () => dec('-0.75') },
    { min: 90, percent: (h) => times(15, h - 90).negated() },
    { min: 70, percent: (h) => times(50, 90 - h) },
    { min: 65, percent: (h) => times(100, 70 - h).plus(10) },
    { min: 0, percent: (h) => times(200, 65 - h).plus(15) },
  ],
  '0.85': [
    { min: 94, percent: () => dec('-1.10') },
    {
      min: 91,
      percent: (h) =>
        times(15, h - 90)
          .plus('0.50')
          .negated(),
    },
    // DOMAIN.md §5.3: 0.85–0.90 at std 0.85 is a reduction (a known sign bug elsewhere).
    { min: 85, percent: (h) => times(10, h - 85).negated() },
    { min: 65, percent: (h) => times(50, 85 - h) },
    { min: 60, percent: (h) => times(100, 65 - h).plus(10) },
    { min: 0, percent: (h) => times(200, 60 - h).plus(15) },
  ],
  '0.80': [
    { min: 92, percent: () => dec('-1.30') },
    { min: 91, percent: () => dec('-1.15') },
    { min: 80, percent: (h) => times(10, h - 80).negated() },
    { min: 60, percent: (h) => times(50, 80 - h) },
    { min: 55, percent: (h) => times(100, 60 - h).plus(10) },
    { min: 0, percent: (h) => times(200, 55 - h).plus(15) },
  ],
};

/**
 * The PF adjustment in percent (+ surcharge, − reduction) for a power factor against a standard,
 * by the closed form of the official table computed on integer hundredths of pf (DOMAIN.md §5.3).
 * A pf with more than 2 decimals is first rounded half up, as the table look-up requires.
 */
export function pfAdjustmentPercent(pf: DecimalInput, standard: PfStandard): Dec {
  const value = dec(pf);
  if (value.isNegative() || value.greaterThan(1))
    throw new RangeError(`power factor must be 0 to 1, got ${value.toString()}`);
  const h = value.times(100).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber();
  const band = TABLES[standard].find((b) => h >= b.min);
  // The last band of every table starts at 0, so a band is always found.
  if (!band) throw new RangeError(`no PF band for ${value.toString()}`);
  // Normalise −0 (the reduction formulas at exactly the standard) to 0.
  const percent = band.percent(h);
  return percent.isZero() ? dec(0) : percent;
}
