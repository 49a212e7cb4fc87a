import { describe, expect, it } from 'vitest';
import { chinaWorkingCalendar } from '../../../../server/domain/calendar/index.js';
import {
  type ConnectionClass,
  type PerStepCode,
  isSchemeExpired,
  perStepLimitWd,
  schemeLastValidDate,
  stepDeadline,
  stepDeadlineAt,
} from '../../../../server/domain/sla/index.js';

const calendar = chinaWorkingCalendar();

describe('perStepLimitWd (older per-step table)', () => {
  it.each([
    // step, residential / other LV / HV single / HV dual — DOMAIN.md §2
    ['A05', [3, 8, 20, 45]],
    ['A09', [null, 8, 20, 20]],
    ['A10', [null, 8, 20, 20]],
    ['A11', [null, 3, 5, 5]],
    ['A14', [null, 5, 7, 7]],
    ['A17', [3, 5, 7, 7]],
    ['A18', [3, 5, 7, 7]],
  ] as const)('limits %s to %j WD for classes 01–04', (step, limits) => {
    const classes: ConnectionClass[] = ['01', '02', '03', '04'];
    expect(classes.map((c) => perStepLimitWd(step, c))).toEqual(limits);
  });

  it('rejects a step the table does not limit', () => {
    expect(() => perStepLimitWd('A02' as PerStepCode, '03')).toThrow(/step A02 has no per-step limit/);
  });
});

describe('stepDeadline', () => {
  it.each([
    ['A05', '03', '2025-03-03', '2025-03-31', 'HV single scheme reply: 20 WD'],
    ['A05', '01', '2025-09-29', '2025-10-10', 'residential scheme reply across National Day: 3 WD'],
    ['A17', '02', '2025-01-24', '2025-02-07', 'LV installation across the Spring Festival: 5 WD'],
    ['A11', '04', '2026-04-30', '2026-05-11', 'HV dual mid-term inspection across Labour Day: 5 WD'],
  ] as const)('%s for class %s started %s is due %s (%s)', (step, connectionClass, start, expected, _why) => {
    // given the seeded calendar / when / then
    expect(stepDeadline(step, connectionClass, start, calendar)).toBe(expected);
  });

  it('is null where the table has no limit for the class', () => {
    // given a residential job, which has no design review
    // when / then
    expect(stepDeadline('A09', '01', '2025-03-03', calendar)).toBeNull();
    expect(stepDeadlineAt('A09', '01', new Date('2025-03-03T09:00:00+08:00'), calendar)).toBeNull();
  });

  it('gives an instant start the end of the deadline day in Shanghai', () => {
    // given a residential scheme reply started Friday 2025-03-07 at 17:30 Shanghai time
    const startedAt = new Date('2025-03-07T17:30:00+08:00');
    // when
    const deadline = stepDeadlineAt('A05', '01', startedAt, calendar);
    // then: 3 WD after Friday is Wednesday 2025-03-12, 23:59:59.999+08:00
    expect(deadline?.toISOString()).toBe('2025-03-12T15:59:59.999Z');
  });
});

describe('isSchemeExpired', () => {
  it.each([
    ['2025-03-10', '02', '2025-06-10', false, 'LV on the last valid day'],
    ['2025-03-10', '02', '2025-06-11', true, 'LV the day after 3 months'],
    ['2025-03-10', '03', '2026-03-10', false, 'HV on the last valid day'],
    ['2025-03-10', '04', '2026-03-11', true, 'HV the day after a year'],
    ['2024-11-30', '01', '2025-02-28', false, 'LV issued at a month end, valid to February’s last day'],
    ['2024-11-30', '01', '2025-03-01', true, 'LV issued at a month end, expired in March'],
    ['2024-02-29', '03', '2025-03-01', true, 'HV issued on a leap day'],
  ] as const)(
    'a scheme issued %s for class %s is expired on %s: %s (%s)',
    (issued, connectionClass, onDate, expired, _why) => {
      expect(isSchemeExpired(issued, connectionClass, onDate)).toBe(expired);
    },
  );

  it('reports the last valid day', () => {
    expect(schemeLastValidDate('2024-02-29', '03')).toBe('2025-02-28');
    expect(schemeLastValidDate('2025-03-10', '02', { lowVoltageMonths: 6, highVoltageMonths: 12 })).toBe('2025-09-10');
  });
});
