import { describe, expect, it } from 'vitest';
import { dueDateFor, issueByOf, type DueDateMethod } from '../../../server/processes/billing/due-date.js';

describe('dueDateFor: the contract due-date methods (DOMAIN.md §6)', () => {
  const july = { period: '2024-07', issuedOn: '2024-08-01', readOn: '2024-07-28' };

  it.each<[string, DueDateMethod, string]>([
    ['fixed date', { method: 'fixed-date', date: '2024-08-20' }, '2024-08-20'],
    ['N days after issue', { method: 'days-after-issue', days: 10 }, '2024-08-11'],
    ['end of the issue month', { method: 'end-of-issue-month' }, '2024-08-31'],
    ['reading day + N', { method: 'reading-day-plus', days: 20 }, '2024-08-17'],
    ['fixed day of the next month (worked example C)', { method: 'fixed-day', day: 15, month: 'next' }, '2024-08-15'],
    [
      'fixed day of this month, past: at least 7 days to pay',
      { method: 'fixed-day', day: 25, month: 'this' },
      '2024-08-08',
    ],
  ])('%s', (_name, method, due) => {
    expect(dueDateFor(method, july)).toBe(due);
  });

  it('keeps at least 7 days to pay when the audit releases a bill late', () => {
    const late = { period: '2024-07', issuedOn: '2024-08-12' };
    expect(dueDateFor({ method: 'fixed-day', day: 15, month: 'next' }, late)).toBe('2024-08-19');
  });

  it('takes the month’s last day when the fixed day does not exist', () => {
    const feb = { period: '2024-01', issuedOn: '2024-02-01' };
    expect(dueDateFor({ method: 'fixed-day', day: 31, month: 'next' }, feb)).toBe('2024-02-29');
  });

  it('reads the reading day as the period’s last day when it is not known', () => {
    expect(dueDateFor({ method: 'reading-day-plus', days: 15 }, { period: '2024-07', issuedOn: '2024-08-01' })).toBe(
      '2024-08-15',
    );
  });
});

describe("issueByOf: the deadline of a period's billing and audits", () => {
  it.each([
    ['2024-07', '2024-08-08T15:59:59.999Z'],
    // across a year end
    ['2024-12', '2025-01-08T15:59:59.999Z'],
  ])('%s bills are issued by the end of the 8th of the next month (Asia/Shanghai)', (period, issueBy) => {
    expect(issueByOf(period).toISOString()).toBe(issueBy);
  });

  it('leaves exactly 7 days to pay before the contract due date', () => {
    const issuedOn = '2024-08-08';
    expect(dueDateFor({ method: 'fixed-day', day: 15, month: 'next' }, { period: '2024-07', issuedOn })).toBe(
      '2024-08-15',
    );
  });
});
