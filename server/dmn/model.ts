import type { CompiledExpression, CompiledUnaryTests } from './feel.js';
import type { DmnType, ItemDefinition } from './types.js';

/** A DMN document parsed and compiled once (`parseDmn`), evaluated many times (`evaluateDecision`). */
export interface DmnDefinitions {
  id: string;
  name: string;
  namespace: string;
  /** Every decision by id, in document order. */
  decisions: ReadonlyMap<string, Decision>;
  inputData: readonly InputData[];
  itemDefinitions: ReadonlyMap<string, ItemDefinition>;
}

export interface InputData {
  id: string;
  name: string;
  type: DmnType;
}

export type Decision = DecisionTableDecision | LiteralExpressionDecision;

interface DecisionBase {
  id: string;
  name: string;
  /**
   * The name a requiring decision sees this decision's value under: the `variable` element's
   * name, else the decision's name (DMN 1.3 §6.3.7).
   */
  variableName: string;
  /** Ids of the decisions this one requires (informationRequirement/requiredDecision), in order. */
  requiredDecisions: readonly string[];
  /** Names of the input data it requires; informative — every variable is visible. */
  requiredInputs: readonly string[];
}

export interface DecisionTableDecision extends DecisionBase {
  kind: 'decisionTable';
  table: DecisionTable;
}

export interface LiteralExpressionDecision extends DecisionBase {
  kind: 'literalExpression';
  expression: CompiledExpression;
  type: DmnType;
}

export type HitPolicy = 'UNIQUE' | 'FIRST' | 'PRIORITY' | 'ANY' | 'COLLECT' | 'RULE ORDER' | 'OUTPUT ORDER';
export type Aggregation = 'SUM' | 'MIN' | 'MAX' | 'COUNT';

export const HIT_POLICIES: readonly HitPolicy[] = [
  'UNIQUE',
  'FIRST',
  'PRIORITY',
  'ANY',
  'COLLECT',
  'RULE ORDER',
  'OUTPUT ORDER',
];
export const AGGREGATIONS: readonly Aggregation[] = ['SUM', 'MIN', 'MAX', 'COUNT'];

/** The hit policies whose result is a list (one entry per rule) rather than one entry. */
export function isMultipleHit(hitPolicy: HitPolicy): boolean {
  return hitPolicy === 'COLLECT' || hitPolicy === 'RULE ORDER' || hitPolicy === 'OUTPUT ORDER';
}

export interface DecisionTable {
  id: string;
  hitPolicy: HitPolicy;
  aggregation: Aggregation | null;
  inputs: readonly TableInput[];
  outputs: readonly TableOutput[];
  rules: readonly Rule[];
}

export interface TableInput {
  id: string;
  label: string;
  expression: CompiledExpression;
  type: DmnType;
}

export interface TableOutput {
  id: string;
  label: string;
  /** The key of this output in a result entry. */
  name: string;
  type: DmnType;
  /** The output values in priority order (PRIORITY, OUTPUT ORDER); null when none are listed. */
  priorities: readonly unknown[] | null;
  /** The value when no rule matches (defaultOutputEntry); null when none. */
  defaultValue: CompiledExpression | null;
}

export interface Rule {
  id: string;
  /** 1-based, as the table shows it. */
  index: number;
  inputEntries: readonly CompiledUnaryTests[];
  /** null for an empty output entry, whose value is null. */
  outputEntries: readonly (CompiledExpression | null)[];
}
