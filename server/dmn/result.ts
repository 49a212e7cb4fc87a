import { DecisionResultMappingFailed } from './errors.js';
import type { DecisionEvaluation } from './evaluate.js';
import type { JsonValue } from './values.js';

/** Camunda 7's `camunda:mapDecisionResult` on a business rule task; `resultList` is its default. */
export type DecisionResultMapping = 'singleEntry' | 'singleResult' | 'collectEntries' | 'resultList';

export const DECISION_RESULT_MAPPINGS: readonly DecisionResultMapping[] = [
  'singleEntry',
  'singleResult',
  'collectEntries',
  'resultList',
];

const MAPPER: Record<DecisionResultMapping, string> = {
  singleEntry: 'SingleEntryDecisionResultMapper{}',
  singleResult: 'SingleResultDecisionResultMapper{}',
  collectEntries: 'CollectEntriesDecisionResultMapper{}',
  resultList: 'ResultListDecisionResultMapper{}',
};

/**
 * The value a business rule task stores in its result variable, as Camunda 7 maps the result
 * list: `singleEntry` the one value of the one entry (null when none), `singleResult` the one
 * entry (null when none), `collectEntries` the values of the one output name across entries,
 * `resultList` every entry. A result of the wrong shape fails with Camunda's messages
 * (ENGINE-22001 with cause DMN-01010 / DMN-01011, ENGINE-22002).
 */
export function mapDecisionResult(evaluation: DecisionEvaluation, mapping: DecisionResultMapping): JsonValue {
  const { outputs } = evaluation;
  switch (mapping) {
    case 'resultList':
      return outputs;
    case 'singleResult':
      return singleResult(evaluation, mapping) ?? null;
    case 'singleEntry': {
      const entry = singleResult(evaluation, mapping);
      if (!entry) return null;
      const values = Object.values(entry);
      if (values.length > 1) {
        const cause = `DMN-01010 Unable to get single decision result entry as it has more than one entry '${javaText(entry)}'`;
        throw failed(evaluation, mapping, cause);
      }
      return values[0] ?? null;
    }
    case 'collectEntries': {
      if (outputs.length === 0) return [];
      const names = [...new Set(outputs.flatMap((entry) => Object.keys(entry)))];
      if (names.length > 1) {
        throw new DecisionResultMappingFailed(
          evaluation.decisionId,
          `ENGINE-22002 The decision result mapper '${MAPPER[mapping]}' failed to process '${javaText(outputs)}'. The decision outputs should only contains values for one output name but found '[${names.join(', ')}]'.`,
          null,
        );
      }
      const name = names[0]!;
      return outputs.filter((entry) => Object.hasOwn(entry, name)).map((entry) => entry[name]!);
    }
  }
}

function singleResult(evaluation: DecisionEvaluation, mapping: DecisionResultMapping) {
  const { outputs } = evaluation;
  if (outputs.length > 1) {
    const cause = `DMN-01011 Unable to get single decision result as it has more than one result '${javaText(outputs)}'`;
    throw failed(evaluation, mapping, cause);
  }
  return outputs[0];
}

function failed(evaluation: DecisionEvaluation, mapping: DecisionResultMapping, cause: string) {
  const message = `ENGINE-22001 The decision result mapper '${MAPPER[mapping]}' failed to process '${javaText(evaluation.outputs)}'`;
  return new DecisionResultMappingFailed(evaluation.decisionId, `${message}: ${cause}`, cause);
}

/** A result as Java's toString shows lists and maps (`[{result=A, reason=x}]`), as Camunda's messages do. */
function javaText(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(javaText).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${javaText(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}
