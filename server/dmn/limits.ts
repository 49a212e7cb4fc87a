/**
 * The sizes a DMN document may have, in the manner of the BPMN side's `ProcessLimits`
 * (server/engine/runnability.ts): a deployment is refused before a node spends what the limits
 * protect. Rules, inputs and expression lengths bound the time of one evaluation; a table past
 * them is better split into a requirement graph.
 */
export interface DmnLimits {
  /** Bytes (UTF-8) of one DMN document. */
  maxXmlBytes: number;
  /** Decisions in one document. */
  maxDecisions: number;
  /** Rules of one decision table. */
  maxRules: number;
  /** Input columns of one decision table. */
  maxInputs: number;
  /** Output columns of one decision table. */
  maxOutputs: number;
  /** Characters of one FEEL expression or unary test. */
  maxExpressionLength: number;
}

export const DEFAULT_DMN_LIMITS: DmnLimits = {
  maxXmlBytes: 1024 * 1024,
  maxDecisions: 200,
  maxRules: 5_000,
  maxInputs: 50,
  maxOutputs: 50,
  maxExpressionLength: 10_000,
};
