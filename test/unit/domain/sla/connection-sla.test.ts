import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, chinaWorkingCalendar } from '../../../../server/domain/calendar/index.js';
import {
  type CumulativeSlaTable,
  SGCC_2023_COMMITMENTS,
  type SlaInterval,
  evaluateConnectionSla,
  resolveSlaTable,
} from '../../../../server/domain/sla/index.js';

const calendar = chinaWorkingCalendar();

/** DOMAIN.md §2 worked example: HV single source accepted Monday 2025-03-03. */
const workedExample: SlaInterval[] = [
  { clock: 'utility', step: 'A02-A05', start: '2025-03-03', end: '2025-03-11' }, // survey and scheme reply, 6 WD
  { clock: 'customer', step: 'design', start: '2025-03-11', end: '2025-03-21' }, // customer's design, 8 WD
  { clock: 'utility', step: 'A09', start: '2025-03-21', end: '2025-03-26' }, // design review, 3 WD
  { clock: 'customer', step: 'own works', start: '2025-03-26', end: '2025-06-30' }, // 64 WD
  { clock: 'utility', step: 'A14', start: '2025-06-30', end: '2025-07-03' }, // completion inspection, 3 WD
  { clock: 'customer', step: 'A06', start: '2025-07-03', end: '2025-07-07' }, // fees, 2 WD
  { clock: 'utility', step: 'A17', start: '2025-07-07', end: '2025-07-11' }, // installation and energisation, 4 WD
];

describe('evaluateConnectionSla', () => {
  it('reproduces the worked example: 6 + 3 + 3 + 4 = 16 utility WD ≤ 22, on time', () => {
    // given the worked example under the 2023 commitments
    // when
    const result = evaluateConnectionSla('03', workedExample, calendar);
    // then
    expect(result).toEqual({
      connectionClass: '03',
      tableId: 'SGCC-2023',
      measure: 'utility',
      utilityWd: 16,
      customerWd: 74,
      countedWd: 16,
      limitWd: 22,
      remainingWd: 6,
      onTime: true,
      status: 'on-time',
    });
  });

  it('stays on time however long the customer’s own works take', () => {
    // given the worked example with the customer's works ending on any day up to a year later
    const customerEnd = fc.integer({ min: 0, max: 380 }).map((i) => addDays('2025-03-26', i));
    fc.assert(
      fc.property(customerEnd, (end) => {
        const intervals = workedExample.map((i) => (i.step === 'own works' ? { ...i, end } : i));
        // when / then
        expect(evaluateConnectionSla('03', intervals, calendar)).toMatchObject({ utilityWd: 16, onTime: true });
      }),
    );
  });

  it('breaches when utility time exceeds the class limit', () => {
    // given 23 utility WD on an HV single-source job
    const intervals: SlaInterval[] = [
      { clock: 'utility', start: '2025-03-03', end: calendar.addWorkingDays('2025-03-03', 23) },
    ];
    // when
    const result = evaluateConnectionSla('03', intervals, calendar);
    // then
    expect(result).toMatchObject({ countedWd: 23, limitWd: 22, remainingWd: -1, onTime: false, status: 'breached' });
  });

  it.each([
    ['01', 3, 2, 5, true],
    ['01', 3, 3, 6, false],
    ['02', 6, 10, 6, true],
    ['02', 7, 0, 7, false],
    ['04', 32, 40, 32, true],
    ['04', 33, 0, 33, false],
  ] as const)(
    'class %s with %i utility WD and %i customer WD counts %i WD (on time: %s)',
    (connectionClass, utility, customer, counted, onTime) => {
      // given consecutive utility then customer intervals
      const utilityEnd = calendar.addWorkingDays('2025-03-03', utility);
      const intervals: SlaInterval[] = [
        { clock: 'utility', start: '2025-03-03', end: utilityEnd },
        { clock: 'customer', start: utilityEnd, end: calendar.addWorkingDays(utilityEnd, customer) },
      ];
      // when
      const result = evaluateConnectionSla(connectionClass, intervals, calendar);
      // then: residential (01) is a whole-process limit, the others count utility time only
      expect(result).toMatchObject({ utilityWd: utility, customerWd: customer, countedWd: counted, onTime });
    },
  );

  it('counts a day once when utility steps run in parallel', () => {
    // given grid-side works alongside the survey, both on the utility clock
    const intervals: SlaInterval[] = [
      { clock: 'utility', step: 'A02', start: '2025-03-03', end: '2025-03-07' },
      { clock: 'utility', step: 'A08', start: '2025-03-05', end: '2025-03-10' },
    ];
    // when / then: 03-04 … 03-10 is 5 WD, not 4 + 3
    expect(evaluateConnectionSla('02', intervals, calendar).utilityWd).toBe(5);
  });

  it('accepts instants and reads them in Asia/Shanghai', () => {
    // given a step from Monday 09:00 to Wednesday 18:00 Shanghai time
    const intervals: SlaInterval[] = [
      { clock: 'utility', start: new Date('2025-03-03T09:00:00+08:00'), end: new Date('2025-03-05T18:00:00+08:00') },
    ];
    // when / then
    expect(evaluateConnectionSla('02', intervals, calendar).utilityWd).toBe(2);
  });

  it('rejects an interval that ends before it starts', () => {
    const intervals: SlaInterval[] = [{ clock: 'utility', step: 'A02', start: '2025-03-05', end: '2025-03-03' }];
    expect(() => evaluateConnectionSla('02', intervals, calendar)).toThrow(/interval A02 ends before it starts/);
  });
});

describe('resolveSlaTable', () => {
  const stricter: CumulativeSlaTable = {
    ...SGCC_2023_COMMITMENTS,
    id: 'PROV-2026',
    effectiveFrom: '2026-01-01',
    limits: { ...SGCC_2023_COMMITMENTS.limits, '03': { limitWd: 15, measure: 'utility' } },
  };
  const tables = [SGCC_2023_COMMITMENTS, stricter];

  it.each([
    ['2025-12-31', 'SGCC-2023'],
    ['2026-01-01', 'PROV-2026'],
    ['2026-07-01', 'PROV-2026'],
  ])('uses the table in effect on %s: %s', (onDate, id) => {
    expect(resolveSlaTable(tables, onDate).id).toBe(id);
  });

  it('skips a table past its effectiveTo', () => {
    // given the newer table withdrawn from 2026-07-01
    const withdrawn = [SGCC_2023_COMMITMENTS, { ...stricter, effectiveTo: '2026-07-01' }];
    // when / then
    expect(resolveSlaTable(withdrawn, '2026-06-30').id).toBe('PROV-2026');
    expect(resolveSlaTable(withdrawn, '2026-07-01').id).toBe('SGCC-2023');
  });

  it('throws SLA_TABLE_NOT_FOUND before the first table', () => {
    expect(() => resolveSlaTable(tables, '2022-12-31')).toThrow(/no cumulative SLA table is in effect on 2022-12-31/);
  });
});
