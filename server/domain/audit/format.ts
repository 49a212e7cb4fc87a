import { type Dec, type DecimalInput, dec } from '../decimal.js';

/** kWh for a message: "1234.50". */
export function kwh(value: DecimalInput): string {
  return dec(value).toFixed(2);
}

/** A signed percentage for a message: "+80.00 %". */
export function signedPercent(value: Dec): string {
  return `${value.isNegative() ? '' : '+'}${value.toFixed(2)} %`;
}

/** (current − reference) / reference in percent; null when there is no usable reference. */
export function deviationPercent(current: DecimalInput, reference: DecimalInput | null | undefined): Dec | null {
  if (reference === null || reference === undefined) return null;
  const ref = dec(reference);
  if (ref.isZero()) return null;
  return dec(current).minus(ref).dividedBy(ref).times(100);
}
