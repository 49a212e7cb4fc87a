import { describe, expect, it } from 'vitest';
import { deadlineSpecProblem, resolveDeadline } from '../../../server/lib/deadlines.js';
import { TestClock } from '../../../server/lib/clock.js';

// Monday 2025-03-03, 09:00 in Asia/Shanghai.
const monday = new Date('2025-03-03T01:00:00Z');

describe('deadlines: wd:<N> and sla:<step>', () => {
  it('wd:N ends with the Nth working day after the start day (Asia/Shanghai)', () => {
    expect(resolveDeadline('wd:3', monday, {})?.toISOString()).toBe('2025-03-06T15:59:59.999Z');
    expect(resolveDeadline('wd:0', monday, {})?.toISOString()).toBe('2025-03-03T15:59:59.999Z');
  });

  it('skips holidays and counts adjusted working weekends (2025 Labour Day, 调休 Sunday 27 April)', () => {
    // Friday 2025-04-25: Sat 26 off, Sun 27 worked, Mon 28, Tue 29, Wed 30, 1–5 May off, Tue 6 May.
    const friday = new Date('2025-04-25T02:00:00Z');
    expect(resolveDeadline('wd:4', friday, {})?.toISOString()).toBe('2025-04-30T15:59:59.999Z');
    expect(resolveDeadline('wd:5', friday, {})?.toISOString()).toBe('2025-05-06T15:59:59.999Z');
  });

  it('sla:<step> takes the limit of the per-step table for the acceptClass', () => {
    // Scheme reply: 3 / 8 / 20 / 45 WD (DOMAIN.md §2).
    expect(resolveDeadline('sla:A05', monday, { acceptClass: '01' })?.toISOString()).toBe('2025-03-06T15:59:59.999Z');
    expect(resolveDeadline('sla:scheme-reply', monday, { acceptClass: '03' })?.toISOString()).toBe(
      '2025-03-31T15:59:59.999Z',
    );
    expect(resolveDeadline('sla:total', monday, { acceptClass: '02' })?.toISOString()).toBe('2025-03-11T15:59:59.999Z');
  });

  it('has no deadline where the table has none (design review for a residential job)', () => {
    expect(resolveDeadline('sla:A09', monday, { acceptClass: '01' })).toBeNull();
  });

  it('refuses an sla: deadline without a connection class', () => {
    expect(() => resolveDeadline('sla:A05', monday, {})).toThrow(/acceptClass/);
  });

  it('still reads ISO durations and dates', () => {
    expect(resolveDeadline('P2D', monday, {})?.toISOString()).toBe('2025-03-05T01:00:00.000Z');
    expect(resolveDeadline('2025-04-01T00:00:00Z', monday, {})?.toISOString()).toBe('2025-04-01T00:00:00.000Z');
  });

  it.each(['wd:', 'wd:x', 'wd:-1', 'wd:1000', 'sla:A99', 'sla:', 'WD:3x'])('names the problem in "%s"', (text) => {
    expect(deadlineSpecProblem(text)).toMatch(/.+/);
  });

  it.each(['wd:5', 'sla:A17', 'sla:design-review', 'sla:total', 'P3D', '${due}'])('accepts "%s"', (text) => {
    expect(deadlineSpecProblem(text)).toBeNull();
  });
});

describe('TestClock', () => {
  it('stands still, jumps and advances by ISO durations', () => {
    const clock = new TestClock('2025-03-03T01:00:00Z');
    expect(clock.now()).toBe(monday.getTime());
    clock.advance('P1DT2H');
    expect(new Date(clock.now()).toISOString()).toBe('2025-03-04T03:00:00.000Z');
    clock.set('2025-01-01T00:00:00Z').advance(1000);
    expect(new Date(clock.now()).toISOString()).toBe('2025-01-01T00:00:01.000Z');
    expect(() => clock.advance('3 days')).toThrow();
  });
});
