import { z } from 'zod';

/** The levels of the organisation tree, top down; a department sits below a higher level only. */
export const DEPARTMENT_LEVELS = ['headquarters', 'province', 'city', 'county', 'station'] as const;

/** A department of the organisation tree (GET /admin/departments, the caller's own in GET /auth/me). */
export const departmentSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  nameEn: z.string().nullable(),
  level: z.enum(DEPARTMENT_LEVELS),
  /** `/ROOT/…/ID/`: a grant on a department covers every path below it. */
  path: z.string(),
  active: z.boolean(),
});
export type Department = z.infer<typeof departmentSchema>;

export interface DepartmentRow {
  id: string;
  parent_id: string | null;
  name: string;
  name_en: string | null;
  level: Department['level'];
  path: string;
  active: boolean;
}

export const DEPARTMENT_COLUMNS = ['id', 'parent_id', 'name', 'name_en', 'level', 'path', 'active'] as const;

export function toDepartment(row: DepartmentRow): Department {
  return {
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
    nameEn: row.name_en,
    level: row.level,
    path: row.path,
    active: row.active,
  };
}
