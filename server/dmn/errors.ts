import { Invalid, type ErrorDetail } from '../lib/errors.js';

/**
 * The errors of the decision engine. A document that cannot be deployed is `Invalid` with one
 * detail per problem ({ element, reason }); `DMN_UNSUPPORTED` when every problem is a DMN
 * feature this engine does not evaluate (a context, a business knowledge model, an import), so
 * a caller can tell "fix the model" from "not here".
 */
export const DMN_INVALID = 'DMN_INVALID';
export const DMN_UNSUPPORTED = 'DMN_UNSUPPORTED';

export interface DmnProblem extends ErrorDetail {
  element: string;
  unsupported?: boolean;
}

export function dmnRefused(problems: readonly DmnProblem[]): Invalid {
  const unsupported = problems.every((p) => p.unsupported);
  const details = problems.map(({ unsupported: _u, ...detail }) => detail);
  const first = details[0]?.reason ?? 'invalid DMN document';
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return new Invalid(unsupported ? DMN_UNSUPPORTED : DMN_INVALID, `DMN document refused: ${first}${more}`, details);
}

/**
 * A decision that could not be evaluated with the given variables: a hit policy violated, an
 * output that does not fit its type, a FEEL expression that failed. Names the decision and the
 * element (rule, input, output).
 */
export class DecisionEvaluationFailed extends Invalid {
  constructor(decisionId: string, element: string, reason: string) {
    super('DMN_EVALUATION_FAILED', `decision '${decisionId}': ${reason}`, [{ element, reason }], { decisionId });
  }
}

/** Camunda's `mapDecisionResult` could not map the result (ENGINE-22001/22002 and their DMN-010xx causes). */
export class DecisionResultMappingFailed extends Invalid {
  constructor(decisionId: string, message: string, cause: string | null) {
    super('DMN_RESULT_MAPPING_FAILED', message, [{ element: decisionId, reason: cause ?? message }], { decisionId });
  }
}
