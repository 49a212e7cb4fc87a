import { describe, expect, it } from 'vitest';
import { type BillQuoteRequest, quoteBill } from '../../../../server/domain/billing/index.js';
import { type TariffDefinition, seedTariffs } from '../../../../server/domain/tariffs/index.js';

const provLi = seedTariffs['PROV-LI-10KV'] as TariffDefinition;

/*
 * A 10 kV large-industry customer on PROV-LI-10KV (DOMAIN.md §5.2), July 2024, worked by hand:
 *   1 000 kVA in service; peak 60 000, flat 80 000, valley 60 000 kWh (200 000 kWh = 200 kWh/kVA, < 260);
 *   kvarh 124 000 ⇒ cosφ = 200 000 / √(200 000² + 124 000²) = 0.84989… → 0.85; standard 0.90 ⇒ +(0.90 − 0.85) × 50 = +2.50 %.
 *   Energy:  60 000 × 1.03153 = 61 891.80;  80 000 × 0.6362 = 50 896.00;  60 000 × 0.3321 = 19 926.00  (132 713.80)
 *   In-price funds: 200 000 × 0.028 = 5 600.00 (not part of the PF base, DOMAIN.md §5.3).
 *   By capacity: 1 000 kVA × 26 = 26 000.00
 *     PF base 26 000.00 + 132 713.80 − 5 600.00 = 153 113.80; × 2.5 % = 3 827.845 → 3 827.85
 *     total 132 713.80 + 26 000.00 + 3 827.85 = 162 541.65
 *   By demand: contract 500 kW (≥ 40 % × 1 000), maximum demand 560 kW > 1.05 × 500 = 525:
 *     525 × 38 = 19 950.00 and (560 − 525) × 2 × 38 = 35 × 76 = 2 660.00  (22 610.00)
 *     PF base 22 610.00 + 132 713.80 − 5 600.00 = 149 723.80; × 2.5 % = 3 743.095 → 3 743.10
 *     total 132 713.80 + 22 610.00 + 3 743.10 = 159 066.90
 */
const usage = { kwh: { peak: '60000', flat: '80000', valley: '60000' }, kvarh: '124000', maxDemandKw: '560' };
const energyLines = [
  { type: '01', label: 'Energy, peak', quantity: '60000.00', unitPrice: '1.03153', amount: '61891.80' },
  { type: '01', label: 'Energy, flat', quantity: '80000.00', unitPrice: '0.6362', amount: '50896.00' },
  { type: '01', label: 'Energy, valley', quantity: '60000.00', unitPrice: '0.3321', amount: '19926.00' },
];

