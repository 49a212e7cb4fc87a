import { type Dec, dec, roundMoney } from '../decimal.js';
import type { GovernmentFund } from '../tariffs/index.js';
import { type BillLine, LINE_TYPES, billLine, figure } from './lines.js';

/** A government fund already inside the energy price: reported, never added to the total. */
export interface InPriceLevy {
  name: string;
  quantity: string;
  unitPrice: string;
  amount: string;
}

/** DOMAIN.md §5.4: funds are quoted in fen (0.01 yuan) or yuan per kWh. */
export function fundYuanPerKwh(fund: GovernmentFund): Dec {
  const rate = dec(fund.perKwh);
  return fund.unit === 'fen' ? rate.dividedBy(100) : rate;
}

/** The in-price funds of this bill's kWh, each rounded to 0.01 half up like a bill line. */
export function inPriceLevies(funds: readonly GovernmentFund[], kwh: Dec): InPriceLevy[] {
  return funds
    .filter((f) => f.inPrice)
    .map((f) => {
      const rate = fundYuanPerKwh(f);
      return {
        name: f.name,
        quantity: figure(kwh),
        unitPrice: figure(rate),
        amount: roundMoney(kwh.times(rate)).toFixed(2),
      };
    });
}

/** Lines of type 04 for the out-of-price funds only (DOMAIN.md §5.4); in-price funds are never billed again. */
export function governmentFundLines(funds: readonly GovernmentFund[], kwh: Dec): BillLine[] {
  if (kwh.isZero()) return [];
  return funds
    .filter((f) => !f.inPrice)
    .map((f) => billLine(LINE_TYPES.governmentFunds, `Government fund: ${f.name}`, kwh, fundYuanPerKwh(f)));
}
