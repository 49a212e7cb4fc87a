import { describe, expect, it } from 'vitest';
import {
  AUDIT_RULES,
  type AuditRuleNumber,
  type BillAuditInput,
  DEFAULT_AUDIT_CONFIG,
  auditBill,
} from '../../../../server/domain/audit/index.js';

const readings = { previous: '5000', current: '6000', digits: 6, multiplier: '1', days: 30, avgDailyKwh: '33' };

/** An LV commercial bill that trips no rule. */
const clean: BillAuditInput = {
  voltage: 'LV',
  elecTypeCode: '400',
  consumptionKwh: '1000',
  readings,
  lastMonthKwh: '1000',
  sameMonthLastYearKwh: '1100',
  lastThreeMonthsKwh: ['950', '1000', '1050'],
  tou: { totalKwh: '1000', registersKwh: { '02': '400', '03': '350', '04': '250' } },
  capacityKva: '50',
  subMeterKwh: ['300', '200'],
  powerFactor: { appliedStandard: null, reactiveKvarh: ['300', '280'], customer: { use: 'non-industrial' } },
  readingTypes: ['01', '01', '03'],
  firstBill: null,
};

const hvIndustrial: Partial<BillAuditInput> = {
  voltage: 'HV',
  elecTypeCode: '100',
  capacityKva: '500',
  powerFactor: { appliedStandard: '0.90', reactiveKvarh: ['300', '280'], customer: { use: 'industrial' } },
};

type Case = [rule: AuditRuleNumber, behaviour: string, change: Partial<BillAuditInput>, message: string | null];

const cases: Case[] = [
  [
    1,
    'trips when the reading went backwards',
    { readings: { ...readings, current: '4000' } },
    'reading went backwards from 5000 to 4000',
  ],
  [
    1,
    'names a plausible rollover',
    { readings: { ...readings, previous: '999500', current: '400' } },
    'plausible register rollover of 900.00 kWh',
  ],
  [1, 'passes a reading that did not move', { readings: { ...readings, current: '5000' } }, null],
  [
    2,
    'trips at +66.67 % year on year (LV ±50 %)',
    { sameMonthLastYearKwh: '600' },
    'is +66.67 % against 600.00 kWh in the same month last year',
  ],
  [2, 'passes exactly +50 % (LV)', { consumptionKwh: '1500', sameMonthLastYearKwh: '1000' }, null],
  [2, 'trips at −33.33 % for HV (±30 %)', { voltage: 'HV', sameMonthLastYearKwh: '1500' }, '(limit ±30 %)'],
  [2, 'passes −28.57 % for HV', { voltage: 'HV', sameMonthLastYearKwh: '1400' }, null],
  [
    3,
    'trips at −60 % month on month',
    { consumptionKwh: '400', lastMonthKwh: '1000' },
    'is -60.00 % against 1000.00 kWh last month',
  ],
  [3, 'passes exactly −50 %', { consumptionKwh: '500', lastMonthKwh: '1000' }, null],
  [3, 'passes without a usable last month', { lastMonthKwh: '0' }, null],
  [
    4,
    'trips at +100 % against the 3-month average',
    { lastThreeMonthsKwh: ['400', '500', '600'] },
    'on average over the last 3 months',
  ],
  [4, 'passes with fewer than 3 months of history', { lastThreeMonthsKwh: ['400', '500'] }, null],
  [
    5,
    'trips when TOU registers miss 1 % of the total',
    { tou: { totalKwh: '1000', registersKwh: { '02': '600', '04': '390' } } },
    "differs from the TOU registers' sum 990.00 kWh by 10.00 kWh",
  ],
  [5, 'passes a 0.2 % difference', { tou: { totalKwh: '1000', registersKwh: { '02': '600', '04': '398' } } }, null],
  [
    6,
    'trips above the residential limit (201 falls back to 200)',
    { elecTypeCode: '201', consumptionKwh: '5000.01' },
    'above the monthly limit of 5000.00 kWh for category 201',
  ],
  [6, 'passes exactly at the limit', { elecTypeCode: '201', consumptionKwh: '5000' }, null],
  [
    7,
    'trips above 720 h a month at full load',
    { capacityKva: '1', consumptionKwh: '720.1' },
    '720.1 h at full load, above 720 h',
  ],
  [7, 'passes exactly 720 h', { capacityKva: '1', consumptionKwh: '720' }, null],
  [
    8,
    'trips when the main meter is below its sub-meters',
    { subMeterKwh: ['600', '400.01'] },
    'below the sum of its 2 sub-meters, 1000.01 kWh',
  ],
  [8, 'passes when the sub-meters add up to the main meter', { subMeterKwh: ['600', '400'] }, null],
  [
    9,
    'trips on zero reactive energy 2 months running',
    { ...hvIndustrial, powerFactor: { appliedStandard: '0.90', reactiveKvarh: ['0', '0', '300'] } },
    'zero reactive energy 2 months running',
  ],
  [
    9,
    'trips on a power factor of 1.00',
    { ...hvIndustrial, powerFactor: { appliedStandard: '0.90', reactiveKvarh: ['5', '280'] } },
    'power factor 1.00',
  ],
  [9, 'passes a PF-assessed customer at 0.96', hvIndustrial, null],
  [
    9,
    'passes zero reactive energy on a customer not PF-assessed',
    { powerFactor: { appliedStandard: null, reactiveKvarh: ['0', '0'] } },
    null,
  ],
  [10, 'trips on zero consumption', { consumptionKwh: '0' }, 'zero consumption'],
  [10, 'passes 0.01 kWh', { consumptionKwh: '0.01' }, null],
  [
    11,
    'trips on 2 estimated readings in a row',
    { readingTypes: ['03', '03', '01'] },
    'reading estimated 2 cycles in a row',
  ],
  [11, 'passes estimates that are not consecutive', { readingTypes: ['03', '01', '03'] }, null],
  [
    12,
    'trips when HV industrial above 160 kVA is billed at 0.85',
    {
      ...hvIndustrial,
      powerFactor: { appliedStandard: '0.85', reactiveKvarh: ['300'], customer: { use: 'industrial' } },
    },
    'bill applies 0.85, but an HV industrial customer of 500 kVA needs 0.90',
  ],
  [
    12,
    'trips when a small customer is PF-assessed',
    { powerFactor: { appliedStandard: '0.85', reactiveKvarh: ['300'], customer: { use: 'non-industrial' } } },
    'needs no PF assessment',
  ],
  [12, 'passes the right standard', hvIndustrial, null],
  [
    13,
    'trips on the first bill after a tariff change',
    { firstBill: 'tariff-change' },
    'first bill after a tariff change',
  ],
  [13, 'passes an ordinary bill', { firstBill: null }, null],
];

