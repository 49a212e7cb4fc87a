import { z } from 'zod';
import { route, type AnyRoute } from '../route.js';
import type { Services } from '../services.js';
import { pagingQuery, uuidParam } from './schemas.js';

const ADMIN = { object: 'admin', action: 'manage' } as const;
const policyBody = z.object({ role: z.string().min(1), object: z.string().min(1), action: z.string().min(1) });

/** The admin API (issue 3 §6): protected by the administrator role through the `admin:manage` grant. */
export function adminRoutes(s: Services): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/admin/departments',
      tag: 'Administration',
      summary: 'The organisation tree',
      permission: ADMIN,
      handle: async () => ({ items: await s.organisation.listDepartments() }),
    }),
    route({
      method: 'post',
      path: '/admin/departments',
      tag: 'Administration',
      summary: 'Add a department below a parent',
      permission: ADMIN,
      body: z.object({
        id: z.string().min(2).max(32),
        parentId: z.string().nullable(),
        name: z.string().min(1).max(100),
        nameEn: z.string().max(100).optional(),
        level: z.enum(['headquarters', 'province', 'city', 'county', 'station']),
      }),
      status: 201,
      handle: async ({ body, actor }) => s.organisation.createDepartment(body, actor),
    }),
    route({
      method: 'patch',
      path: '/admin/departments/:id',
      tag: 'Administration',
      summary: 'Rename or deactivate a department',
      permission: ADMIN,
      params: z.object({ id: z.string().min(1) }),
      body: z.object({
        name: z.string().min(1).max(100).optional(),
        nameEn: z.string().max(100).optional(),
        active: z.boolean().optional(),
      }),
      handle: async ({ params, body, actor }) => s.organisation.updateDepartment(params.id, body, actor),
    }),
    route({
      method: 'get',
      path: '/admin/roles',
      tag: 'Administration',
      summary: 'Roles',
      permission: ADMIN,
      handle: async () => ({ items: await s.organisation.listRoles() }),
    }),
    route({
      method: 'post',
      path: '/admin/roles',
      tag: 'Administration',
      summary: 'Add a role',
      permission: ADMIN,
      body: z.object({
        code: z.string().min(2).max(41),
        name: z.string().min(1).max(100),
        nameEn: z.string().max(100).optional(),
        description: z.string().max(500).optional(),
      }),
      status: 201,
      handle: async ({ body, actor }) => s.organisation.createRole(body, actor),
    }),
    route({
      method: 'get',
      path: '/admin/policies',
      tag: 'Administration',
      summary: 'Policy rows (role, object, action)',
      permission: ADMIN,
      handle: async () => ({ items: await s.organisation.listPolicies() }),
    }),
    route({
      method: 'post',
      path: '/admin/policies',
      tag: 'Administration',
      summary: 'Grant a role an action on an object (effective on every node at once)',
      permission: ADMIN,
      body: policyBody,
      status: 201,
      async handle({ body, actor }) {
        await s.organisation.addPolicy(body, actor);
        return body;
      },
    }),
    route({
      method: 'delete',
      path: '/admin/policies',
      tag: 'Administration',
      summary: 'Withdraw a grant',
      permission: ADMIN,
      body: policyBody,
      async handle({ body, actor }) {
        await s.organisation.removePolicy(body, actor);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/admin/users',
      tag: 'Administration',
      summary: 'Users, with their role assignments',
      permission: ADMIN,
      query: z.object({ departmentId: z.string().optional(), q: z.string().max(100).optional(), ...pagingQuery }),
      handle: async ({ query }) => s.users.list(query, { offset: query.offset, limit: query.limit }),
    }),
    route({
      method: 'post',
      path: '/admin/users',
      tag: 'Administration',
      summary: 'Create a user',
      permission: ADMIN,
      body: z.object({
        username: z.string().min(2).max(64),
        displayName: z.string().min(1).max(100),
        phone: z.string().max(32).optional(),
        departmentId: z.string().min(1),
        password: z.string().max(200).optional(),
        active: z.boolean().optional(),
      }),
      status: 201,
      handle: async ({ body, actor }) => s.users.create(body, actor),
    }),
    route({
      method: 'get',
      path: '/admin/users/:id',
      tag: 'Administration',
      summary: 'One user',
      permission: ADMIN,
      params: uuidParam,
      handle: async ({ params }) => s.users.get(params.id),
    }),
    route({
      method: 'patch',
      path: '/admin/users/:id',
      tag: 'Administration',
      summary: 'Update, deactivate, lock or reset the password of a user',
      permission: ADMIN,
      params: uuidParam,
      body: z.object({
        displayName: z.string().min(1).max(100).optional(),
        phone: z.string().max(32).optional(),
        departmentId: z.string().optional(),
        password: z.string().max(200).optional(),
        active: z.boolean().optional(),
        lockedUntil: z.coerce.date().nullable().optional(),
      }),
      handle: async ({ params, body, actor }) => s.users.update(params.id, body, actor),
    }),
    route({
      method: 'post',
      path: '/admin/users/:id/roles',
      tag: 'Administration',
      summary: 'Give a user a role in a department (covers its subtree)',
      permission: ADMIN,
      params: uuidParam,
      body: z.object({ role: z.string().min(1), departmentId: z.string().min(1) }),
      status: 201,
      handle: async ({ params, body, actor }) => s.users.assignRole(params.id, body.role, body.departmentId, actor),
    }),
    route({
      method: 'delete',
      path: '/admin/users/:id/roles',
      tag: 'Administration',
      summary: 'Take a role in a department away (never from the last administrator)',
      permission: ADMIN,
      params: uuidParam,
      body: z.object({ role: z.string().min(1), departmentId: z.string().min(1) }),
      handle: async ({ params, body, actor }) => s.users.removeRole(params.id, body.role, body.departmentId, actor),
    }),
    route({
      method: 'get',
      path: '/admin/users/:id/tokens',
      tag: 'Administration',
      summary: "A user's API tokens",
      permission: ADMIN,
      params: uuidParam,
      handle: async ({ params }) => ({ items: await s.users.listTokens(params.id) }),
    }),
    route({
      method: 'delete',
      path: '/admin/tokens/:id',
      tag: 'Administration',
      summary: 'Revoke any API token',
      permission: ADMIN,
      params: uuidParam,
      async handle({ params, actor }) {
        await s.users.revokeToken(params.id, actor);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/admin/audit-log',
      tag: 'Administration',
      summary: 'The append-only audit log',
      permission: { object: 'audit', action: 'read' },
      query: z.object({
        actorId: z.string().optional(),
        action: z.string().optional(),
        objectType: z.string().optional(),
        objectId: z.string().optional(),
        from: z.coerce.date().optional(),
        to: z.coerce.date().optional(),
        ...pagingQuery,
      }),
      handle: async ({ query }) => s.audit.list(query, { offset: query.offset, limit: query.limit }),
    }),
    route({
      method: 'get',
      path: '/services',
      tag: 'Deployments',
      summary: 'The service registry: what a service task may call, with inputs and outputs',
      permission: { object: 'definition', action: 'read' },
      handle: async () => ({ items: s.registry.list() }),
    }),
  ];
}
