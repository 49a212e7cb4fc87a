import { describe, expect, it } from 'vitest';
import { consumptionFromReadings } from '../../../../server/domain/metering/index.js';

const usual = { avgDailyKwh: '10', days: 30 };

describe('consumptionFromReadings', () => {
  it.each([
    ['1000', '1200', 6, '1', '200.00'],
    ['1000', '1200', 6, '40', '8000.00'],
    ['1234.56', '1300.01', 6, '1', '65.45'],
    ['500', '500', 6, '1', '0.00'],
  ])(
    'a register moving from %s to %s (%i digits, ×%s) used %s kWh, no rollover',
    (prev, curr, digits, multiplier, kwh) => {
      expect(consumptionFromReadings(prev, curr, digits, multiplier, usual)).toEqual({
        kwh,
        rollover: false,
        needsReview: false,
      });
    },
  );

  it('accepts a plausible rollover, flagged', () => {
    // given a 5-digit register that went from 99 950 to 30, and 10 kWh a day over 30 days
    // when
    const result = consumptionFromReadings('99950', '30', 5, '1', usual);
    // then: 10^5 − 99 950 + 30 = 80 kWh ≤ 3 × 10 × 30 = 900
    expect(result).toEqual({ kwh: '80.00', rollover: true, needsReview: false });
  });

  it('sends an implausible rollover to manual review', () => {
    // given the register went "backwards" from 5 000 to 4 990 — a misread more likely than a rollover
    // when
    const result = consumptionFromReadings('5000', '4990', 5, '1', usual);
    // then: 99 990 kWh far above 900
    expect(result).toEqual({ kwh: '99990.00', rollover: true, needsReview: true });
  });

  it.each([
    ['80', '900.00', false],
    ['80.001', '900.01', true],
  ])(
    'reviews a multiplied rollover above factor × average × days: 9990 → %s ×10 is %s kWh, review: %s',
    (curr, kwh, review) => {
      // given a 4-digit register ×10 and a limit of 3 × 10 kWh × 30 days = 900 kWh
      // when
      const result = consumptionFromReadings('9990', curr, 4, '10', usual);
      // then
      expect(result).toEqual({ kwh, rollover: true, needsReview: review });
    },
  );

  it('takes the factor from configuration', () => {
    expect(
      consumptionFromReadings('99950', '30', 5, '1', { avgDailyKwh: '1', days: 30, factor: '2' }).needsReview,
    ).toBe(true);
  });

  it.each([
    ['100000', '5', 5, 'previous reading 100000 does not fit a 5-digit register'],
    ['-1', '5', 5, 'previous reading -1 does not fit'],
    ['10', '5', 0, 'register digits must be an integer from 1 to 15'],
  ])('rejects prev %s curr %s on %i digits', (prev, curr, digits, message) => {
    expect(() => consumptionFromReadings(prev, curr, digits, '1', usual)).toThrow(message);
  });
});
