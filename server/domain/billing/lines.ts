import { type Dec, roundMoney } from '../decimal.js';

/** DOMAIN.md §1 bill line types: 01 energy, 02 PF adjustment, 03 basic charge, 04 government funds. */
export const LINE_TYPES = { energy: '01', pfAdjustment: '02', basicCharge: '03', governmentFunds: '04' } as const;
export type BillLineType = (typeof LINE_TYPES)[keyof typeof LINE_TYPES];

/**
 * One bill line; figures are decimal strings. `amount` is `quantity × unitPrice` rounded to 0.01
 * half up, except on prorated basic-charge lines, whose label names the days/30 factor also applied.
 */
export interface BillLine {
  type: BillLineType;
  label: string;
  quantity: string;
  unitPrice: string;
  amount: string;
}

/** A decimal with at least 2 places and no trailing precision lost: 26 → "26.00", 1.03153 → "1.03153". */
export function figure(value: Dec): string {
  return value.decimalPlaces() < 2 ? value.toFixed(2) : value.toFixed();
}

/** A line whose amount is quantity × unitPrice (× factor), rounded to 0.01 half up (DOMAIN.md conventions). */
export function billLine(type: BillLineType, label: string, quantity: Dec, unitPrice: Dec, factor?: Dec): BillLine {
  const exact = quantity.times(unitPrice).times(factor ?? 1);
  return {
    type,
    label,
    quantity: figure(quantity),
    unitPrice: figure(unitPrice),
    amount: roundMoney(exact).toFixed(2),
  };
}
