import { z } from 'zod';
import { iso, jsonObject, timestamp } from '../lib/contract.js';
import { VARIABLE_TYPES } from './typed-variables.js';

/** A deployed form version, without its schema (items of GET /forms). */
export const formSummarySchema = z.object({
  id: z.guid(),
  formId: z.string(),
  version: z.number().int(),
  name: z.string().nullable(),
  deployedBy: z.string(),
  deployedAt: timestamp,
});
export type FormSummary = z.infer<typeof formSummarySchema>;

/** A deployed form version with its form-js schema (GET /forms/:formId). */
export const formSchema = formSummarySchema.extend({
  /** The form-js document as deployed: its keys are form-js's. */
  schema: jsonObject,
});
export type Form = z.infer<typeof formSchema>;

export interface FormSummaryRow {
  id: string;
  form_id: string;
  version: number;
  name: string | null;
  deployed_by: string;
  deployed_at: Date | string;
}

export function toFormSummary(row: FormSummaryRow): FormSummary {
  return {
    id: row.id,
    formId: row.form_id,
    version: row.version,
    name: row.name,
    deployedBy: row.deployed_by,
    deployedAt: iso(row.deployed_at),
  };
}

export function toForm(row: FormSummaryRow & { schema: object }): Form {
  return { ...toFormSummary(row), schema: { ...row.schema } };
}

/** POST /forms: each form id and the stored version it names now. */
export const deployedFormSchema = z.object({ formId: z.string(), id: z.guid() });
export type DeployedForm = z.infer<typeof deployedFormSchema>;

/** GET /tasks/:id/form: the form a task shows and the values it shows (TaskForm in task-forms.ts). */
export const taskFormSchema = z.object({
  taskId: z.guid(),
  formKey: z.string(),
  form: z.object({ id: z.guid(), formId: z.string(), version: z.number().int(), name: z.string().nullable() }),
  schema: jsonObject,
  /** The instance's (and task's) current values of the fields the form binds: variables keep their names. */
  data: jsonObject,
});
export type TaskFormView = z.infer<typeof taskFormSchema>;

/**
 * GET /tasks/:id/variables: the generic form of a task without one of our forms — its variables
 * (process data: names as the process gives them) with the type each is edited as.
 */
export const genericFormSchema = z.object({
  taskId: z.guid(),
  variables: z.array(
    z.object({
      name: z.string(),
      type: z.enum(VARIABLE_TYPES),
      value: z.unknown(),
    }),
  ),
  /** Variables the process reads in its expressions: a completion may not remove them. */
  required: z.array(z.string()),
});
export type GenericFormView = z.infer<typeof genericFormSchema>;
