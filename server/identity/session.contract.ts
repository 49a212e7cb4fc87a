import { z } from 'zod';
import { timestamp } from '../lib/contract.js';
import { departmentSchema } from './department.contract.js';

/** The signed-in user: roles, department and the actions they hold somewhere. */
export const sessionUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  department: departmentSchema.nullable(),
  roles: z.array(
    z.object({
      role: z.string(),
      departmentId: z.string(),
      departmentName: z.string().nullable(),
      departmentNameEn: z.string().nullable(),
    }),
  ),
  /** `object:action` strings the user holds in some department (the server decides per department). */
  actions: z.array(z.string()),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

/** GET /auth/me: the user, and the session's CSRF token to echo on writes (null with a bearer token). */
export const meSchema = sessionUserSchema.extend({ csrfToken: z.string().nullable() });
export type Me = z.infer<typeof meSchema>;

/** POST /auth/login: the user, the CSRF token of the new session and when it expires. */
export const loginSchema = z.object({ user: sessionUserSchema, csrfToken: z.string(), expiresAt: timestamp });
export type Login = z.infer<typeof loginSchema>;
