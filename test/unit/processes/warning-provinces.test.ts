import { describe, expect, it } from 'vitest';
import { provinceState } from '../../../server/processes/risk/warning-provinces.contract.js';

const deadline = '2024-09-14T15:59:59.999Z';
const before = Date.parse(deadline) - 1;
const after = Date.parse(deadline) + 1;

describe('provinceState: where a province stands on a group’s warning', () => {
  it.each([
    ['no row yet, before the deadline', null, null, before, 'open'],
    ['no row yet, past the deadline', null, null, after, 'overdue'],
    ['marked overdue, not yet escalated', 'open', true, after, 'overdue'],
    ['escalated for the missed deadline', 'escalated', true, after, 'escalated'],
    ['escalated by HQ’s review before the deadline', 'escalated', false, before, 'escalated'],
    ['reported in time', 'reported', false, before, 'answered'],
    ['reported late, after the escalation', 'reported', true, after, 'answered'],
    ['accepted by HQ', 'accepted', false, after, 'answered'],
  ] as const)('%s → %s', (_case, status, overdue, now, expected) => {
    expect(provinceState({ status, overdue }, deadline, now)).toBe(expected);
  });

  it('is open for ever when the warning has no deadline', () => {
    expect(provinceState({ status: null, overdue: null }, null, after)).toBe('open');
  });
});
