import { z } from 'zod';
import { typedVariablesSchema, variableNameSchema, VARIABLE_LIMITS, VARIABLE_TYPES } from '../forms/typed-variables.js';
import { iso, jsonValue, timestamp } from '../lib/contract.js';

/** Why an operator acts on an instance: required, kept in the audit log and the instance's history. */
export const operationReasonSchema = z.string().trim().min(1, 'a reason is required').max(500);

/**
 * PATCH /process-instances/:id/variables: the variables to set, typed as the generic task form
 * edits them (`{ name: { type, value } }`, each value checked against its type), and names to remove.
 * PUT takes the whole set instead: variables it does not name are removed.
 */
export const variablesPatchSchema = z
  .object({
    typedVariables: typedVariablesSchema.default({}),
    removeVariables: z.array(variableNameSchema).max(VARIABLE_LIMITS.count).default([]),
    reason: operationReasonSchema,
  })
  .refine((b) => Object.keys(b.typedVariables).length + b.removeVariables.length > 0, {
    message: 'name at least one variable to set or remove',
    path: ['typedVariables'],
  })
  .refine((b) => !b.removeVariables.some((name) => name in b.typedVariables), {
    message: 'a variable cannot be both set and removed',
    path: ['removeVariables'],
  });
export type VariablesPatch = z.input<typeof variablesPatchSchema>;

export const variablesPutSchema = z.object({ typedVariables: typedVariablesSchema, reason: operationReasonSchema });
export type VariablesPut = z.input<typeof variablesPutSchema>;

/** One change of one variable made by hand (or by a batch): who, when, from what to what, why. */
export const variableChangeSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  /** The type it was set with (the generic form's types); null when it was removed. */
  type: z.enum(VARIABLE_TYPES).nullable(),
  oldValue: jsonValue,
  newValue: jsonValue,
  removed: z.boolean(),
  actor: z.string(),
  reason: z.string(),
  batchId: z.string().nullable(),
  at: timestamp,
});
export type VariableChange = z.infer<typeof variableChangeSchema>;

export interface VariableChangeRow {
  id: string | number;
  name: string;
  type: VariableChange['type'];
  old_value: unknown;
  new_value: unknown;
  removed: boolean;
  actor: string;
  reason: string;
  batch_id: string | null;
  at: Date | string;
}

export function toVariableChange(row: VariableChangeRow): VariableChange {
  return {
    id: Number(row.id),
    name: row.name,
    type: row.type,
    oldValue: row.old_value ?? null,
    newValue: row.new_value ?? null,
    removed: row.removed,
    actor: row.actor,
    reason: row.reason,
    batchId: row.batch_id,
    at: iso(row.at),
  };
}
