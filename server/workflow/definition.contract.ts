import { z } from 'zod';
import { iso, timestamp } from '../lib/contract.js';

/**
 * What the deploy check read from a BPMN document (DefinitionMeta in engine/definitions.ts). The
 * record keys are the document's element and message ids, not names of ours.
 */
export const definitionMetaSchema = z.object({
  processId: z.string(),
  name: z.string().nullable(),
  elements: z.record(z.string(), z.object({ type: z.string(), name: z.string().nullable() })),
  userTasks: z.record(
    z.string(),
    z.object({
      name: z.string().nullable(),
      candidateGroups: z.string().nullable(),
      candidateUsers: z.string().nullable(),
      assignee: z.string().nullable(),
      formKey: z.string().nullable(),
      dueDate: z.string().nullable(),
      followUpDate: z.string().nullable(),
      priority: z.string().nullable(),
    }),
  ),
  serviceTasks: z.record(
    z.string(),
    z.object({
      service: z.string(),
      resultVariable: z.string().nullable(),
      inputs: z.record(z.string(), z.union([z.string(), z.record(z.string(), z.string())])).optional(),
      external: z.object({ topic: z.string(), priority: z.string().nullable() }).optional(),
    }),
  ),
  businessRuleTasks: z
    .record(
      z.string(),
      z.object({
        decisionRef: z.string(),
        binding: z.enum(['latest', 'deployment', 'version', 'versionTag']),
        version: z.string().nullable(),
        versionTag: z.string().nullable(),
        resultVariable: z.string().nullable(),
        mapDecisionResult: z.enum(['singleEntry', 'singleResult', 'collectEntries', 'resultList']),
        inputs: z.record(z.string(), z.union([z.string(), z.record(z.string(), z.string())])).optional(),
      }),
    )
    .optional(),
  messages: z.record(z.string(), z.string()),
  messageStarts: z.record(z.string(), z.string()),
  callActivities: z.record(z.string(), z.string()),
  /** user task or call activity id → its camunda:property `department` (an id or a `${…}` template). */
  departments: z.record(z.string(), z.string()).optional(),
  /** camunda:inputOutput per element: a value is `{text}`, `{list}`, `{map}` (entries) or `{none}`. */
  io: z
    .record(
      z.string(),
      z.object({
        inputs: z.array(z.object({ name: z.string(), value: z.unknown() })),
        outputs: z.array(z.object({ name: z.string(), value: z.unknown() })),
      }),
    )
    .optional(),
  /** camunda:in / camunda:out per call activity. */
  callMappings: z
    .record(
      z.string(),
      z.object({
        in: z.array(z.record(z.string(), z.union([z.string(), z.boolean()]))),
        out: z.array(z.record(z.string(), z.union([z.string(), z.boolean()]))),
        businessKey: z.string().nullable(),
      }),
    )
    .optional(),
  /** camunda:failedJobRetryTimeCycle per element that runs jobs. */
  retryCycles: z.record(z.string(), z.string()).optional(),
  /** camunda:asyncBefore / asyncAfter per element: where a step commits and an async-continuation job continues. */
  asyncBoundaries: z
    .record(z.string(), z.object({ before: z.literal(true).optional(), after: z.literal(true).optional() }))
    .optional(),
  signalStarts: z.record(z.string(), z.string()).optional(),
  signalThrows: z
    .record(
      z.string(),
      z.object({
        all: z.boolean(),
        mappings: z.array(
          z.object({ source: z.string().nullable(), sourceExpression: z.string().nullable(), target: z.string() }),
        ),
      }),
    )
    .optional(),
  deadline: z
    .object({ dueDate: z.string(), pausedBy: z.array(z.string()) })
    .nullable()
    .optional(),
  /** The form of the process's plain start event: the start API checks its variables against it. */
  startForm: z.string().optional(),
});
export type DefinitionMetaView = z.infer<typeof definitionMetaSchema>;

/** A deployed process definition version (GET /process-definitions/:id, items of GET /process-definitions). */
export const definitionSchema = z.object({
  id: z.guid(),
  deploymentId: z.guid(),
  key: z.string(),
  version: z.number().int(),
  name: z.string().nullable(),
  xmlHash: z.string(),
  meta: definitionMetaSchema,
  deployedBy: z.string(),
  deployedAt: timestamp,
});
export type Definition = z.infer<typeof definitionSchema>;

/** A row of DEFINITION_COLUMNS (definitions.repository.ts). */
export interface DefinitionViewRow {
  id: string;
  deployment_id: string;
  key: string;
  version: number;
  name: string | null;
  xml_hash: string;
  meta: DefinitionMetaView;
  deployed_by: string;
  deployed_at: Date | string;
}

export function toDefinition(row: DefinitionViewRow): Definition {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    key: row.key,
    version: row.version,
    name: row.name,
    xmlHash: row.xml_hash,
    meta: row.meta,
    deployedBy: row.deployed_by,
    deployedAt: iso(row.deployed_at),
  };
}
