import { describe, expect, it } from 'vitest';
import { evaluateDecision } from '../../../server/dmn/index.js';
import { parseFixture, refusal } from './support.js';

// hit-policies.dmn: one decision per hit policy over `score`; bands >= 0, >= 50, >= 80 overlap.
const definitions = parseFixture('hit-policies.dmn');
const evaluate = (decision: string, score: number) => evaluateDecision(definitions, decision, { score });

describe('hit policies', () => {
  it('UNIQUE gives the one matching rule', () => {
    // when a score falls in one band only
    const evaluation = evaluate('unique', 60);
    // then that rule is the result
    expect(evaluation.hitPolicy).toBe('UNIQUE');
    expect(evaluation.matchedRules).toEqual([{ ruleId: 'unique_r2', index: 2, outputs: { result: 'middle' } }]);
    expect(evaluation.outputs).toEqual([{ result: 'middle' }]);
    expect(evaluation.result).toBe('middle');
  });

  it('UNIQUE with several matching rules is an evaluation error naming them', () => {
    // given a score where rules 2 and 3 overlap
    const error = refusal(() => evaluate('unique', 75));
    // then the error names the decision, the policy and both rules
    expect(error.code).toBe('DMN_EVALUATION_FAILED');
    expect(error.message).toContain("decision 'unique'");
    expect(error.message).toContain('DMN-03001 hit policy UNIQUE allows one matching rule');
    expect(error.details).toEqual([
      { element: 'unique_r2, unique_r3', reason: expect.stringContaining('2 (unique_r2), 3 (unique_r3)') },
    ]);
  });

  it('no matching rule gives an empty result and a null value', () => {
    const evaluation = evaluate('unique', 150);
    expect(evaluation.matchedRules).toEqual([]);
    expect(evaluation.outputs).toEqual([]);
    expect(evaluation.result).toBeNull();
  });

  it('FIRST gives the first matching rule in table order', () => {
    expect(evaluate('first', 90).result).toBe('high');
    expect(evaluate('first', 60).result).toBe('middle');
    expect(evaluate('first', 10).matchedRules.map((r) => r.ruleId)).toEqual(['first_r3']);
  });

  it('ANY gives the one output several rules agree on', () => {
    const evaluation = evaluate('any', 90);
    expect(evaluation.matchedRules.map((r) => r.ruleId)).toEqual(['any_r1']);
    expect(evaluation.result).toBe('pass');
  });

  it('ANY with different outputs is an evaluation error', () => {
    const error = refusal(() => evaluate('any', -20));
    expect(error.message).toContain('DMN-03002 hit policy ANY');
    expect(error.details[0]!.element).toBe('any_r3, any_r4');
  });

  it('PRIORITY gives the matching output that comes first in the output values', () => {
    // given output values "gold", "silver", "bronze" and a score every band matches
    const evaluation = evaluate('priority', 85);
    // then gold wins although its rule is last
    expect(evaluation.result).toBe('gold');
    expect(evaluation.matchedRules.map((r) => r.ruleId)).toEqual(['priority_r3']);
    expect(evaluate('priority', 55).result).toBe('silver');
  });

  it('OUTPUT ORDER lists every match in the order of the output values', () => {
    expect(evaluate('outputOrder', 85).result).toEqual(['gold', 'silver', 'bronze']);
    expect(evaluate('outputOrder', 85).outputs).toEqual([{ medal: 'gold' }, { medal: 'silver' }, { medal: 'bronze' }]);
  });

  it('RULE ORDER and COLLECT list every match in rule order', () => {
    expect(evaluate('ruleOrder', 85).result).toEqual(['bronze', 'silver', 'gold']);
    expect(evaluate('collect', 60).result).toEqual(['bronze', 'silver']);
    expect(evaluate('collect', -1).result).toEqual([]);
  });

  it.each([
    ['collectSum', 85, 60],
    ['collectSum', 55, 30],
    ['collectMin', 85, 5],
    ['collectMin', 55, 10],
    ['collectMax', 85, 20],
    ['collectCount', 85, 3],
    ['collectCount', 10, 1],
  ])('%s aggregates score %d to %d in one entry', (decision, score, expected) => {
    const evaluation = evaluate(decision, score);
    expect(evaluation.result).toBe(expected);
    expect(evaluation.outputs).toEqual([{ points: expected }]);
    // the rules behind the aggregate stay in the record
    expect(evaluation.matchedRules.length).toBeGreaterThan(0);
  });

  it('an aggregation over no match is null (no entry), a count is 0', () => {
    expect(evaluate('collectSum', -5).outputs).toEqual([]);
    expect(evaluate('collectSum', -5).result).toBeNull();
    expect(evaluate('collectMax', -5).result).toBeNull();
    expect(evaluate('collectCount', -5).outputs).toEqual([{ points: 0 }]);
  });

  it('a compound output gives a context per rule, an empty output entry null', () => {
    const evaluation = evaluate('compound', 60);
    expect(evaluation.outputs).toEqual([
      { medal: 'bronze', rank: 1 },
      { medal: 'silver', rank: null },
    ]);
    expect(evaluation.result).toEqual([
      { medal: 'bronze', rank: 1 },
      { medal: 'silver', rank: null },
    ]);
  });

  it('the evaluation is plain JSON', () => {
    const evaluation = evaluate('outputOrder', 85);
    expect(JSON.parse(JSON.stringify(evaluation))).toEqual(evaluation);
    expect(evaluation.inputs).toEqual([{ id: 'outputOrder_score', label: 'Score', value: 85 }]);
  });
});
