import { z } from 'zod';
import { iso, timestamp } from '../lib/contract.js';
import { definitionSchema } from './definition.contract.js';
import { decisionDefinitionSchema } from '../decisions/decision.contract.js';

/**
 * The deployment answers, shared by the server and the browser app (`modeler/` imports the types
 * with `import type`).
 */

/** One deployed version as the designer's version list shows it: who deployed it, and when. */
export const versionSummarySchema = z.object({
  id: z.guid(),
  key: z.string(),
  version: z.number().int(),
  name: z.string().nullable(),
  deployedBy: z.string(),
  /** null once the user is gone. */
  deployedByName: z.string().nullable(),
  deployedAt: timestamp,
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;

export interface VersionSummaryRow {
  id: string;
  key: string;
  version: number;
  name: string | null;
  deployed_by: string;
  display_name: string | null;
  deployed_at: Date | string;
}

export function toVersionSummary(row: VersionSummaryRow): VersionSummary {
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    name: row.name,
    deployedBy: row.deployed_by,
    deployedByName: row.display_name,
    deployedAt: iso(row.deployed_at),
  };
}

/** A problem the designer's checks report (server/lint/config.ts LintIssue). */
export const lintIssueSchema = z.object({
  elementId: z.string(),
  rule: z.string(),
  message: z.string(),
  severity: z.enum(['error', 'warn']),
  /** The platform rules' message code and parameters, for translation in the designer. */
  code: z.string().optional(),
  params: z.record(z.string(), z.string()).optional(),
});
export type LintIssueView = z.infer<typeof lintIssueSchema>;

/**
 * POST /deployments: the version deployed (`created`: false when identical XML was deployed
 * before, which answers 200 instead of 201), with the warnings the checks reported, which never block.
 */
export const deploymentSchema = z.object({
  created: z.boolean(),
  definition: definitionSchema,
  /** The DMN decisions deployed with the process (each a new version, or the one unchanged). */
  decisions: z.array(decisionDefinitionSchema),
  warnings: z.array(lintIssueSchema),
});
export type Deployment = z.infer<typeof deploymentSchema>;
