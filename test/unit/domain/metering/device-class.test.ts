import { describe, expect, it } from 'vitest';
import {
  ACCURACY_FOR_DEVICE_CLASS,
  DEFAULT_TEST_CYCLE,
  allowedErrorPercent,
  deviceClassOf,
  nextTestDue,
  withinTolerance,
  workOrderDate,
} from '../../../../server/domain/metering/index.js';

describe('deviceClassOf (DL/T 448)', () => {
  it.each([
    ['5000000', '100', false, 'I'],
    ['10', '10000', false, 'I'],
    ['4999999.99', '9999', false, 'II'],
    ['1000000', '0', false, 'II'],
    ['100', '2000', false, 'II'],
    ['100000', '0', false, 'III'],
    ['0', '315', false, 'III'],
    ['99999.99', '314.9', false, 'IV'],
    ['300', '8', true, 'V'],
  ] as const)(
    '%s kWh/month on %s kVA (single-phase: %s) is class %s',
    (monthlyKwh, capacityKva, singlePhase, expected) => {
      expect(deviceClassOf({ monthlyKwh, capacityKva, singlePhase })).toBe(expected);
    },
  );

  it('asks for the accuracy classes of the table', () => {
    expect(ACCURACY_FOR_DEVICE_CLASS).toEqual({
      I: ['0.2S', '0.5S'],
      II: ['0.5S', '0.5'],
      III: ['1.0'],
      IV: ['2.0'],
      V: ['2.0'],
    });
  });
});

describe('withinTolerance', () => {
  it.each([
    ['2', '2.0', true],
    ['-2', '2.0', true],
    ['2.01', '2.0', false],
    ['3', '2.0', false],
    ['-1.01', '1.0', false],
    ['0.5', '0.5S', true],
    ['0.21', '0.2S', false],
  ] as const)('an error of %s %% on a class %s meter is within tolerance: %s', (error, accuracyClass, expected) => {
    expect(withinTolerance(error, accuracyClass)).toBe(expected);
  });

  it('allows as many percent as the class number', () => {
    expect(allowedErrorPercent('0.5S').toString()).toBe('0.5');
    expect(allowedErrorPercent('2.0').toString()).toBe('2');
  });
});

describe('nextTestDue and workOrderDate', () => {
  it.each([
    ['I', '2025-01-15', null, '2025-02-15', 'first test within 1 month of commissioning'],
    ['III', '2025-01-31', null, '2025-02-28', 'first test at a month end'],
    ['I', '2025-01-15', '2025-02-10', '2025-05-10', 'class I every 3 months'],
    ['II', '2025-01-15', '2025-02-10', '2025-08-10', 'class II every 6 months'],
    ['III', '2025-01-15', '2025-02-10', '2026-02-10', 'class III every 12 months'],
    ['II', '2025-11-30', '2025-11-30', '2026-05-30', 'a test on the commissioning day counts'],
    ['I', '2025-03-01', '2025-01-20', '2025-04-01', 'a laboratory test before commissioning does not count'],
    ['IV', '2025-01-15', null, null, 'class IV has no periodic on-site test by default'],
    ['V', '2025-01-15', '2025-02-10', null, 'class V has no periodic on-site test by default'],
  ] as const)(
    'class %s commissioned %s, last tested %s, is due %s (%s)',
    (deviceClass, commissionedOn, lastTestedOn, expected, _why) => {
      expect(nextTestDue({ deviceClass, commissionedOn, lastTestedOn })).toBe(expected);
    },
  );

  it('tests class IV where the configuration gives it a cycle', () => {
    // given a province that visits HV class IV devices yearly
    const config = { ...DEFAULT_TEST_CYCLE, cycleMonths: { ...DEFAULT_TEST_CYCLE.cycleMonths, IV: 12 } };
    // when / then
    expect(nextTestDue({ deviceClass: 'IV', commissionedOn: '2025-01-15', lastTestedOn: '2025-02-01' }, config)).toBe(
      '2026-02-01',
    );
  });

  it('generates the work order 30 days (cfg) before the due date', () => {
    expect(workOrderDate('2025-05-10')).toBe('2025-04-10');
    expect(workOrderDate('2025-03-01')).toBe('2025-01-30');
    expect(workOrderDate('2025-03-01', { ...DEFAULT_TEST_CYCLE, workOrderLeadDays: 14 })).toBe('2025-02-15');
  });
});
