import { z } from 'zod';

/** A role users hold in departments (GET /admin/roles). */
export const roleSchema = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  description: z.string().nullable(),
  /** Shipped with the platform (its grants come from the default policy). */
  builtin: z.boolean(),
});
export type Role = z.infer<typeof roleSchema>;

export interface RoleRow {
  code: string;
  name: string;
  name_en: string | null;
  description: string | null;
  builtin: boolean;
}

export const ROLE_COLUMNS = ['code', 'name', 'name_en', 'description', 'builtin'] as const;

export function toRole(row: RoleRow): Role {
  return { code: row.code, name: row.name, nameEn: row.name_en, description: row.description, builtin: row.builtin };
}

/** A policy row: `role` may do `action` on `object` in the departments where it is held. */
export const policySchema = z.object({ role: z.string(), object: z.string(), action: z.string() });
export type Policy = z.infer<typeof policySchema>;
