import { z } from 'zod';
import { iso, timestamp } from '../lib/contract.js';

/** A role a user holds in a department (and so in its subtree). */
export const roleAssignmentSchema = z.object({ role: z.string(), departmentId: z.string() });
export type RoleAssignment = z.infer<typeof roleAssignmentSchema>;

/** A user as the admin API answers it, with the role assignments (GET /admin/users/:id). */
export const userSchema = z.object({
  id: z.guid(),
  username: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
  departmentId: z.string(),
  active: z.boolean(),
  lockedUntil: timestamp.nullable(),
  createdAt: timestamp,
  roles: z.array(roleAssignmentSchema),
});
export type User = z.infer<typeof userSchema>;

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  phone: string | null;
  department_id: string;
  active: boolean;
  locked_until: Date | string | null;
  created_at: Date | string;
}

export const USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'phone',
  'department_id',
  'active',
  'locked_until',
  'created_at',
] as const;

export interface RoleAssignmentRow {
  user_id: string;
  role_code: string;
  department_id: string;
}

export function toUser(row: UserRow, roles: RoleAssignmentRow[]): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    phone: row.phone,
    departmentId: row.department_id,
    active: row.active,
    lockedUntil: iso(row.locked_until),
    createdAt: iso(row.created_at),
    roles: roles.filter((r) => r.user_id === row.id).map((r) => ({ role: r.role_code, departmentId: r.department_id })),
  };
}

/** A personal API token, without its secret (GET /auth/tokens). */
export const apiTokenSchema = z.object({
  id: z.guid(),
  name: z.string(),
  /** The public part of the token (`pmt_<prefix>_…`), to tell tokens apart. */
  prefix: z.string(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  expiresAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

export interface ApiTokenRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
}

export const API_TOKEN_COLUMNS = [
  'id',
  'name',
  'prefix',
  'created_at',
  'last_used_at',
  'expires_at',
  'revoked_at',
] as const;

export function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: iso(row.created_at),
    lastUsedAt: iso(row.last_used_at),
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
  };
}

/** A token just created: the only answer that carries its secret (POST /auth/tokens). */
export const createdApiTokenSchema = z.object({
  id: z.guid(),
  name: z.string(),
  prefix: z.string(),
  expiresAt: timestamp.nullable(),
  /** Shown once; send it as `Authorization: Bearer`. */
  token: z.string(),
});
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;

/** A colleague as the picker lists them (GET /users/search): who, and in which department. */
export const colleagueSchema = z.object({
  id: z.guid(),
  username: z.string(),
  displayName: z.string(),
  departmentId: z.string(),
  departmentName: z.string(),
  departmentNameEn: z.string().nullable(),
});
export type Colleague = z.infer<typeof colleagueSchema>;
