import { z } from 'zod';
import { variablesSchema } from '../http/routes/schemas.js';
import { typedVariablesSchema, VARIABLE_LIMITS, variableNameSchema } from '../forms/typed-variables.js';

/** A date, or '' for none: a cleared date field of a saved filter is not an error. */
const optionalDate = z.union([z.literal(''), z.coerce.date()]).optional();

/** The worklist's tabs. `unassigned`: open tasks named for nobody, where I may reassign tasks. */
export const worklistViewSchema = z.enum(['mine', 'claimable', 'completed', 'unassigned']);

/** Fields a worklist can be narrowed by: the list query and a saved filter's criteria share them. */
export const worklistCriteria = z.object({
  view: worklistViewSchema.default('mine'),
  /** A fragment of the business key or of the customer's name (or an account number prefix). */
  q: z.string().trim().max(100).optional(),
  definitionKey: z.string().max(200).optional(),
  elementId: z.string().max(200).optional(),
  dueFrom: optionalDate,
  dueTo: optionalDate,
  minPriority: z.coerce.number().int().min(0).max(1_000_000).optional(),
  /** The department and its subtree. */
  departmentId: z.string().max(100).optional(),
  /** A customer id or account number. */
  customer: z.string().max(100).optional(),
  sort: z.enum(['created', 'due', 'priority', 'completed']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

export type WorklistCriteria = z.infer<typeof worklistCriteria>;

export const worklistQuery = worklistCriteria.extend({
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type WorklistQuery = z.infer<typeof worklistQuery>;

export const savedFilterBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    scope: z.enum(['personal', 'department']).default('personal'),
    departmentId: z.string().max(100).optional(),
    criteria: worklistCriteria,
  })
  .refine((f) => f.scope === 'personal' || !!f.departmentId, {
    path: ['departmentId'],
    message: 'a department filter names its department',
  });

export type SavedFilterInput = z.infer<typeof savedFilterBody>;

/** A form draft: any JSON object; its size is checked by the service (256 KB). */
export const draftBody = z.object({ data: z.record(z.string(), z.unknown()) });

export const commentBody = z.object({ body: z.string().trim().min(1).max(4000) });

export const delegateBody = z.object({ userId: z.string().min(1).max(100) });
export const resolveBody = z.object({ variables: z.record(z.string(), z.unknown()).optional() });

/**
 * POST /tasks/:id/complete. `variables` are taken as they come (a form-js form's values);
 * `typedVariables` are what the generic form edits, checked against their types on the server;
 * `removeVariables` leave the process (never one it reads: 400).
 */
export const completeBody = z.object({
  variables: variablesSchema.optional(),
  typedVariables: typedVariablesSchema.optional(),
  removeVariables: z.array(variableNameSchema).max(VARIABLE_LIMITS.count).optional(),
});
