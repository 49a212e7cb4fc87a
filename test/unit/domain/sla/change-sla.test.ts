import { describe, expect, it } from 'vitest';
import { changeSlaTable, SGCC_CHANGE_TABLE, type ChangeSlaTable } from '../../../../server/domain/sla/index.js';
import { deadlineSpecProblem, resolveDeadline } from '../../../../server/lib/deadlines.js';

/** An instant of a day in Asia/Shanghai. */
const at = (date: string, hour = 9) => new Date(Date.parse(`${date}T00:00:00Z`) + (hour - 8) * 3_600_000);

describe('change-of-service step limits (DOMAIN.md §9)', () => {
  it('asks for 5 working days of notice by default', () => {
    expect(changeSlaTable('2024-07-01').leadWd).toBe(5);
  });

  it('takes the table in effect on the day, so a new version changes the limits from its first day', () => {
    // given a table from 2025 that gives the site work 2 WD
    const tables: ChangeSlaTable[] = [
      { ...SGCC_CHANGE_TABLE, effectiveTo: '2025-01-01' },
      {
        ...SGCC_CHANGE_TABLE,
        id: 'NEW',
        effectiveFrom: '2025-01-01',
        limits: { ...SGCC_CHANGE_TABLE.limits, 'change-site': 2 },
      },
    ];
    // then
    expect(changeSlaTable('2024-12-31', tables).limits['change-site']).toBe(3);
    expect(changeSlaTable('2025-01-01', tables).limits['change-site']).toBe(2);
  });

  it('resolves sla:change-* deadlines in working days without a connection class', () => {
    // site work started Friday 5 July 2024: 3 WD → Wednesday 10 July, end of day in Shanghai
    expect(resolveDeadline('sla:change-site', at('2024-07-05'), {})?.toISOString()).toBe('2024-07-10T15:59:59.999Z');
    // acceptance started Monday 30 September 2024: 1 WD, across the National Day holiday → Tuesday 8 October
    expect(resolveDeadline('sla:change-accept', at('2024-09-30'), {})?.toISOString()).toBe('2024-10-08T15:59:59.999Z');
  });

  it('accepts the change steps at deploy and still refuses an unknown step', () => {
    expect(deadlineSpecProblem('sla:change-archive')).toBeNull();
    expect(deadlineSpecProblem('sla:change-lunch')).toContain('change-accept');
  });
});
