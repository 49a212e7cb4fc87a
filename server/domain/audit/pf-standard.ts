import { Dec, type DecimalInput, dec } from '../decimal.js';
import type { PfCustomerUse, PfStandard, Voltage } from './types.js';

export interface PfStandardProfile {
  voltage: Voltage;
  use: PfCustomerUse;
  /** kVA (or kW of motors for irrigation stations). */
  capacityKva: DecimalInput;
  onLoadTapChanger?: boolean;
}

/**
 * The PF standard a customer type must be assessed against (DOMAIN.md §5.3), or null when it is
 * not PF-assessed (below 100 kVA, residential):
 * 0.90 — HV industrial above 160 kVA, HV users with on-load tap changers, HV irrigation ≥ 3 200 kVA;
 * 0.85 — other industrial, non-industrial and irrigation users ≥ 100 kVA;
 * 0.80 — agricultural and wholesale users ≥ 100 kVA.
 */
export function expectedPfStandard(profile: PfStandardProfile): PfStandard | null {
  const kva = dec(profile.capacityKva);
  if (profile.voltage === 'HV') {
    if (profile.use === 'industrial' && kva.greaterThan(160)) return '0.90';
    if (profile.onLoadTapChanger === true) return '0.90';
    if (profile.use === 'irrigation' && kva.greaterThanOrEqualTo(3200)) return '0.90';
  }
  if (profile.use === 'residential' || kva.lessThan(100)) return null;
  if (profile.use === 'agricultural' || profile.use === 'wholesale') return '0.80';
  return '0.85';
}

/**
 * cosφ = kWh / √(kWh² + kvarh²), rounded half up to 2 decimals (DOMAIN.md §5.3); null when both
 * are zero (no power factor to speak of).
 */
export function powerFactorOf(kwh: DecimalInput, kvarh: DecimalInput): Dec | null {
  const p = dec(kwh);
  const q = dec(kvarh);
  if (p.isZero() && q.isZero()) return null;
  return p.dividedBy(p.times(p).plus(q.times(q)).sqrt()).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
}
