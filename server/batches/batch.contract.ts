import { z } from 'zod';
import { typedVariablesSchema, variableNameSchema, VARIABLE_LIMITS } from '../forms/typed-variables.js';
import { iso, jsonObject, listSchema, timestamp } from '../lib/contract.js';
import { instanceSearchStates } from '../workflow/instance.contract.js';
import { operationReasonSchema } from '../workflow/instance-variables.contract.js';

/** The most instances one batch takes (a larger operation is several batches). */
export const MAX_BATCH_INSTANCES = 10_000;

export const batchTypes = ['cancel', 'retry', 'setVariables', 'migrate'] as const;
export type BatchTypeName = (typeof batchTypes)[number];

/** The instance search as a batch selects by it (JSON: booleans and arrays, not query strings). */
export const batchFilterSchema = z
  .object({
    definitionKey: z.string().min(1).max(200),
    definitionVersion: z.number().int().min(1),
    definitionId: z.guid(),
    status: z.array(z.enum(instanceSearchStates)).min(1),
    hasIncident: z.boolean(),
    suspended: z.boolean(),
    overdue: z.boolean(),
    businessKey: z.string().min(1).max(200),
    businessKeyStartsWith: z.string().min(1).max(200),
    customer: z.string().min(1).max(200),
    currentElementId: z.string().min(1).max(200),
    departmentId: z.string().min(1).max(64),
    startedAfter: z.coerce.date(),
    startedBefore: z.coerce.date(),
    endedAfter: z.coerce.date(),
    endedBefore: z.coerce.date(),
  })
  .partial()
  .strict();
export type BatchFilter = z.input<typeof batchFilterSchema>;

const selection = {
  /** These instances (each must exist for the caller), or … */
  instanceIds: z.array(z.guid()).min(1).max(MAX_BATCH_INSTANCES).optional(),
  /** … the instances the search finds (at most MAX_BATCH_INSTANCES, oldest first). */
  filter: batchFilterSchema.optional(),
  /** Why: kept on the batch, in every instance's history and the audit log. */
  reason: operationReasonSchema,
};

/** POST /batches: one operation over many instances, run one instance per transaction. */
export const batchCreateSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('cancel'), ...selection }).strict(),
    z.object({ type: z.literal('retry'), ...selection }).strict(),
    z
      .object({
        type: z.literal('setVariables'),
        ...selection,
        params: z
          .object({
            typedVariables: typedVariablesSchema.default({}),
            removeVariables: z.array(variableNameSchema).max(VARIABLE_LIMITS.count).default([]),
          })
          .strict()
          .refine((p) => Object.keys(p.typedVariables).length + p.removeVariables.length > 0, {
            message: 'name at least one variable to set or remove',
            path: ['typedVariables'],
          }),
      })
      .strict(),
    /** Checked by the migration's own batch type when one is registered (batch-types.ts). */
    z.object({ type: z.literal('migrate'), ...selection, params: jsonObject }).strict(),
  ])
  .refine((b) => (b.instanceIds ? !b.filter : !!b.filter), {
    message: 'give either instanceIds or filter',
    path: ['instanceIds'],
  });
export type BatchCreate = z.input<typeof batchCreateSchema>;
export type BatchCreateInput = z.output<typeof batchCreateSchema>;

export const batchStatusSchema = z.enum(['running', 'completed']);

export const batchSchema = z.object({
  id: z.guid(),
  type: z.enum(batchTypes),
  status: batchStatusSchema,
  reason: z.string(),
  /** The type's parameters (setVariables: the variables; migrate: the migration plan). */
  params: jsonObject,
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
  createdBy: z.string(),
  /** The creator's display name (users.display_name); null for an unknown user. */
  createdByName: z.string().nullable(),
  departmentId: z.string().nullable(),
  createdAt: timestamp,
  endedAt: timestamp.nullable(),
});
export type Batch = z.infer<typeof batchSchema>;

export interface BatchRow {
  id: string;
  type: Batch['type'];
  status: Batch['status'];
  reason: string;
  params: { actor?: unknown; [key: string]: unknown };
  total: number;
  succeeded: number;
  failed: number;
  created_by: string;
  created_by_id: string;
  /** Not a column: the creator's display name, added by the reader (user-names.ts). */
  created_by_name?: string | null;
  department_id: string | null;
  created_at: Date | string;
  ended_at: Date | string | null;
}

export function toBatch(row: BatchRow): Batch {
  const { actor: _actor, ...params } = row.params;
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    reason: row.reason,
    params,
    total: row.total,
    succeeded: row.succeeded,
    failed: row.failed,
    pending: row.total - row.succeeded - row.failed,
    createdBy: row.created_by,
    createdByName: row.created_by_name ?? null,
    departmentId: row.department_id,
    createdAt: iso(row.created_at),
    endedAt: iso(row.ended_at),
  };
}

/** What happened to one instance of a batch. */
export const batchItemSchema = z.object({
  instanceId: z.guid(),
  /** The instance's business key, process and process name, so that a result reads as the case it is. */
  businessKey: z.string().nullable(),
  definitionKey: z.string().nullable(),
  definitionVersion: z.number().int().nullable(),
  processName: z.string().nullable(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  /** The stable error code (INSTANCE_NOT_RUNNING, FORBIDDEN, …) when it failed. */
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
  /** The node that ran it. */
  nodeId: z.string().nullable(),
  doneAt: timestamp.nullable(),
});
export type BatchItem = z.infer<typeof batchItemSchema>;

export interface BatchItemRow {
  instance_id: string;
  business_key: string | null;
  definition_key: string | null;
  definition_version: number | null;
  process_name: string | null;
  status: BatchItem['status'];
  error_code: string | null;
  error: string | null;
  node_id: string | null;
  done_at: Date | string | null;
}

export function toBatchItem(row: BatchItemRow): BatchItem {
  return {
    instanceId: row.instance_id,
    businessKey: row.business_key,
    definitionKey: row.definition_key,
    definitionVersion: row.definition_version,
    processName: row.process_name,
    status: row.status,
    errorCode: row.error_code,
    error: row.error,
    nodeId: row.node_id,
    doneAt: iso(row.done_at),
  };
}

/** GET /batches/:id: the batch and a page of its per-instance results. */
export const batchDetailSchema = batchSchema.extend({ items: listSchema(batchItemSchema) });
export type BatchDetail = z.infer<typeof batchDetailSchema>;
