import { describe, expect, it } from 'vitest';
import { evaluateDecision, parseDmn } from '../../../server/dmn/index.js';
import { oneColumnTable, refusal } from './support.js';

/** The value a table whose one rule outputs `output` (typed `outputType`) gives. */
const output = (outputType: string, text: string, variables: Record<string, unknown> = {}) =>
  evaluateDecision(parseDmn(oneColumnTable({ outputType, rules: [['-', text]] })), 'd', variables).result;

/** The value of input `x` typed `inputType`, as the evaluation records it. */
const input = (inputType: string, value: unknown) =>
  evaluateDecision(parseDmn(oneColumnTable({ inputType, rules: [['-', '1']] })), 'd', { x: value }).inputs[0]!.value;

describe('typeRef on outputs', () => {
  it.each([
    ['string', '"text"', 'text'],
    ['string', '12', '12'],
    ['number', '1.5', 1.5],
    ['double', '"2.5"', 2.5],
    ['integer', '7', 7],
    ['long', '9007199254740991', 9007199254740991],
    ['boolean', 'true', true],
    ['boolean', '"false"', false],
    ['date', 'date("2025-07-01")', '2025-07-01'],
    ['date', '"2025-07-01"', '2025-07-01'],
    ['dateTime', 'date and time("2025-07-01T10:30:00+08:00")', '2025-07-01T10:30:00+08:00'],
    ['date and time', '"2025-07-01T10:30:00Z"', '2025-07-01T10:30:00Z'],
    ['time', 'time("10:30:00")', '10:30:00'],
    ['days and time duration', 'duration("P2DT3H")', 'P2DT3H'],
    ['tUnknownType', '{a: 1}', { a: 1 }],
    ['integer', 'null', null],
  ])('%s takes %s as %j', (type, text, expected) => {
    expect(output(type, text)).toEqual(expected);
  });

  it.each([
    ['integer', '1.5'],
    ['integer', '"many"'],
    ['integer', '3000000000'],
    ['number', '"twelve"'],
    ['boolean', '"yes"'],
    ['date', '"1 July"'],
    ['time', '"noon"'],
    ['string', '[1, 2]'],
  ])('%s refuses %s, naming the rule and output', (type, text) => {
    const error = refusal(() => output(type, text));
    expect(error.code).toBe('DMN_EVALUATION_FAILED');
    expect(error.message).toContain("rule 1 (r1), output 'out'");
    expect(error.message).toContain(`for type '`);
    expect(error.details[0]!.element).toBe('r1');
  });

  it('a singleton list stands for its element', () => {
    expect(output('string', '["only"]')).toBe('only');
  });
});

describe('typeRef on inputs', () => {
  it.each([
    ['number', '42', 42],
    ['integer', 42, 42],
    ['boolean', 'TRUE', true],
    ['string', 5, '5'],
    ['date', '2025-07-01', '2025-07-01'],
    ['date', '2025-07-01T08:00:00Z', '2025-07-01T08:00:00Z'],
    ['time', '08:15', '08:15:00'],
    ['number', null, null],
  ])('%s takes %j as %j', (type, value, expected) => {
    expect(input(type, value)).toEqual(expected);
  });

  it('an input that does not fit its type is an evaluation error naming the input', () => {
    const error = refusal(() => input('number', 'a lot'));
    expect(error.message).toContain("input 'In'");
    expect(error.details[0]!.element).toBe('in');
  });

  it('item definitions resolve to their base type', () => {
    const xml = oneColumnTable({ outputType: 'tAmount', rules: [['-', '"12.5"']] }).replace(
      '<decision ',
      '<itemDefinition name="tAmount"><typeRef>number</typeRef></itemDefinition>\n  <decision ',
    );
    expect(evaluateDecision(parseDmn(xml), 'd', {}).result).toBe(12.5);
  });
});