describe('quoteBill — two-part large industry (DOMAIN.md §5.2)', () => {
  it('bills the basic charge by capacity, with a PF surcharge on basic + energy less funds', () => {
    // given
    const request: BillQuoteRequest = {
      tariff: 'PROV-LI-10KV',
      customer: { category: '100', capacityKva: '1000', basicChargeMethod: 'capacity', pfStandard: '0.90' },
      usage,
      period: { month: '2024-07' },
    };
    // when
    const quote = quoteBill(request, provLi);
    // then
    expect(quote.lines).toEqual([
      ...energyLines,
      {
        type: '03',
        label: 'Basic charge by capacity, 1000 kVA',
        quantity: '1000.00',
        unitPrice: '26.00',
        amount: '26000.00',
      },
      {
        type: '02',
        label: 'Power factor adjustment, cosφ 0.85 against 0.90: +2.50 %',
        quantity: '153113.80',
        unitPrice: '0.025',
        amount: '3827.85',
      },
    ]);
    expect(quote).toMatchObject({ powerFactor: '0.85', pfAdjustmentPercent: '2.50', total: '162541.65' });
  });

  it('bills demand above 105 % of the contract demand double', () => {
    // given
    const request: BillQuoteRequest = {
      customer: { capacityKva: '1000', basicChargeMethod: 'demand', contractDemandKw: '500', pfStandard: '0.90' },
      usage,
      period: { month: '2024-07' },
    };
    // when
    const quote = quoteBill(request, provLi);
    // then
    expect(quote.lines.slice(3).map((l) => [l.type, l.quantity, l.unitPrice, l.amount])).toEqual([
      ['03', '525.00', '38.00', '19950.00'],
      ['03', '35.00', '76.00', '2660.00'],
      ['02', '149723.80', '0.025', '3743.10'],
    ]);
    expect(quote.total).toBe('159066.90');
  });

  it.each<
    [
      string,
      NonNullable<BillQuoteRequest['customer']>,
      Partial<BillQuoteRequest['usage']>,
      string | undefined,
      string[],
    ]
  >([
    // demand at or below 105 % of the contract is billed at the contract demand: 500 × 38
    [
      'demand within 105 %',
      { contractDemandKw: '500' },
      { maxDemandKw: '520' },
      undefined,
      ['500.00 × 38.00 = 19000.00'],
    ],
    [
      'demand exactly 105 %',
      { contractDemandKw: '500' },
      { maxDemandKw: '525' },
      undefined,
      ['500.00 × 38.00 = 19000.00'],
    ],
    [
      'demand below the contract',
      { contractDemandKw: '500' },
      { maxDemandKw: '300' },
      undefined,
      ['500.00 × 38.00 = 19000.00'],
    ],
    // 260 000 kWh on 1 000 kVA = 260 kWh/kVA ⇒ 90 % of 38 = 34.2: 500 × 34.2
    [
      '260 kWh per kVA (90 % demand price)',
      { contractDemandKw: '500' },
      { kwh: { peak: '60000', flat: '140000', valley: '60000' }, maxDemandKw: '480' },
      undefined,
      ['500.00 × 34.20 = 17100.00'],
    ],
    // 259 999.99 kWh stays below 260 kWh/kVA: full price
    [
      'just under 260 kWh per kVA',
      { contractDemandKw: '500' },
      { kwh: { peak: '60000', flat: '139999.99', valley: '60000' }, maxDemandKw: '480' },
      undefined,
      ['500.00 × 38.00 = 19000.00'],
    ],
    // 90 % price and the 105 % rule together: 525 × 34.2 = 17 955.00; 35 × 68.4 = 2 394.00
    [
      '90 % price above 105 %',
      { contractDemandKw: '500' },
      { kwh: { peak: '70000', flat: '140000', valley: '60000' }, maxDemandKw: '560' },
      undefined,
      ['525.00 × 34.20 = 17955.00', '35.00 × 68.40 = 2394.00'],
    ],
    // contract 400 kW < 40 % × (1 000 kVA + 200 kW motors) = 480 kW: billed at 480 × 38
    [
      'a contract demand below the 40 % floor',
      { contractDemandKw: '400', hvMotorKw: '200' },
      { maxDemandKw: '300' },
      undefined,
      ['480.00 × 38.00 = 18240.00'],
    ],
    // 10 of 31 days: 19 950 × 10/30 = 6 650.00; 2 660 × 10/30 = 886.666… → 886.67
    [
      'a partial month with double demand',
      { contractDemandKw: '500' },
      {},
      '10',
      ['525.00 × 38.00 = 6650.00', '35.00 × 76.00 = 886.67'],
    ],
  ])('bills the demand method for %s', (_case, customer, usageChange, days, expected) => {
    // given
    const request: BillQuoteRequest = {
      customer: { capacityKva: '1000', basicChargeMethod: 'demand', ...customer },
      usage: { ...usage, kvarh: undefined, ...usageChange },
      period: { month: '2024-07', days },
    };
    // when
    const basic = quoteBill(request, provLi).lines.filter((l) => l.type === '03');
    // then
    expect(basic.map((l) => `${l.quantity} × ${l.unitPrice} = ${l.amount}`)).toEqual(expected);
  });

  it.each([
    // 1 000 kVA + 200 kW HV motors: 1 200 × 26
    ['HV motors count with the transformers', '2024-07', undefined, '200', '1200.00', '31200.00'],
    // 17 days of July: 26 000 × 17/30 = 14 733.333… → 14 733.33
    ['17 days of a 31-day month', '2024-07', '17', undefined, '1000.00', '14733.33'],
    ['16.5 days: a partial day counts as one', '2024-07', '16.5', undefined, '1000.00', '14733.33'],
    ['all 31 days of July', '2024-07', '31', undefined, '1000.00', '26000.00'],
    ['all 29 days of February 2024', '2024-02', '29', undefined, '1000.00', '26000.00'],
    // 28 of 29 days: 26 000 × 28/30 = 24 266.666… → 24 266.67
    ['28 days of February 2024', '2024-02', '28', undefined, '1000.00', '24266.67'],
    ['30 days of July', '2024-07', '30', undefined, '1000.00', '26000.00'],
  ])('bills the capacity method with %s', (_case, month, days, hvMotorKw, quantity, amount) => {
    // given
    const request: BillQuoteRequest = {
      customer: { capacityKva: '1000', basicChargeMethod: 'capacity', hvMotorKw },
      usage: { kwh: usage.kwh },
      period: { month, days },
    };
    // when
    const [basic, ...more] = quoteBill(request, provLi).lines.filter((l) => l.type === '03');
    // then
    expect(more).toEqual([]);
    expect(basic).toMatchObject({ quantity, unitPrice: '26.00', amount });
  });

  it('names the proration in the label', () => {
    const quote = quoteBill(
      {
        customer: { capacityKva: '1000', basicChargeMethod: 'capacity' },
        usage: { kwh: usage.kwh },
        period: { month: '2024-07', days: 17 },
      },
      provLi,
    );
    expect(quote.lines.find((l) => l.type === '03')?.label).toBe('Basic charge by capacity, 1000 kVA, 17/30 days');
  });
});
