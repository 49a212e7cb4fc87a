import { z } from 'zod';
import { iso, jsonObject, jsonValue, timestamp } from '../lib/contract.js';

/**
 * The decisions' answers, shared by the server and the browser app (`modeler/` imports the types
 * with `import type`). Names follow Camunda 7's decision definition and historic decision instance.
 */

/** One version of one decision (GET /decision-definitions/:id, items of GET /decision-definitions). */
export const decisionDefinitionSchema = z.object({
  id: z.guid(),
  /** The decision's id in its DMN document. */
  key: z.string(),
  name: z.string().nullable(),
  version: z.number().int(),
  versionTag: z.string().nullable(),
  /** The DMN definitions element the decision belongs to (Camunda's decision requirements definition). */
  decisionRequirementsKey: z.string(),
  decisionRequirementsName: z.string().nullable(),
  resourceName: z.string(),
  deploymentId: z.guid(),
  xmlHash: z.string(),
  deployedBy: z.string(),
  deployedAt: timestamp,
});
export type DecisionDefinition = z.infer<typeof decisionDefinitionSchema>;

export interface DecisionDefinitionRow {
  id: string;
  key: string;
  name: string | null;
  version: number;
  version_tag: string | null;
  decision_requirements_key: string;
  decision_requirements_name: string | null;
  resource_name: string;
  deployment_id: string;
  xml_hash: string;
  deployed_by: string;
  deployed_at: Date | string;
}

export const DECISION_DEFINITION_COLUMNS = [
  'id',
  'key',
  'name',
  'version',
  'version_tag',
  'decision_requirements_key',
  'decision_requirements_name',
  'resource_name',
  'deployment_id',
  'xml_hash',
  'deployed_by',
  'deployed_at',
] as const;

export function toDecisionDefinition(row: DecisionDefinitionRow): DecisionDefinition {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    version: row.version,
    versionTag: row.version_tag,
    decisionRequirementsKey: row.decision_requirements_key,
    decisionRequirementsName: row.decision_requirements_name,
    resourceName: row.resource_name,
    deploymentId: row.deployment_id,
    xmlHash: row.xml_hash,
    deployedBy: row.deployed_by,
    deployedAt: iso(row.deployed_at),
  };
}

/** A deployment of DMN documents alone (POST /deployments without a BPMN document). */
export const decisionDeploymentSchema = z.object({
  created: z.boolean(),
  deploymentId: z.guid(),
  decisions: z.array(decisionDefinitionSchema),
});
export type DecisionDeployment = z.infer<typeof decisionDeploymentSchema>;

const inputSchema = z.object({ id: z.string(), label: z.string(), value: jsonValue });
const matchedRuleSchema = z.object({ ruleId: z.string(), index: z.number().int(), outputs: jsonObject });

/** A required decision's part of an evaluation, as the history shows it. */
export const requiredEvaluationSchema = z.object({
  decisionId: z.string(),
  decisionName: z.string(),
  inputs: z.array(inputSchema),
  matchedRules: z.array(matchedRuleSchema),
  outputs: z.array(jsonObject),
});

/** One evaluation of a decision, kept in history (Camunda's historic decision instance). */
export const decisionEvaluationSchema = z.object({
  id: z.guid(),
  /** null when evaluated through the API, outside an instance. */
  instanceId: z.guid().nullable(),
  /** The business rule task that evaluated it. */
  elementId: z.string().nullable(),
  decisionDefinitionId: z.guid(),
  decisionKey: z.string(),
  decisionName: z.string(),
  decisionVersion: z.number().int(),
  hitPolicy: z.string().nullable(),
  inputs: z.array(inputSchema),
  matchedRules: z.array(matchedRuleSchema),
  /** Camunda's result list: one entry (output name → value) per rule in the result. */
  outputs: z.array(jsonObject),
  /** The decisions it required, evaluated first. */
  requiredDecisions: z.array(requiredEvaluationSchema),
  /** The business rule task's result variable and the value mapDecisionResult stored there. */
  resultVariable: z.string().nullable(),
  result: jsonValue,
  evaluatedAt: timestamp,
  evaluatedBy: z.string(),
});
export type DecisionEvaluationView = z.infer<typeof decisionEvaluationSchema>;

/** POST /decision-definitions/key/:key/evaluate: Camunda's result list, and the stored evaluation. */
export const decisionEvaluateResultSchema = z.object({
  result: z.array(jsonObject),
  evaluation: decisionEvaluationSchema,
});

/**
 * One problem the DMN parser found in a document (POST /designer/dmn-lint): the same problems, in
 * the same words, a deployment of that document is refused with. `elementId` is the element the
 * parser names (a rule's, an input's or a decision's id, else `definitions` or `import`).
 */
export const dmnLintIssueSchema = z.object({
  elementId: z.string(),
  /** `dmn/invalid`, or `dmn/unsupported` for a DMN feature the evaluator does not run. */
  rule: z.enum(['dmn/invalid', 'dmn/unsupported']),
  message: z.string(),
  severity: z.literal('error'),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});
export type DmnLintIssue = z.infer<typeof dmnLintIssueSchema>;

/** POST /designer/dmn-lint: the problems (none: it deploys), and the decisions the document holds. */
export const dmnLintResultSchema = z.object({
  issues: z.array(dmnLintIssueSchema),
  decisions: z.array(z.object({ key: z.string(), name: z.string().nullable() })),
});
export type DmnLintResult = z.infer<typeof dmnLintResultSchema>;
