import { describe, expect, it } from 'vitest';
import { evaluateDecision, mapDecisionResult } from '../../../server/dmn/index.js';
import { parseFixture, refusal } from './support.js';

// hit-policies.dmn: `first` has one output, `compound` two (medal, rank), `collect` lists matches.
const definitions = parseFixture('hit-policies.dmn');
const evaluate = (decision: string, score: number) => evaluateDecision(definitions, decision, { score });

describe('mapDecisionResult (camunda:mapDecisionResult)', () => {
  it('singleEntry gives the one value of the one entry, null when no rule matched', () => {
    expect(mapDecisionResult(evaluate('first', 90), 'singleEntry')).toBe('high');
    expect(mapDecisionResult(evaluate('unique', 500), 'singleEntry')).toBeNull();
  });

  it('singleEntry with two outputs fails as Camunda does (ENGINE-22001, DMN-01010)', () => {
    // given one rule with two output entries
    const error = refusal(() => mapDecisionResult(evaluate('compound', 10), 'singleEntry'));
    expect(error.code).toBe('DMN_RESULT_MAPPING_FAILED');
    expect(error.message).toBe(
      "ENGINE-22001 The decision result mapper 'SingleEntryDecisionResultMapper{}' failed to process '[{medal=bronze, rank=1}]': " +
        "DMN-01010 Unable to get single decision result entry as it has more than one entry '{medal=bronze, rank=1}'",
    );
    expect(error.details).toEqual([
      {
        element: 'compound',
        reason:
          "DMN-01010 Unable to get single decision result entry as it has more than one entry '{medal=bronze, rank=1}'",
      },
    ]);
  });

  it('singleEntry with two matched rules fails as Camunda does (DMN-01011)', () => {
    const error = refusal(() => mapDecisionResult(evaluate('collect', 60), 'singleEntry'));
    expect(error.message).toContain(
      "DMN-01011 Unable to get single decision result as it has more than one result '[{medal=bronze}, {medal=silver}]'",
    );
  });

  it('singleResult gives the one entry, null when none, and fails on two', () => {
    expect(mapDecisionResult(evaluate('compound', 10), 'singleResult')).toEqual({ medal: 'bronze', rank: 1 });
    expect(mapDecisionResult(evaluate('compound', -1), 'singleResult')).toBeNull();
    const error = refusal(() => mapDecisionResult(evaluate('compound', 60), 'singleResult'));
    expect(error.message).toMatch(
      /^ENGINE-22001 The decision result mapper 'SingleResultDecisionResultMapper\{\}' failed to process .*DMN-01011/,
    );
  });

  it('collectEntries gives the values of the one output across entries', () => {
    expect(mapDecisionResult(evaluate('collect', 85), 'collectEntries')).toEqual(['bronze', 'silver', 'gold']);
    expect(mapDecisionResult(evaluate('collect', -1), 'collectEntries')).toEqual([]);
    expect(mapDecisionResult(evaluate('first', 90), 'collectEntries')).toEqual(['high']);
  });

  it('collectEntries over two output names fails as Camunda does (ENGINE-22002)', () => {
    const error = refusal(() => mapDecisionResult(evaluate('compound', 10), 'collectEntries'));
    expect(error.message).toBe(
      "ENGINE-22002 The decision result mapper 'CollectEntriesDecisionResultMapper{}' failed to process '[{medal=bronze, rank=1}]'. " +
        "The decision outputs should only contains values for one output name but found '[medal, rank]'.",
    );
  });

  it('resultList gives every entry', () => {
    expect(mapDecisionResult(evaluate('compound', 60), 'resultList')).toEqual([
      { medal: 'bronze', rank: 1 },
      { medal: 'silver', rank: null },
    ]);
    expect(mapDecisionResult(evaluate('compound', -1), 'resultList')).toEqual([]);
  });

  it('an aggregation maps as its single entry', () => {
    expect(mapDecisionResult(evaluate('collectSum', 85), 'singleEntry')).toBe(60);
  });
});
