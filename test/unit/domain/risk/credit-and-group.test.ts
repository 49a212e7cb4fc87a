import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, sum } from '../../../../server/domain/decimal.js';
import {
  type GroupMember,
  creditGrade,
  creditGradeFromPoints,
  requiresPrepaymentAgreement,
  rollUpGroupArrears,
} from '../../../../server/domain/risk/index.js';

describe('creditGradeFromPoints', () => {
  it.each([
    ['100', 'A'],
    ['90', 'A'],
    ['89.99', 'B'],
    ['70', 'B'],
    ['69.5', 'C'],
    ['0', 'C'],
  ])('grades %s points as %s', (points, grade) => {
    expect(creditGradeFromPoints(points)).toBe(grade);
  });
});

describe('creditGrade', () => {
  it('starts a new customer at B', () => {
    expect(creditGrade({ points: null, onDate: '2025-06-01' })).toBe('B');
  });

  it.each([
    ['2025-03-15', 'C', 'the day arrears reached 3 months'],
    ['2026-03-15', 'C', 'the last day of the year at C'],
    ['2026-03-16', 'A', 'the day after, back to the points'],
    ['2025-03-14', 'A', 'before the arrears aged'],
  ])('on %s grades a 95-point customer whose arrears aged 3 months on 2025-03-15 as %s (%s)', (onDate, grade) => {
    expect(creditGrade({ points: '95', arrearsAgedThreeMonthsOn: '2025-03-15', onDate })).toBe(grade);
  });

  it('asks C-grade customers with arrears for a prepayment agreement', () => {
    expect(requiresPrepaymentAgreement('C', '0.01')).toBe(true);
    expect(requiresPrepaymentAgreement('C', '0')).toBe(false);
    expect(requiresPrepaymentAgreement('B', '5000')).toBe(false);
  });
});

describe('rollUpGroupArrears', () => {
  const member = (customerId: string, parentId: string | null, currentYear: string, priorYears = '0'): GroupMember => ({
    customerId,
    parentId,
    arrears: { currentYear, priorYears },
  });

  it('rolls arrears up to each ancestor and names the top parent', () => {
    // given a parent with two provincial subsidiaries, one of which has a plant
    const group = [
      member('P', null, '100'),
      member('C1', 'P', '200'),
      member('C2', 'P', '300'),
      member('G', 'C1', '400', '50.25'),
    ];
    // when
    const rows = rollUpGroupArrears(group);
    // then
    expect(rows.map((r) => [r.customerId, r.rootId, r.depth, r.subtree.total])).toEqual([
      ['P', 'P', 0, '1050.25'],
      ['C1', 'P', 1, '650.25'],
      ['C2', 'P', 1, '300.00'],
      ['G', 'P', 2, '450.25'],
    ]);
    expect(rows[0]).toMatchObject({
      own: { currentYear: '100.00', priorYears: '0.00', total: '100.00' },
      subtree: { currentYear: '1000.00', priorYears: '50.25', total: '1050.25' },
    });
  });

  it.each([
    ['a duplicate customer', [member('P', null, '1'), member('P', null, '2')], /listed twice/],
    ['an unknown parent', [member('C', 'X', '1')], /names parent X, which is not in the group/],
    ['a cycle', [member('A', 'B', '1'), member('B', 'A', '1')], /cycle/],
  ])('rejects %s', (_what, group, message) => {
    expect(() => rollUpGroupArrears(group)).toThrow(message);
  });

  it('gives each top parent the sum of its whole group', () => {
    // given random forests: member i's parent is any earlier member or none
    const forest = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 10_000_000 })), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(forest, (spec) => {
        const group = spec.map(([p, cents], i) =>
          member(`c${i}`, i === 0 || p % 3 === 0 ? null : `c${p % i}`, dec(cents).dividedBy(100).toFixed(2)),
        );
        // when
        const rows = rollUpGroupArrears(group);
        // then: the roots' subtree totals add up to every member's own arrears
        const roots = rows.filter((r) => r.depth === 0).map((r) => r.subtree.total);
        expect(sum(roots).toFixed(2)).toBe(sum(rows.map((r) => r.own.total)).toFixed(2));
      }),
    );
  });
});
