import { describe, expect, it } from 'vitest';
import { chinaWorkingCalendar } from '../../../../server/domain/calendar/index.js';
import {
  DIFFERENTIAL_PRICE_INDUSTRIES,
  ESS_POLICY,
  HUE_TRADE_TYPE_CODE,
  type HighRiskRule,
  RISKWAR_TACTIC,
  type RiskScreeningInput,
  measureDeadline,
  screenHighRisk,
} from '../../../../server/domain/risk/index.js';

/** A customer who trips no rule: no arrears, normal production, grade B. */
const ordinary: RiskScreeningInput = {
  policyCategory: '04',
  industry: '201',
  productionStatus: 'normal',
  arrears: { currentYear: '0', priorYears: '0' },
  currentYearArrearsAgeMonths: 0,
  creditGrade: 'B',
  latePaymentsLast12Months: 0,
  consumption: [
    { kwh: '900', sameMonthLastYearKwh: '1000' },
    { kwh: '950', sameMonthLastYearKwh: '1000' },
  ],
  onDishonestList: false,
};

const owing = { arrears: { currentYear: '5000', priorYears: '0' }, currentYearArrearsAgeMonths: 1 };

describe('screenHighRisk rules H1–H8 (DOMAIN.md §7)', () => {
  it.each<[string, Partial<RiskScreeningInput>, HighRiskRule[]]>([
    ['no rule for an ordinary customer', {}, []],
    ['H1 for an overcapacity policy category', { policyCategory: '02' }, ['H1']],
    ['H2 for a steel works in arrears', { industry: '101', ...owing }, ['H2']],
    [
      'H2 for a half-stopped aluminium smelter without arrears',
      { industry: '102', productionStatus: 'half-stopped' },
      ['H2'],
    ],
    ['no H2 for paper, outside 101–108', { industry: '201', productionStatus: 'shut-down' }, []],
    [
      'H3 (and H4) for arrears of exactly 1 000 000',
      { arrears: { currentYear: '0', priorYears: '1000000' } },
      ['H3', 'H4'],
    ],
    ['H4 for current-year arrears aged 3 months', { ...owing, currentYearArrearsAgeMonths: 3 }, ['H4']],
    ['no H4 for current-year arrears aged 2 months', { ...owing, currentYearArrearsAgeMonths: 2 }, []],
    ['H5 for credit grade C', { creditGrade: 'C' }, ['H5']],
    ['H6 for 3 late payments in 12 months', { latePaymentsLast12Months: 3 }, ['H6']],
    [
      'H7 for consumption down 50 % two months running',
      {
        consumption: [
          { kwh: '500', sameMonthLastYearKwh: '1000' },
          { kwh: '100', sameMonthLastYearKwh: '1000' },
        ],
      },
      ['H7'],
    ],
    [
      'no H7 when the second month is down only 49 %',
      {
        consumption: [
          { kwh: '100', sameMonthLastYearKwh: '1000' },
          { kwh: '510', sameMonthLastYearKwh: '1000' },
        ],
      },
      [],
    ],
    ['H8 for a bankrupt customer', { productionStatus: 'bankrupt' }, ['H8']],
    ['H8 for a customer on the dishonest list', { onDishonestList: true }, ['H8']],
  ])('finds %s', (_what, change, rules) => {
    // given / when
    const result = screenHighRisk({ ...ordinary, ...change });
    // then
    expect(result.rules).toEqual(rules);
    expect(result.highRisk).toBe(rules.length > 0);
  });
});

describe('screenHighRisk levels and measures', () => {
  it.each<[string, Partial<RiskScreeningInput>, 'A' | 'B' | 'C' | null]>([
    ['not high-risk', {}, null],
    ['A for arrears of 1 000 000 or more', { arrears: { currentYear: '1200000', priorYears: '0' } }, 'A'],
    ['A for a customer in restructuring', { productionStatus: 'restructuring' }, 'A'],
    ['A for an eliminated-category customer in arrears', { policyCategory: '01', ...owing }, 'A'],
    ['C for an eliminated-category customer without arrears', { policyCategory: '01' }, 'C'],
    ['B for two of H2–H7', { creditGrade: 'C', latePaymentsLast12Months: 4 }, 'B'],
    ['C for one of H2–H7', { latePaymentsLast12Months: 4 }, 'C'],
  ])('rates %s', (_what, change, level) => {
    expect(screenHighRisk({ ...ordinary, ...change }).level).toBe(level);
  });

  it('requires one of prepayment, fee control, bank guarantee or instalment settlement within 10 WD at level A', () => {
    // given a customer owing 1 500 000.50 yuan
    const result = screenHighRisk({ ...ordinary, arrears: { currentYear: '1000000.50', priorYears: '500000' } });
    // then
    expect(result).toMatchObject({
      level: 'A',
      totalArrears: '1500000.50',
      requiredMeasure: { tactics: [3, 4, 13, 2], withinWd: 10 },
    });
  });

  it.each([
    ['B', [1, 8, 9]],
    ['C', [9]],
  ] as const)('requires one of %j at level %s, without a deadline', (level, tactics) => {
    const change =
      level === 'B' ? { creditGrade: 'C' as const, latePaymentsLast12Months: 4 } : { creditGrade: 'C' as const };
    expect(screenHighRisk({ ...ordinary, ...change }).requiredMeasure).toEqual({ tactics, withinWd: null });
  });

  it('sets the level-A measure deadline 10 WD after screening, across National Day', () => {
    // given a screening on Friday 2025-09-26 (09-28 and 10-11 are adjusted working weekends)
    const calendar = chinaWorkingCalendar();
    // when / then
    expect(measureDeadline('A', '2025-09-26', calendar)).toBe('2025-10-16');
    expect(measureDeadline('B', '2025-09-26', calendar)).toBeNull();
  });
});

describe('risk code tables', () => {
  it('labels every code in Chinese and English', () => {
    for (const table of [ESS_POLICY, HUE_TRADE_TYPE_CODE, RISKWAR_TACTIC]) {
      for (const label of Object.values(table)) {
        expect(label.zh).not.toBe('');
        expect(label.en).not.toBe('');
      }
    }
    expect(Object.keys(RISKWAR_TACTIC)).toHaveLength(14);
    expect(ESS_POLICY['01'].zh).toBe('淘汰类');
  });

  it('marks 101–108 as the differential-price industries', () => {
    expect(DIFFERENTIAL_PRICE_INDUSTRIES).toEqual(['101', '102', '103', '104', '105', '106', '107', '108']);
  });
});
