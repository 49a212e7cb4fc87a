import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { DecisionEvaluation } from '../dmn/index.js';
import { iso } from '../lib/contract.js';
import {
  DECISION_DEFINITION_COLUMNS,
  type DecisionDefinitionRow,
  type DecisionEvaluationView,
} from './decision.contract.js';

/** The SQL of decisions: versions by key, binding and deployment, and the evaluation history. */

export const decisionColumns = (alias?: string) =>
  DECISION_DEFINITION_COLUMNS.map((c) => (alias ? `${alias}.${c}` : c));

export function latestDecision(db: Db, key: string): Promise<DecisionDefinitionRow | undefined> {
  return db('decision_definitions').where({ key }).orderBy('version', 'desc').first(decisionColumns());
}

export function decisionVersion(db: Db, key: string, version: number): Promise<DecisionDefinitionRow | undefined> {
  return db('decision_definitions').where({ key, version }).first(decisionColumns());
}

/** The newest version carrying the tag (Camunda expects one; the newest wins if there are more). */
export function decisionWithVersionTag(db: Db, key: string, tag: string): Promise<DecisionDefinitionRow | undefined> {
  return db('decision_definitions')
    .where({ key, version_tag: tag })
    .orderBy('version', 'desc')
    .first(decisionColumns());
}

export function decisionInDeployment(
  db: Db,
  key: string,
  deploymentId: string,
): Promise<DecisionDefinitionRow | undefined> {
  return db('decision_definitions')
    .where({ key, deployment_id: deploymentId })
    .orderBy('version', 'desc')
    .first(decisionColumns());
}

export function decisionById(db: Db, id: string): Promise<DecisionDefinitionRow | undefined> {
  return db('decision_definitions').where({ id }).first(decisionColumns());
}

export async function decisionXml(db: Db, id: string): Promise<string | undefined> {
  const row: { xml: string } | undefined = await db('decision_definitions').where({ id }).first('xml');
  return row?.xml;
}

/** Which of these keys have a deployed version. */
export async function deployedDecisionKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const found: { key: string }[] = await db('decision_definitions').whereIn('key', keys).distinct('key');
  return new Set(found.map((r) => r.key));
}

export interface EvaluationRecord {
  instanceId: string | null;
  elementId: string | null;
  executionId: string | null;
  departmentId: string | null;
  definition: DecisionDefinitionRow;
  variables: Record<string, unknown>;
  evaluation: DecisionEvaluation;
  resultVariable: string | null;
  result: unknown;
  evaluatedAt: Date;
  evaluatedBy: string;
}

/** The row of one evaluation; inserted in the transaction that delivers its result. */
export function evaluationRow(record: EvaluationRecord) {
  const { evaluation } = record;
  return {
    id: randomUUID(),
    instance_id: record.instanceId,
    element_id: record.elementId,
    execution_id: record.executionId,
    decision_definition_id: record.definition.id,
    decision_key: record.definition.key,
    decision_version: record.definition.version,
    department_id: record.departmentId,
    variables: JSON.stringify(record.variables),
    inputs: JSON.stringify(evaluation.inputs),
    matched_rules: JSON.stringify(evaluation.matchedRules),
    outputs: JSON.stringify(evaluation.outputs),
    evaluation: JSON.stringify(evaluation),
    result_variable: record.resultVariable,
    result: record.result === undefined ? null : JSON.stringify(record.result),
    evaluated_at: record.evaluatedAt,
    evaluated_by: record.evaluatedBy,
  };
}

export const EVALUATION_COLUMNS = [
  'id',
  'instance_id',
  'element_id',
  'decision_definition_id',
  'decision_key',
  'decision_version',
  'evaluation',
  'result_variable',
  'result',
  'evaluated_at',
  'evaluated_by',
] as const;

export interface EvaluationRow {
  id: string;
  instance_id: string | null;
  element_id: string | null;
  decision_definition_id: string;
  decision_key: string;
  decision_version: number;
  evaluation: DecisionEvaluation | string;
  result_variable: string | null;
  result: unknown;
  evaluated_at: Date | string;
  evaluated_by: string;
}

/** Every required decision of an evaluation, depth first, each once. */
function requiredOf(evaluation: DecisionEvaluation, into: DecisionEvaluation[] = []): DecisionEvaluation[] {
  for (const required of evaluation.required) {
    requiredOf(required, into);
    if (!into.some((e) => e.decisionId === required.decisionId)) into.push(required);
  }
  return into;
}

export function toDecisionEvaluation(row: EvaluationRow): DecisionEvaluationView {
  const evaluation = (
    typeof row.evaluation === 'string' ? JSON.parse(row.evaluation) : row.evaluation
  ) as DecisionEvaluation;
  return {
    id: row.id,
    instanceId: row.instance_id,
    elementId: row.element_id,
    decisionDefinitionId: row.decision_definition_id,
    decisionKey: row.decision_key,
    decisionName: evaluation.decisionName,
    decisionVersion: row.decision_version,
    hitPolicy: evaluation.hitPolicy,
    inputs: evaluation.inputs,
    matchedRules: evaluation.matchedRules,
    outputs: evaluation.outputs,
    requiredDecisions: requiredOf(evaluation).map((r) => ({
      decisionId: r.decisionId,
      decisionName: r.decisionName,
      inputs: r.inputs,
      matchedRules: r.matchedRules,
      outputs: r.outputs,
    })),
    resultVariable: row.result_variable,
    result: row.result ?? null,
    evaluatedAt: iso(row.evaluated_at),
    evaluatedBy: row.evaluated_by,
  };
}

/** An instance's evaluations, oldest first. */
export async function instanceEvaluations(db: Db, instanceId: string): Promise<DecisionEvaluationView[]> {
  const rows: EvaluationRow[] = await db('decision_evaluations')
    .where({ instance_id: instanceId })
    .orderBy('seq')
    .select(...EVALUATION_COLUMNS);
  return rows.map(toDecisionEvaluation);
}
