import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../../../../server/domain/decimal.js';
import { pfAdjustmentPercent, powerFactor } from '../../../../server/domain/billing/index.js';
import { PF_STANDARDS, type PfStandard } from '../../../../server/domain/tariffs/index.js';

describe('powerFactor', () => {
  it.each([
    ['1000', '300', '0.96'],
    ['200000', '124000', '0.85'],
    ['200000', '90000', '0.91'],
    ['3', '4', '0.60'],
    ['100', '0', '1.00'],
    ['0', '100', '0.00'],
  ])('gives cosφ %s kWh, %s kvarh → %s, rounded half up to 2 decimals', (kwh, kvarh, expected) => {
    expect(powerFactor(kwh, kvarh)?.toFixed(2)).toBe(expected);
  });

  it('has no power factor without any energy', () => {
    expect(powerFactor(0, 0)).toBeNull();
  });
});

describe('pfAdjustmentPercent (DOMAIN.md §5.3)', () => {
  it.each<[string, PfStandard, string]>([
    // the spot checks of DOMAIN.md §5.3
    ['0.93', '0.90', '-0.45'],
    ['0.93', '0.85', '-0.95'],
    ['0.93', '0.80', '-1.30'],
    ['0.64', '0.90', '17.00'],
    ['0.64', '0.85', '11.00'],
    ['0.64', '0.80', '8.00'],
    // std 0.90, band edges
    ['1.00', '0.90', '-0.75'],
    ['0.95', '0.90', '-0.75'],
    ['0.94', '0.90', '-0.60'],
    ['0.90', '0.90', '0.00'],
    ['0.89', '0.90', '0.50'],
    ['0.70', '0.90', '10.00'],
    ['0.69', '0.90', '11.00'],
    ['0.65', '0.90', '15.00'],
    ['0.60', '0.90', '25.00'],
    // std 0.85, band edges; 0.86–0.90 is a reduction
    ['0.94', '0.85', '-1.10'],
    ['0.91', '0.85', '-0.65'],
    ['0.90', '0.85', '-0.50'],
    ['0.86', '0.85', '-0.10'],
    ['0.85', '0.85', '0.00'],
    ['0.84', '0.85', '0.50'],
    ['0.65', '0.85', '10.00'],
    ['0.60', '0.85', '15.00'],
    ['0.59', '0.85', '17.00'],
    // std 0.80, band edges
    ['0.92', '0.80', '-1.30'],
    ['0.91', '0.80', '-1.15'],
    ['0.90', '0.80', '-1.00'],
    ['0.81', '0.80', '-0.10'],
    ['0.80', '0.80', '0.00'],
    ['0.79', '0.80', '0.50'],
    ['0.60', '0.80', '10.00'],
    ['0.59', '0.80', '11.00'],
    ['0.55', '0.80', '15.00'],
    ['0.54', '0.80', '17.00'],
  ])('adjusts pf %s against standard %s by %s %%', (pf, standard, expected) => {
    expect(pfAdjustmentPercent(pf, standard).toFixed(2)).toBe(expected);
  });

  it('rounds a pf half up to hundredths before the look-up', () => {
    expect(pfAdjustmentPercent('0.845', '0.85').toFixed(2)).toBe('0.00');
    expect(pfAdjustmentPercent('0.8449', '0.85').toFixed(2)).toBe('0.50');
  });

  it.each(['-0.01', '1.01'])('rejects a power factor of %s', (pf) => {
    expect(() => pfAdjustmentPercent(pf, '0.90')).toThrow(/power factor must be 0 to 1/);
  });

  it.each(PF_STANDARDS)('never rewards a worse power factor, and is zero at the standard %s', (standard) => {
    // given any two power factors in hundredths
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        // when
        const atLow = pfAdjustmentPercent(dec(low).dividedBy(100), standard);
        const atHigh = pfAdjustmentPercent(dec(high).dividedBy(100), standard);
        // then: the percentage never rises with the pf, surcharges below the standard, reductions above
        expect(atLow.greaterThanOrEqualTo(atHigh)).toBe(true);
        const vsStandard = dec(high).dividedBy(100).comparedTo(standard);
        expect(atHigh.isZero() ? 0 : atHigh.isNegative() ? 1 : -1).toBe(vsStandard);
      }),
    );
  });
});
