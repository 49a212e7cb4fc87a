import { date } from '@bpmn-io/feelin';
import { describe, expect, it } from 'vitest';
import { evaluateDecision, parseDmn } from '../../../server/dmn/index.js';
import { oneColumnTable } from './support.js';

/** Whether a one-rule table with `entry` as its input entry matches `value` (given `variables`). */
function matches(entry: string, value: unknown, variables: Record<string, unknown> = {}, inputType?: string) {
  const definitions = parseDmn(oneColumnTable({ inputType, rules: [[entry, '"hit"']] }));
  return evaluateDecision(definitions, 'd', { ...variables, x: value }).result === 'hit';
}

describe('input entries (FEEL unary tests)', () => {
  it.each([
    // wildcards
    ['-', 5, true],
    ['', null, true],
    // comparisons
    ['>= 18', 18, true],
    ['>= 18', 17.5, false],
    ['< 18', 17, true],
    ['> -5', -4, true],
    ['<= 0.5', 0.5, true],
    ['= 3', 3, true],
    ['!= 3', 3, false],
    ['!= 3', 4, true],
    // ranges, open and closed, both notations
    ['[1..10]', 1, true],
    ['[1..10]', 10, true],
    ['(1..10)', 1, false],
    [']1..10[', 10, false],
    ['[1..10)', 10, false],
    ['[1..10)', 9.99, true],
    // literals and lists
    ['"Fall"', 'Fall', true],
    ['"Fall"', 'fall', false],
    ['"Fall", "Winter"', 'Winter', true],
    ['1, 2, 3', 4, false],
    ['true', true, true],
    ['false', true, false],
    ['null', null, true],
    ['5', null, false],
    ['>= 18, < 0', -1, true],
    // negation
    ['not("Summer")', 'Fall', true],
    ['not("Summer")', 'Summer', false],
    ['not([1..5], 9)', 9, false],
    ['not([1..5], 9)', 7, true],
    // strings compare as text, not as numbers (FEEL does not coerce)
    ['>= 18', '20', false],
    ['"5"', 5, false],
    ['not("5")', 5, false],
    // a null input matches no comparison
    ['< 10', null, false],
    ['not(< 10)', null, false],
  ])('%j against %j is %s', (entry, value, expected) => {
    expect(matches(entry, value)).toBe(expected);
  });

  it.each([
    ['< date("2025-01-01")', '2024-12-31', true],
    ['< date("2025-01-01")', '2025-01-01', false],
    ['[date("2025-01-01")..date("2025-12-31")]', '2025-07-01', true],
    ['date("2025-07-01")', '2025-07-01', true],
    ['> @"2025-01-01"', '2025-02-01', true],
  ])('dates: %j against %j is %s', (entry, value, expected) => {
    // given a date input given as ISO text, as a JSON process variable carries it
    expect(matches(entry, value, {}, 'date')).toBe(expected);
  });

  it.each([
    ['>= minimum', { minimum: 18 }, 20, true],
    ['>= minimum', { minimum: 18 }, 10, false],
    ['[low..high]', { low: 1, high: 3 }, 2, true],
    ['limits.max', { limits: { max: 7 } }, 7, true],
    ['< limits.max', { limits: { max: 7 } }, 8, false],
    ['< missing', {}, 1, false],
  ])('names: %j with %j against %j is %s', (entry, variables, value, expected) => {
    expect(matches(entry, value, variables)).toBe(expected);
  });

  it('a boolean name tests by its value when the input is not a boolean (DMN 1.3)', () => {
    expect(matches('flag', 'anything', { flag: true })).toBe(true);
    expect(matches('flag', false, { flag: true })).toBe(false);
    expect(matches('not(flag)', false, { flag: true })).toBe(true);
  });

  it('forms the native tests do not cover go to feelin', () => {
    // expressions over ?, function calls, lists as input
    expect(matches('? > 5', 7)).toBe(true);
    expect(matches('count(?) > 1', [1, 2])).toBe(true);
    expect(matches('string length(?) = 3', 'abc')).toBe(true);
    expect(matches('"b"', ['a', 'b'])).toBe(false);
    expect(matches('allowed', 'b', { allowed: ['a', 'b'] })).toBe(true);
  });

  it('inputValues are documentation: a value outside them still evaluates', () => {
    const xml = oneColumnTable({ rules: [['-', '"any"']] }).replace(
      '<inputExpression>',
      '<inputValues><text>"a","b"</text></inputValues><inputExpression>',
    );
    expect(evaluateDecision(parseDmn(xml), 'd', { x: 'z' }).result).toBe('any');
  });

  it('a feelin date value is taken as it is', () => {
    expect(matches('< date("2025-01-01")', date('2024-06-01'), {}, 'date')).toBe(true);
  });
});

describe('input expressions', () => {
  const evaluateWith = (expression: string, variables: Record<string, unknown>) =>
    evaluateDecision(parseDmn(oneColumnTable({ expression, rules: [['-', '"x"']] })), 'd', variables).inputs[0]!.value;

  it.each([
    ['amount', { amount: 12 }, 12],
    ['customer.category', { customer: { category: 'VIP' } }, 'VIP'],
    ['customer.category', { customer: null }, null],
    ['missing', {}, null],
    ['amount * 2', { amount: 12 }, 24],
    ['${amount}', { amount: 3 }, 3],
    ['${customer.category}', { customer: { category: 'A' } }, 'A'],
    ['count(items)', { items: [1, 2, 3] }, 3],
    ['items.price', { items: [{ price: 1 }, { price: 2 }] }, [1, 2]],
  ])('%s over %j is %j', (expression, variables, expected) => {
    expect(evaluateWith(expression, variables)).toEqual(expected);
  });
});
