import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../../../../server/domain/decimal.js';
import {
  type AccuracyClass,
  type AdjustmentQuoteRequest,
  quoteAdjustment,
} from '../../../../server/domain/metering/index.js';

describe('quoteAdjustment — meter error', () => {
  it('reproduces the worked example: class 2.0 meter +3 % on 12 000 kWh refunds 174.76 kWh', () => {
    // given DOMAIN.md §3's household meter
    const request: AdjustmentQuoteRequest = {
      kind: 'meter-error',
      errorPercent: '3',
      recordedKwh: '12000',
      accuracyClass: '2.0',
    };
    // when
    const quote = quoteAdjustment(request);
    // then: true 11 650.49, delta −349.51, half of it refunded (−174.755 rounds half up to −174.76)
    expect(quote).toEqual({
      kind: 'meter-error',
      trueKwh: '11650.49',
      deltaKwh: '-349.51',
      adjustKwh: '-174.76',
      direction: 'refund',
      withinTolerance: false,
    });
  });

  it('back-bills a slow meter for half the period', () => {
    // given a meter 5 % slow that recorded 1 000 kWh
    const quote = quoteAdjustment({ kind: 'meter-error', errorPercent: '-5', recordedKwh: '1000' });
    // then: true 1 052.63, delta 52.63, adjust 26.315 → 26.32
    expect(quote).toEqual({
      kind: 'meter-error',
      trueKwh: '1052.63',
      deltaKwh: '52.63',
      adjustKwh: '26.32',
      direction: 'back-bill',
    });
  });

  it.each<[string, AccuracyClass]>([
    ['2', '2.0'],
    ['-2', '2.0'],
    ['1.5', '2.0'],
    ['0.5', '0.5S'],
  ])('quotes nothing for an error of %s %% on a class %s meter (within tolerance)', (error, accuracyClass) => {
    // given a measured error within the class limit / when
    const quote = quoteAdjustment({ kind: 'meter-error', errorPercent: error, recordedKwh: '12000', accuracyClass });
    // then
    expect(quote).toMatchObject({ adjustKwh: '0.00', direction: 'none', withinTolerance: true });
  });

  it('rejects γ of −100 % or below', () => {
    expect(() => quoteAdjustment({ kind: 'meter-error', errorPercent: '-100', recordedKwh: '1000' })).toThrow(
      /greater than −100 %/,
    );
  });

  it('refunds for a fast meter and back-bills for a slow one, about half the delta', () => {
    // given any error between −50 % and +50 % (2 decimals) and any recorded energy up to 10 GWh
    const hundredths = (min: number, max: number) =>
      fc.integer({ min, max }).map((n) => dec(n).dividedBy(100).toFixed(2));
    fc.assert(
      fc.property(hundredths(-5000, 5000), hundredths(0, 1_000_000_000), (errorPercent, recordedKwh) => {
        // when
        const quote = quoteAdjustment({ kind: 'meter-error', errorPercent, recordedKwh });
        const adjust = dec(quote.adjustKwh);
        // then: the sign is opposite to the error's, and the quote is consistent with itself
        if (dec(errorPercent).greaterThan(0)) expect(adjust.lessThanOrEqualTo(0)).toBe(true);
        if (dec(errorPercent).lessThan(0)) expect(adjust.greaterThanOrEqualTo(0)).toBe(true);
        const expected = adjust.isZero() ? 'none' : adjust.isNegative() ? 'refund' : 'back-bill';
        expect(quote.direction).toBe(expected);
        expect(
          adjust
            .minus(dec(quote.deltaKwh ?? '0').dividedBy(2))
            .abs()
            .lessThanOrEqualTo('0.005'),
        ).toBe(true);
      }),
    );
  });
});

describe('quoteAdjustment — wiring and multiplier', () => {
  it.each([
    ['1.5', '500.00', 'back-bill', '1500.00'],
    ['0.8', '-200.00', 'refund', '800.00'],
    ['1', '0.00', 'none', '1000.00'],
    ['1.73205', '732.05', 'back-bill', '1732.05'],
  ])(
    'corrects wrong wiring over the full period: K = %s on 1 000 kWh adjusts %s',
    (k, adjustKwh, direction, trueKwh) => {
      // given / when — DOMAIN.md §3: adjust = E × (K − 1), full period
      const quote = quoteAdjustment({ kind: 'wiring', recordedKwh: '1000', correctionFactor: k });
      // then
      expect(quote).toEqual({ kind: 'wiring', adjustKwh, direction, trueKwh, deltaKwh: adjustKwh });
    },
  );

  it.each([
    ['100', '40', '30', '1000.00', 'back-bill'],
    ['100', '30', '40', '-1000.00', 'refund'],
    ['12.5', '200', '20', '2250.00', 'back-bill'],
  ])(
    'corrects a wrong multiplier: %s register kWh × (%s − %s) = %s',
    (registerKwh, correct, wrong, adjustKwh, direction) => {
      const quote = quoteAdjustment({
        kind: 'multiplier',
        registerKwh,
        correctMultiplier: correct,
        wrongMultiplier: wrong,
      });
      expect(quote).toMatchObject({ adjustKwh, direction });
    },
  );

  it('makes the wiring adjustment exactly E × (K − 1), rounded to 2 decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 300_000 }), (e, k100000) => {
        const k = dec(k100000).dividedBy(100000);
        const quote = quoteAdjustment({ kind: 'wiring', recordedKwh: e, correctionFactor: k.toString() });
        expect(quote.adjustKwh).toBe(dec(e).times(k.minus(1)).toDecimalPlaces(2).toFixed(2));
      }),
    );
  });
});
