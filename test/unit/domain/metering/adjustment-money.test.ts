import { describe, expect, it } from 'vitest';
import { adjustmentMoney, quoteAdjustment, spreadAdjustment } from '../../../../server/domain/metering/index.js';
import { type TariffDefinition, seedTariffs } from '../../../../server/domain/tariffs/index.js';

const zjRes = seedTariffs['ZJ-RES'] as TariffDefinition;
const provLi = seedTariffs['PROV-LI-10KV'] as TariffDefinition;

describe('spreadAdjustment', () => {
  it('spreads the refund of the worked example pro rata to the energy recorded', () => {
    // given DOMAIN.md §3: +3 % on 12 000 kWh refunds 174.76 kWh, recorded evenly in two months
    const { adjustKwh } = quoteAdjustment({ kind: 'meter-error', errorPercent: '3', recordedKwh: '12000' });
    expect(adjustKwh).toBe('-174.76');
    // then
    expect(
      spreadAdjustment(adjustKwh, [
        { month: '2024-11', recordedKwh: '600' },
        { month: '2024-12', recordedKwh: '600' },
      ]),
    ).toEqual([
      { month: '2024-11', adjustKwh: '-87.38' },
      { month: '2024-12', adjustKwh: '-87.38' },
    ]);
  });

  it('rounds on the running total so the parts add up to the whole', () => {
    // 100.00 over three equal months: 33.33, 66.67 − 33.33 = 33.34, 100.00 − 66.67 = 33.33
    const parts = spreadAdjustment(
      '100',
      ['2024-01', '2024-02', '2024-03'].map((month) => ({ month, recordedKwh: 1 })),
    );
    expect(parts.map((p) => p.adjustKwh)).toEqual(['33.33', '33.34', '33.33']);
  });

  it('refuses months without energy', () => {
    expect(() => spreadAdjustment('10', [{ month: '2024-01', recordedKwh: 0 }])).toThrow(/no energy/);
  });
});

describe('adjustmentMoney (DOMAIN.md §3: Σ months of energy × that month’s price, tiers included)', () => {
  it('prices the worked refund of 174.76 kWh in the tiers the two months were billed in', () => {
    /*
     * ZJ-RES, T1 = 2 760 kWh. November: 600 kWh billed after 2 000 (all tier 1); December: 600 after
     * 2 600 (160 tier 1 + 440 tier 2). Each month refunds 87.38 kWh.
     *   November: 512.62 × 0.538 − 600 × 0.538 = −87.38 × 0.538 = −47.01044 → −47.01
     *   December, now after 2 512.62: 247.38 × 0.538 + 265.24 × 0.588 = 133.09044 + 155.96112 = 289.05156
     *     against 160 × 0.538 + 440 × 0.588 = 344.80: −55.74844 → −55.75
     *   total −102.76 (the two months together: 1 025.24 kWh from 2 000 is 760 T1 + 265.24 T2 = 564.84112
     *   against 667.60, −102.75888)
     */
    const money = adjustmentMoney(
      [
        { month: '2024-11', billedKwh: '600', adjustKwh: '-87.38', tierYearKwhBefore: '2000' },
        { month: '2024-12', billedKwh: '600', adjustKwh: '-87.38', tierYearKwhBefore: '2600' },
      ],
      zjRes,
    );
    expect(money).toEqual({
      lines: [
        { month: '2024-11', adjustKwh: '-87.38', amount: '-47.01' },
        { month: '2024-12', adjustKwh: '-87.38', amount: '-55.75' },
      ],
      total: '-102.76',
    });
  });

  it('carries a back-billed month into the tiers of the months after it', () => {
    /*
     * June: 300 kWh after 2 300, +100 ⇒ all still tier 1: +53.80.
     * July (worked example A without TOU: 400 kWh after 2 600 = 227.20), +100, and now after 2 700:
     *   60 × 0.538 + 440 × 0.588 = 32.28 + 258.72 = 291.00 ⇒ +63.80 (100 × 0.588 + 100 × 0.05 moved up a tier)
     */
    const money = adjustmentMoney(
      [
        { month: '2024-07', billedKwh: '400', adjustKwh: '100', tierYearKwhBefore: '2600' },
        { month: '2024-06', billedKwh: '300', adjustKwh: '100', tierYearKwhBefore: '2300' },
      ],
      zjRes,
    );
    expect(money.lines.map((l) => [l.month, l.amount])).toEqual([
      ['2024-06', '53.80'],
      ['2024-07', '63.80'],
    ]);
    expect(money.total).toBe('117.60');
  });

  it('does not carry an adjustment into the next tier year', () => {
    // December +100 after 2 700 (60 T1 + 40 T2: 32.28 + 23.52); January starts a new tier year: 100 × 0.538
    const money = adjustmentMoney(
      [
        { month: '2024-12', billedKwh: '0', adjustKwh: '100', tierYearKwhBefore: '2700' },
        { month: '2025-01', billedKwh: '0', adjustKwh: '100', tierYearKwhBefore: '0' },
      ],
      zjRes,
    );
    expect(money.lines.map((l) => l.amount)).toEqual(['55.80', '53.80']);
  });

  it('prices each month by its own tariff version', () => {
    // given the flat price raised from 0.6362 to 0.6500 on 2024-07-01
    const [v2024] = provLi.versions;
    if (v2024?.kind !== 'two-part') throw new Error('PROV-LI-10KV is two-part');
    const raised: TariffDefinition = {
      ...provLi,
      versions: [
        { ...v2024, effectiveTo: '2024-06-30' },
        { ...v2024, effectiveFrom: '2024-07-01', energyPrices: { ...v2024.energyPrices, flat: '0.6500' } },
      ],
    };
    // when 1 000 kWh are back-billed in June and July each
    const money = adjustmentMoney(
      [
        { month: '2024-06', billedKwh: '80000', adjustKwh: '1000' },
        { month: '2024-07', billedKwh: '80000', adjustKwh: '1000' },
      ],
      raised,
    );
    // then 1 000 × 0.6362 + 1 000 × 0.65
    expect(money).toMatchObject({ lines: [{ amount: '636.20' }, { amount: '650.00' }], total: '1286.20' });
  });

  it.each([
    [
      'a refund larger than the month billed',
      [{ month: '2024-11', billedKwh: '50', adjustKwh: '-60', tierYearKwhBefore: '0' }],
      /refunds 60/,
    ],
    [
      'annual tiers without the tier year so far',
      [{ month: '2024-11', billedKwh: '50', adjustKwh: '-10' }],
      /tierYearKwhBefore/,
    ],
    [
      'a month before the tariff',
      [{ month: '2023-11', billedKwh: '50', adjustKwh: '-10', tierYearKwhBefore: '0' }],
      /no version/,
    ],
  ])('refuses %s', (_case, months, message) => {
    expect(() => adjustmentMoney(months, zjRes)).toThrow(message);
  });
});
