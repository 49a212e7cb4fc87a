import { z } from 'zod';
import { iso, jsonObject, timestamp } from '../lib/contract.js';
import { serviceSchema } from '../services/service.contract.js';

/**
 * The designer's request and response shapes (drafts, the pickers' catalog, the lint), shared by
 * the server and the browser app (`modeler/` imports the types with `import type`).
 */

/** A form-js form kept with a draft; `id` is what a user task's camunda:formKey names. */
export const draftFormSchema = z.object({
  id: z.string().regex(/^[A-Za-z_][\w.-]{0,99}$/, 'a form id: a letter or _, then letters, digits, _ . -'),
  /** The form-js document: its keys are form-js's. */
  schema: jsonObject,
});
export type DraftForm = z.infer<typeof draftFormSchema>;

/** A draft as the list shows it (without its XML). */
export const draftSummarySchema = z.object({
  key: z.string(),
  name: z.string().nullable(),
  revision: z.number().int(),
  baseVersion: z.number().int().nullable(),
  updatedBy: z.string(),
  updatedAt: timestamp,
  createdBy: z.string(),
});
export type DraftSummary = z.infer<typeof draftSummarySchema>;

/** One draft with its XML and forms. */
export const draftSchema = draftSummarySchema.extend({
  xml: z.string(),
  forms: z.array(draftFormSchema),
});
export type Draft = z.infer<typeof draftSchema>;

/** PUT /designer/drafts/:key. */
export const draftSaveSchema = z.object({
  xml: z.string().min(1, 'the BPMN XML is empty'),
  name: z.string().max(200).nullable().optional(),
  forms: z
    .array(draftFormSchema)
    .max(100)
    .refine((forms) => new Set(forms.map((f) => f.id)).size === forms.length, 'two forms share one id')
    .optional(),
  /** The revision the designer last loaded: 0 for a new draft. A different stored revision → 409. */
  // Both are stored in integer columns: a larger number is a 400 naming the field, not a database error.
  revision: z.number().int().min(0).max(2_147_483_647),
  baseVersion: z.number().int().min(1).max(2_147_483_647).nullable().optional(),
});
export type DraftSave = z.input<typeof draftSaveSchema>;

export interface DraftRow {
  key: string;
  name: string | null;
  xml: string;
  forms: DraftForm[] | string;
  revision: number;
  base_version: number | null;
  created_by: string;
  created_at: Date | string;
  updated_by: string;
  updated_at: Date | string;
}

export const DRAFT_SUMMARY_COLUMNS = [
  'key',
  'name',
  'revision',
  'base_version',
  'created_by',
  'updated_by',
  'updated_at',
];

export function toDraftSummary(row: Omit<DraftRow, 'xml' | 'forms' | 'created_at'>): DraftSummary {
  return {
    key: row.key,
    name: row.name,
    revision: row.revision,
    baseVersion: row.base_version,
    updatedBy: row.updated_by,
    updatedAt: iso(row.updated_at),
    createdBy: row.created_by,
  };
}

export function toDraft(row: DraftRow): Draft {
  return {
    ...toDraftSummary(row),
    xml: row.xml,
    forms: typeof row.forms === 'string' ? z.array(draftFormSchema).parse(JSON.parse(row.forms)) : row.forms,
  };
}

/** What the designer's pickers offer. */
export const designerCatalogSchema = z.object({
  roles: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string().nullable() })),
  users: z.array(z.object({ username: z.string(), displayName: z.string(), departmentId: z.string() })),
  services: z.array(serviceSchema),
  /** Deployed process keys: the targets a call activity may name. */
  processes: z.array(z.object({ key: z.string(), name: z.string().nullable(), version: z.number().int() })),
  /** Form ids already deployed. */
  forms: z.array(z.string()),
});
export type DesignerCatalog = z.infer<typeof designerCatalogSchema>;

/** The platform data the lint rules check against (PlatformLintData in server/lint/rules/support.ts). */
export const lintConfigSchema = z.object({
  services: z.array(z.string()),
  roles: z.array(z.string()),
  users: z.array(z.string()),
  /** null where the platform keeps no form catalogue. */
  forms: z.array(z.string()).nullable(),
  /** The sizes a process may have (ProcessLimits in server/engine/runnability.ts). */
  limits: z
    .object({
      timerMinIntervalMs: z.number(),
      maxElements: z.number().int(),
      maxXmlBytes: z.number().int(),
      multiInstanceMax: z.number().int(),
    })
    .optional(),
});
export type LintConfig = z.infer<typeof lintConfigSchema>;
