import { dec } from '../decimal.js';
import { expectedPfStandard, powerFactorOf } from './pf-standard.js';
import type { AuditCheck } from './types.js';

/**
 * Rule 9: a PF-assessed customer with zero reactive energy N months running (default 2), or whose
 * power factor rounds to 1.00 — a reactive register that is stuck, bypassed or not read.
 */
export const reactiveSuspect: AuditCheck = (input, config) => {
  const pf = input.powerFactor;
  if (!pf || pf.appliedStandard === null) return null;
  const n = config.zeroReactiveMonths;
  const recent = pf.reactiveKvarh.slice(0, n);
  if (recent.length === n && recent.every((q) => dec(q).isZero())) {
    return `PF-assessed customer with zero reactive energy ${n} months running`;
  }
  const current = pf.reactiveKvarh[0];
  if (current === undefined) return null;
  const cosPhi = powerFactorOf(input.consumptionKwh, current);
  if (cosPhi === null || !cosPhi.equals(1)) return null;
  return `PF-assessed customer with power factor 1.00 (${dec(current).toFixed(2)} kvarh against ${dec(input.consumptionKwh).toFixed(2)} kWh)`;
};

/** Rule 12: the bill applies a PF standard other than the one the customer type needs (DOMAIN.md §5.3). */
export const wrongPfStandard: AuditCheck = (input) => {
  const pf = input.powerFactor;
  if (!pf?.customer) return null;
  const expected = expectedPfStandard({
    voltage: input.voltage,
    use: pf.customer.use,
    capacityKva: input.capacityKva ?? 0,
    onLoadTapChanger: pf.customer.onLoadTapChanger ?? false,
  });
  if (expected === pf.appliedStandard) return null;
  const applied = pf.appliedStandard ?? 'no PF assessment';
  return `bill applies ${applied}, but an ${input.voltage} ${pf.customer.use} customer of ${dec(input.capacityKva ?? 0).toString()} kVA needs ${expected ?? 'no PF assessment'}`;
};
