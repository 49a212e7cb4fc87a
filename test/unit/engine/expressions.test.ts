import { describe, expect, it } from 'vitest';
import {
  ExpressionError,
  resolveTemplate,
  rootIdentifiers,
  validateTemplate,
  type Scope,
} from '../../../server/engine/expressions.js';

const variables: Record<string, unknown> = {
  approved: true,
  amount: 1500,
  region: 'ZJ',
  name: 'Li',
  items: ['a', 'b', 'c'],
  customer: { category: '202', address: { city: 'Hangzhou' } },
  zero: 0,
  empty: '',
  text: '100',
};
const scope: Scope = (name) => (name === 'environment' ? { variables } : variables[name]);

describe('the safe expression language', () => {
  it.each([
    ['${approved}', true],
    ['${environment.variables.approved}', true],
    ["${amount > 1000 && region == 'ZJ'}", true],
    ["${amount gt 1000 and region eq 'JS'}", false],
    ['${!approved || amount >= 1500}', true],
    ['${not approved}', false],
    ['${amount * 2 + 1}', 3001],
    ['${(amount - 500) / 100}', 10],
    ['${amount % 7}', 2],
    ['${-amount}', -1500],
    ["${customer.category == '202'}", true],
    ["${customer['address'].city}", 'Hangzhou'],
    ['${items[1]}', 'b'],
    ['${items[-1]}', 'c'],
    ['${items.length}', 3],
    ['${empty empty}', undefined],
    ['${empty items}', false],
    ['${empty missing}', true],
    ["${approved ? 'yes' : 'no'}", 'yes'],
    ['${text == 100}', true],
    // JavaScript-like loose equality between numbers and booleans (JUEL would refuse the coercion).
    ['${zero == false}', true],
    ['${missing == null}', true],
    ['${missing.deeper}', undefined],
    ['Dear ${name}, you owe ${amount}', 'Dear Li, you owe 1500'],
    ['PT1H', 'PT1H'],
    ['${1e3 == 1000}', true],
  ])('%s → %j', (template, expected) => {
    if (template === '${empty empty}') {
      expect(() => resolveTemplate(template, scope)).toThrow(ExpressionError);
      return;
    }
    expect(resolveTemplate(template, scope)).toEqual(expected);
  });

  it.each([
    ['${constructor}'],
    ['${customer.constructor}'],
    ['${customer.__proto__}'],
    ["${customer['constructor']['constructor']}"],
    ['${items.map}'],
    ['${name.toString}'],
  ])('reaches no prototype or function: %s', (template) => {
    expect(resolveTemplate(template, scope)).toBeUndefined();
  });

  it.each([
    ['${process.exit(1)}', 'function calls are not allowed'],
    ["${require('fs')}", 'function calls are not allowed'],
    ['${amount = 5}', "unexpected character '='"],
    ['${amount >}', 'unexpected end'],
    ["${'unterminated}", 'unterminated string'],
    ['${a ? b}', "expected ':'"],
    ['${amount', 'unterminated'],
  ])('refuses %s', (template, message) => {
    expect(() => validateTemplate(template)).toThrow(message);
  });

  it('names the roots an expression reads, for deploy-time checks', () => {
    expect(rootIdentifiers("amount > limit && customer.region == 'ZJ'").sort()).toEqual([
      'amount',
      'customer',
      'limit',
    ]);
  });
});