describe('audit rules (DOMAIN.md §4)', () => {
  it.each(cases)('rule %i %s', (rule, _behaviour, change, message) => {
    // given the clean bill with one change
    const input: BillAuditInput = { ...clean, ...change };
    // when
    const result = AUDIT_RULES[rule](input, DEFAULT_AUDIT_CONFIG);
    // then
    if (message === null) expect(result).toBeNull();
    else expect(result).toContain(message);
  });

  it('has a tripping and a passing case for each of the 13 rules', () => {
    for (const rule of Object.keys(AUDIT_RULES).map(Number)) {
      const ofRule = cases.filter(([r]) => r === rule);
      expect(
        ofRule.some(([, , , m]) => m !== null),
        `rule ${rule} trips`,
      ).toBe(true);
      expect(
        ofRule.some(([, , , m]) => m === null),
        `rule ${rule} passes`,
      ).toBe(true);
    }
  });
});

describe('auditBill', () => {
  it('passes a clean bill with no findings', () => {
    expect(auditBill(clean)).toEqual([]);
  });

  it('lists every tripped rule with its number, code and message, in rule order', () => {
    // given a first bill with zero consumption after an estimated reading
    const input: BillAuditInput = { ...clean, consumptionKwh: '0', firstBill: 'connection', subMeterKwh: [] };
    // when
    const findings = auditBill(input);
    // then
    expect(findings.map((f) => [f.rule, f.code])).toEqual([
      [2, 'YEAR_ON_YEAR_DEVIATION'],
      [3, 'MONTH_ON_MONTH_DEVIATION'],
      [4, 'THREE_MONTH_AVERAGE_DEVIATION'],
      [10, 'ZERO_CONSUMPTION'],
      [13, 'FIRST_BILL'],
    ]);
    expect(findings.find((f) => f.rule === 13)?.message).toBe('first bill after connection');
  });

  it('applies configured thresholds over the defaults', () => {
    // given a 10 % month-on-month rise and a province auditing LV from ±5 %
    const input: BillAuditInput = { ...clean, consumptionKwh: '1100', tou: null };
    // when / then
    expect(auditBill(input)).toEqual([]);
    expect(auditBill(input, { momDeviationPercent: { LV: '5', HV: '5' } }).map((f) => f.rule)).toEqual([3]);
  });
});
