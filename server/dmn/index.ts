export { parseDmn, DMN_NAMESPACES } from './parse.js';
export { evaluateDecision, type DecisionEvaluation } from './evaluate.js';
export { mapDecisionResult, DECISION_RESULT_MAPPINGS, type DecisionResultMapping } from './result.js';
export { DEFAULT_DMN_LIMITS, type DmnLimits } from './limits.js';
export { DMN_INVALID, DMN_UNSUPPORTED, DecisionEvaluationFailed, DecisionResultMappingFailed } from './errors.js';
export type {
  Aggregation,
  Decision,
  DecisionTable,
  DecisionTableDecision,
  DmnDefinitions,
  HitPolicy,
  InputData,
  LiteralExpressionDecision,
} from './model.js';
export type { DmnType } from './types.js';
export type { JsonValue } from './values.js';
