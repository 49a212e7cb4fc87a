import { describe, expect, it } from 'vitest';
import { type SuspensionPeriod, suspensionLimitProblems } from '../../../../server/domain/changes/index.js';

const codes = (others: SuspensionPeriod[], applied: SuspensionPeriod) =>
  suspensionLimitProblems('1996', others, applied).map((p) => p.code);

describe('suspensionLimitProblems (DOMAIN.md §9, 1996 rules)', () => {
  it('accepts anything under the current rules', () => {
    // given a third, 3-day suspension in a year already suspended 200 days
    const others = [
      { from: '2024-01-01', to: '2024-04-30' },
      { from: '2024-05-10', to: '2024-07-28' },
    ];
    expect(suspensionLimitProblems('current', others, { from: '2024-09-01', to: '2024-09-03' })).toEqual([]);
  });

  it.each<[string, SuspensionPeriod[], SuspensionPeriod, string[]]>([
    ['a first suspension of 15 days', [], { from: '2024-03-01', to: '2024-03-15' }, []],
    ['a suspension of 14 days', [], { from: '2024-03-01', to: '2024-03-14' }, ['SUSPENSION_TOO_SHORT']],
    [
      'a second suspension in the year',
      [{ from: '2024-01-10', to: '2024-02-10' }],
      { from: '2024-06-01', to: '2024-06-30' },
      [],
    ],
    [
      'a third suspension in the year',
      [
        { from: '2024-01-10', to: '2024-02-10' },
        { from: '2024-04-01', to: '2024-04-30' },
      ],
      { from: '2024-06-01', to: '2024-06-30' },
      ['SUSPENSION_TOO_OFTEN'],
    ],
    [
      'a third suspension when the first two were last year',
      [
        { from: '2023-01-10', to: '2023-02-10' },
        { from: '2023-04-01', to: '2023-04-30' },
      ],
      { from: '2024-06-01', to: '2024-06-30' },
      [],
    ],
    // 2024-01-01..06-30 is 182 days: six calendar months fit
    ['January to June in one', [], { from: '2024-01-01', to: '2024-06-30' }, []],
    // July to December is 184 days
    ['July to December in one', [], { from: '2024-07-01', to: '2024-12-31' }, ['SUSPENSION_TOO_LONG']],
    // 120 + 64 = 184 days in 2024
    [
      'two that add up to more than 183 days',
      [{ from: '2024-01-01', to: '2024-04-29' }],
      { from: '2024-09-01', to: '2024-11-03' },
      ['SUSPENSION_TOO_LONG'],
    ],
    // 2024-12-01..2025-01-31: 31 days in each year; 2025: 122 (March–June) + 31 = 153
    ['one across a year end', [{ from: '2025-03-01', to: '2025-06-30' }], { from: '2024-12-01', to: '2025-01-31' }, []],
    // 2025: 154 (03-01..08-01) + 31 = 185
    [
      'one across a year end that overruns the next year',
      [{ from: '2025-03-01', to: '2025-08-01' }],
      { from: '2024-12-01', to: '2025-01-31' },
      ['SUSPENSION_TOO_LONG'],
    ],
  ])('judges %s', (_case, others, applied, expected) => {
    expect(codes(others, applied)).toEqual(expected);
  });

  it('names every limit a suspension breaks', () => {
    const others = [
      { from: '2024-01-01', to: '2024-03-31' },
      { from: '2024-04-01', to: '2024-06-30' },
    ];
    // 91 + 91 + 10 days in 2024
    expect(suspensionLimitProblems('1996', others, { from: '2024-08-01', to: '2024-08-10' })).toEqual([
      { code: 'SUSPENSION_TOO_OFTEN', message: 'already 2 suspension(s) in 2024; at most 2 a calendar year' },
      { code: 'SUSPENSION_TOO_SHORT', message: '10 days; a suspension lasts at least 15 days' },
      { code: 'SUSPENSION_TOO_LONG', message: '192 days suspended in 2024; at most 183 (6 months) a calendar year' },
    ]);
  });
});
