import { Decimal } from 'decimal.js';

/**
 * Decimal arithmetic for money and energy (DOMAIN.md conventions: never binary floating point).
 * A private constructor so that global Decimal settings elsewhere cannot change our rounding.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof Dec>;

export type DecimalInput = string | number | Dec;

export function dec(value: DecimalInput): Dec {
  return new Dec(value);
}

/** Money is rounded to 0.01 yuan, half up (DOMAIN.md conventions: each bill line). */
export function roundMoney(value: DecimalInput): Dec {
  return dec(value).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
}

/** Energy keeps up to 2 decimals (kWh), half up. */
export function roundEnergy(value: DecimalInput): Dec {
  return dec(value).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
}

/** Money as the API returns it: a decimal string with exactly two places ("197.20"). */
export function moneyString(value: DecimalInput): string {
  return roundMoney(value).toFixed(2);
}

export function sum(values: Iterable<DecimalInput>): Dec {
  let total = dec(0);
  for (const v of values) total = total.plus(v);
  return total;
}
