import { z } from 'zod';
import { iso, timestamp } from '../lib/contract.js';

export const externalNameKindSchema = z.enum(['group', 'user']);
export type ExternalNameKind = z.infer<typeof externalNameKindSchema>;

/**
 * A name a process written for Camunda 7 uses (a candidate group, a candidate user or assignee)
 * and what it means here: one role (groups) or one user (users). GET /admin/external-names.
 */
export const externalNameSchema = z.object({
  id: z.guid(),
  kind: externalNameKindSchema,
  externalName: z.string(),
  /** For a group: the role it means, with the role's names. */
  roleCode: z.string().nullable(),
  roleName: z.string().nullable(),
  roleNameEn: z.string().nullable(),
  /** For a user: the user it means. */
  userId: z.guid().nullable(),
  username: z.string().nullable(),
  userDisplayName: z.string().nullable(),
  createdBy: z.string(),
  createdAt: timestamp,
  /** On creation: open tasks whose assignee was this external id and are now the user's. */
  tasksReassigned: z.number().int().optional(),
});
export type ExternalName = z.infer<typeof externalNameSchema>;

export interface ExternalNameRow {
  id: string;
  kind: ExternalNameKind;
  external_name: string;
  role_code: string | null;
  role_name: string | null;
  role_name_en: string | null;
  user_id: string | null;
  username: string | null;
  user_display_name: string | null;
  created_by: string;
  created_at: Date | string;
}

export function toExternalName(row: ExternalNameRow): ExternalName {
  return {
    id: row.id,
    kind: row.kind,
    externalName: row.external_name,
    roleCode: row.role_code,
    roleName: row.role_name,
    roleNameEn: row.role_name_en,
    userId: row.user_id,
    username: row.username,
    userDisplayName: row.user_display_name,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
  };
}
