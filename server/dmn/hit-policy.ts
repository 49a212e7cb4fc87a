import { DecisionEvaluationFailed } from './errors.js';
import type { DecisionTable, Rule } from './model.js';
import { feelCompare, feelEquals, jsonEquals, toJson } from './values.js';

/** A matched rule and its output values (FEEL values, converted to the outputs' types). */
export interface Hit {
  rule: Rule;
  outputs: Record<string, unknown>;
}

const ruleList = (hits: readonly Hit[]) => hits.map((h) => `${h.rule.index} (${h.rule.id})`).join(', ');
const ruleIds = (hits: readonly Hit[]) => hits.map((h) => h.rule.id).join(', ');

/**
 * The hits that make up the result, in result order, for a table without aggregation
 * (DMN 1.3 §8.2.11; error texts after Camunda's DMN-0300x).
 */
export function selectHits(decisionId: string, table: DecisionTable, hits: readonly Hit[]): readonly Hit[] {
  switch (table.hitPolicy) {
    case 'UNIQUE':
      if (hits.length > 1) {
        throw new DecisionEvaluationFailed(
          decisionId,
          ruleIds(hits),
          `DMN-03001 hit policy UNIQUE allows one matching rule, but rules ${ruleList(hits)} match`,
        );
      }
      return hits;
    case 'ANY': {
      const first = hits[0];
      if (!first) return hits;
      const output = toJson(first.outputs);
      const differing = hits.filter((h) => !jsonEquals(toJson(h.outputs), output));
      if (differing.length) {
        throw new DecisionEvaluationFailed(
          decisionId,
          ruleIds(hits),
          `DMN-03002 hit policy ANY allows several matching rules only with equal outputs, but rules ${ruleList(hits)} match with different outputs`,
        );
      }
      return [first];
    }
    case 'FIRST':
      return hits.slice(0, 1);
    case 'PRIORITY':
      return byPriority(table, hits).slice(0, 1);
    case 'OUTPUT ORDER':
      return byPriority(table, hits);
    case 'RULE ORDER':
    case 'COLLECT':
      return hits;
  }
}

/**
 * Orders hits by their outputs' places in the outputs' value lists, the first output first; a
 * value the list lacks ranks last. Ties keep rule order (the sort is stable).
 */
function byPriority(table: DecisionTable, hits: readonly Hit[]): Hit[] {
  const rank = (hit: Hit) =>
    table.outputs.map((output) => {
      if (!output.priorities) return 0;
      const place = output.priorities.findIndex((p) => feelEquals(p, hit.outputs[output.name]) === true);
      return place < 0 ? output.priorities.length : place;
    });
  const ranked = hits.map((hit) => ({ hit, rank: rank(hit) }));
  ranked.sort((a, b) => {
    for (let i = 0; i < a.rank.length; i++) {
      const d = a.rank[i]! - b.rank[i]!;
      if (d) return d;
    }
    return 0;
  });
  return ranked.map((r) => r.hit);
}

/**
 * COLLECT with SUM, MIN, MAX or COUNT over the single output. Null outputs are left out of SUM,
 * MIN and MAX; with nothing to aggregate they give null, COUNT gives 0.
 */
export function aggregate(decisionId: string, table: DecisionTable, hits: readonly Hit[]): unknown {
  const name = table.outputs[0]!.name;
  if (table.aggregation === 'COUNT') return hits.length;
  const values = hits.map((h) => h.outputs[name]).filter((v) => v !== null && v !== undefined);
  if (values.length === 0) return null;
  if (table.aggregation === 'SUM') {
    if (!values.every((v): v is number => typeof v === 'number')) {
      throw new DecisionEvaluationFailed(
        decisionId,
        ruleIds(hits),
        `DMN-03004 aggregation SUM needs numbers; output '${name}' of rules ${ruleList(hits)} gives ${JSON.stringify(toJson(values))}`,
      );
    }
    return values.reduce((a, b) => a + b, 0);
  }
  let best = values[0];
  for (const value of values.slice(1)) {
    const c = feelCompare(value, best);
    if (c === null) {
      throw new DecisionEvaluationFailed(
        decisionId,
        ruleIds(hits),
        `DMN-03004 aggregation ${table.aggregation} needs comparable values; output '${name}' of rules ${ruleList(hits)} gives ${JSON.stringify(toJson(values))}`,
      );
    }
    if (table.aggregation === 'MIN' ? c < 0 : c > 0) best = value;
  }
  return best;
}
