import { describe, expect, it } from 'vitest';
import {
  type BillQuoteRequest,
  quoteBill,
  splitTiers,
  splitTouWithinTiers,
} from '../../../../server/domain/billing/index.js';
import { type TariffDefinition, seedTariffs } from '../../../../server/domain/tariffs/index.js';

const zjRes = seedTariffs['ZJ-RES'] as TariffDefinition;

const july = (usage: BillQuoteRequest['usage']): BillQuoteRequest => ({ usage, period: { month: '2024-07' } });

const summary = (lines: { label: string; quantity: string; amount: string }[]) =>
  lines.map((l) => `${l.label}: ${l.quantity} → ${l.amount}`);

describe('quoteBill — residential tiered tariff (DOMAIN.md §5.1)', () => {
  it.each([
    [
      'a TOU household',
      { peak: '250', valley: '150' },
      [
        'Energy, tier 1 peak: 100.00 → 56.80',
        'Energy, tier 1 valley: 60.00 → 17.28',
        'Energy, tier 2 peak: 150.00 → 92.70',
        'Energy, tier 2 valley: 90.00 → 30.42',
      ],
      '197.20',
    ],
    [
      'a household without TOU',
      { total: '400' },
      ['Energy, tier 1: 160.00 → 86.08', 'Energy, tier 2: 240.00 → 141.12'],
      '227.20',
    ],
  ])('reproduces worked example A for %s', (_household, kwh, lines, total) => {
    // given 2 600 kWh billed this tier year by the end of June, and 400 kWh in July
    const request = july({ kwh, tierYearKwhBefore: 2600 });
    // when
    const quote = quoteBill(request, zjRes);
    // then tier 1 takes its last 160 kWh, tier 2 the other 240
    expect(summary(quote.lines)).toEqual(lines);
    expect(quote.total).toBe(total);
    expect(quote.lines.every((l) => l.type === '01')).toBe(true);
    expect(quote).toMatchObject({ powerFactor: null, pfAdjustmentPercent: null });
  });

  it('reports the in-price funds without adding them again', () => {
    // when
    const quote = quoteBill(july({ kwh: { total: '400' }, tierYearKwhBefore: 2600 }), zjRes);
    // then: 0.23 + 0.62 + 0.1 fen on 400 kWh, and still 227.20 in total
    expect(quote.inPriceLevies.map((l) => l.amount)).toEqual(['0.92', '2.48', '0.40']);
    expect(quote.lines.some((l) => l.type === '04')).toBe(false);
    expect(quote.total).toBe('227.20');
  });

  it('charges tier 2 once tier 1 is used up', () => {
    // given tier 1 exhausted exactly
    const quote = quoteBill(july({ kwh: { total: '100' }, tierYearKwhBefore: 2760 }), zjRes);
    // then every kWh is at the tier 2 price
    expect(summary(quote.lines)).toEqual(['Energy, tier 2: 100.00 → 58.80']);
  });

  it('charges tier 3 above T2', () => {
    const quote = quoteBill(july({ kwh: { total: '300' }, tierYearKwhBefore: 4700 }), zjRes);
    // then 100 × 0.588 + 200 × 0.838
    expect(summary(quote.lines)).toEqual(['Energy, tier 2: 100.00 → 58.80', 'Energy, tier 3: 200.00 → 167.60']);
    expect(quote.total).toBe('226.40');
  });

  it('keeps the bill’s peak and valley exact when the pro rata shares round', () => {
    // given 100.01 peak and 33.33 valley across the tier 1 boundary (60 kWh left in tier 1)
    const quote = quoteBill(july({ kwh: { peak: '100.01', valley: '33.33' }, tierYearKwhBefore: 2700 }), zjRes);
    // then tier 1 peak = round(60 × 100.01 / 133.34) = 45.00, tier 2 peak takes the rest 55.01
    expect(quote.lines.map((l) => l.quantity)).toEqual(['45.00', '15.00', '55.01', '18.33']);
  });

  it('applies monthly tiers to the month alone', () => {
    // given a monthly-tier tariff: tier 1 ≤ 230 kWh, tier 2 ≤ 400 kWh a month
    const monthly: TariffDefinition = {
      code: 'RES-MONTHLY',
      name: 'Residential, monthly tiers',
      versions: [
        {
          kind: 'residential-tiered',
          effectiveFrom: '2024-01-01',
          tierPeriod: 'monthly',
          thresholdsKwh: { t1: '230', t2: '400' },
          prices: { flat: { tier1: '0.5283', tier2: '0.5783', tier3: '0.8283' } },
          funds: [],
        },
      ],
    };
    // when 500 kWh are billed without any earlier kWh this month
    const quote = quoteBill(july({ kwh: { total: '500' } }), monthly);
    // then 230 × 0.5283 = 121.509 → 121.51; 170 × 0.5783 = 98.311 → 98.31; 100 × 0.8283 = 82.83
    expect(quote.lines.map((l) => l.amount)).toEqual(['121.51', '98.31', '82.83']);
    expect(quote.total).toBe('302.65');
  });
});

describe('splitTiers', () => {
  it.each([
    ['0', '300', ['300', '0', '0']],
    ['2600', '400', ['160', '240', '0']],
    ['2760', '100', ['0', '100', '0']],
    ['4700', '300', ['0', '100', '200']],
    ['5000', '50', ['0', '0', '50']],
    ['2000', '3000', ['760', '2040', '200']],
    ['1000', '0', ['0', '0', '0']],
  ])('splits %s kWh before plus %s kWh into tiers %j (T1 2760, T2 4800)', (before, e, expected) => {
    const { q1, q2, q3 } = splitTiers(e, before, { t1: 2760, t2: 4800 });
    expect([q1, q2, q3].map((q) => q.toString())).toEqual(expected);
  });
});

describe('splitTouWithinTiers', () => {
  it('splits example A’s tiers 62.5 % / 37.5 %', () => {
    // when
    const shares = splitTouWithinTiers(['160', '240', '0'], '250', '150');
    // then
    expect(shares.map((s) => [s.peak.toFixed(2), s.valley.toFixed(2)])).toEqual([
      ['100.00', '60.00'],
      ['150.00', '90.00'],
      ['0.00', '0.00'],
    ]);
  });
});
