import { z } from 'zod';
import { noContent, rawResponse, route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { pagingQuery, uuidParam } from './schemas.js';
import { listSchema } from '../../lib/contract.js';
import { wholeList } from '../../workflow/paging.js';
import { auditEntrySchema } from '../../identity/audit-entry.contract.js';
import { DEPARTMENT_LEVELS, departmentSchema } from '../../identity/department.contract.js';
import { policySchema, roleSchema } from '../../identity/role.contract.js';
import { apiTokenSchema, colleagueSchema, userSchema } from '../../identity/user.contract.js';
import { auditCsv } from '../../identity/audit.service.js';
import { departmentScope, inDepartments } from '../../access/department-subtree.js';
import { NotFound } from '../../lib/errors.js';
import { serviceSchema, toService } from '../../services/service.contract.js';
import { externalNameSchema } from '../../identity/external-name.contract.js';

const ADMIN = { object: 'admin', action: 'manage' } as const;
const auditQuery = {
  actorId: z.string().optional(),
  /** An action (task.claim) or a family of them (task). */
  action: z.string().optional(),
  objectType: z.string().optional(),
  objectId: z.string().optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
};
/** An export holds at most this many rows (the newest); narrow the filter for older ones. */
const AUDIT_EXPORT_MAX = 10_000;
const policyPreviewSchema = z.object({
  role: z.string(),
  departmentId: z.string(),
  /** The departments the grant covers: the department and its subtree. */
  departmentIds: z.array(z.string()),
  grants: z.array(z.object({ object: z.string(), action: z.string(), allowed: z.boolean() })),
});
const policyBody = z.object({ role: z.string().min(1), object: z.string().min(1), action: z.string().min(1) });

/** The admin API (issue 3 §6): protected by the administrator role through the `admin:manage` grant. */
export function adminRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/admin/departments',
      tag: 'Administration',
      summary: 'The organisation tree',
      permission: ADMIN,
      response: listSchema(departmentSchema),
      handle: async () => wholeList(await s.organisation.listDepartments()),
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
        level: z.enum(DEPARTMENT_LEVELS),
      }),
      status: 201,
      response: departmentSchema,
      handle: async ({ body, actor }) => s.organisation.createDepartment(body, actor),
    }),
    route({
      method: 'patch',
      path: '/admin/departments/:id',
      tag: 'Administration',
      summary: 'Rename or deactivate a department',
      permission: ADMIN,
      params: z.object({ id: z.string().min(1) }),
      body: z
        .object({
          name: z.string().min(1).max(100).optional(),
          nameEn: z.string().max(100).optional(),
          active: z.boolean().optional(),
        })
        // An update naming no column is not a change (and not an SQL statement).
        .refine((b) => Object.values(b).some((v) => v !== undefined), {
          message: 'names nothing to change: send at least one of name, nameEn, active',
        }),
      response: departmentSchema,
      handle: async ({ params, body, actor }) => s.organisation.updateDepartment(params.id, body, actor),
    }),
    route({
      method: 'get',
      path: '/admin/roles',
      tag: 'Administration',
      summary: 'Roles',
      permission: ADMIN,
      response: listSchema(roleSchema),
      handle: async () => wholeList(await s.organisation.listRoles()),
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
      response: roleSchema,
      handle: async ({ body, actor }) => s.organisation.createRole(body, actor),
    }),
    route({
      method: 'patch',
      path: '/admin/roles/:code',
      tag: 'Administration',
      summary: 'Rename a role (its Chinese and English names) or change its description',
      permission: ADMIN,
      params: z.object({ code: z.string().min(1) }),
      body: z
        .object({
          name: z.string().trim().min(1).max(100).optional(),
          nameEn: z.string().trim().max(100).nullable().optional(),
          description: z.string().max(500).nullable().optional(),
        })
        .refine((b) => Object.values(b).some((v) => v !== undefined), {
          message: 'names nothing to change: send at least one of name, nameEn, description',
        }),
      response: roleSchema,
      handle: async ({ params, body, actor }) => s.organisation.updateRole(params.code, body, actor),
    }),
    route({
      method: 'get',
      path: '/admin/policy-preview',
      tag: 'Administration',
      summary:
        'What a holder of a role in a department may do there: every known object and action, decided by the live Casbin policy',
      permission: ADMIN,
      query: z.object({ role: z.string().min(1), departmentId: z.string().min(1) }),
      response: policyPreviewSchema,
      async handle({ query }) {
        if (!(await s.organisation.listRoles()).some((r) => r.code === query.role))
          throw new NotFound('role', query.role);
        const preview = await s.authorization.preview(query.role, query.departmentId);
        if (!preview) throw new NotFound('department', query.departmentId);
        return { role: query.role, departmentId: query.departmentId, ...preview };
      },
    }),
    route({
      method: 'get',
      path: '/admin/policies',
      tag: 'Administration',
      summary: 'Policy rows (role, object, action)',
      permission: ADMIN,
      response: listSchema(policySchema),
      handle: async () => wholeList(await s.organisation.listPolicies()),
    }),
    route({
      method: 'post',
      path: '/admin/policies',
      tag: 'Administration',
      summary: 'Grant a role an action on an object (effective on every node at once)',
      permission: ADMIN,
      body: policyBody,
      status: 201,
      response: policySchema,
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
      response: noContent,
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
      response: listSchema(userSchema),
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
      response: userSchema,
      handle: async ({ body, actor }) => s.users.create(body, actor),
    }),
    route({
      method: 'get',
      path: '/admin/users/:id',
      tag: 'Administration',
      summary: 'One user',
      permission: ADMIN,
      params: uuidParam,
      response: userSchema,
      handle: async ({ params }) => s.users.get(params.id),
    }),
    route({
      method: 'patch',
      path: '/admin/users/:id',
      tag: 'Administration',
      summary: 'Update, deactivate, lock or reset the password of a user',
      permission: ADMIN,
      params: uuidParam,
      body: z
        .object({
          displayName: z.string().min(1).max(100).optional(),
          phone: z.string().max(32).optional(),
          departmentId: z.string().min(1).optional(),
          password: z.string().min(1).max(200).optional(),
          active: z.boolean().optional(),
          lockedUntil: z.coerce.date().nullable().optional(),
        })
        // An update naming no column is not a change (and not an SQL statement).
        .refine((b) => Object.values(b).some((v) => v !== undefined), {
          message:
            'names nothing to change: send at least one of displayName, phone, departmentId, password, active, lockedUntil',
        }),
      response: userSchema,
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
      response: userSchema,
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
      response: userSchema,
      handle: async ({ params, body, actor }) => s.users.removeRole(params.id, body.role, body.departmentId, actor),
    }),
    route({
      method: 'get',
      path: '/admin/users/:id/tokens',
      tag: 'Administration',
      summary: "A user's API tokens",
      permission: ADMIN,
      params: uuidParam,
      response: listSchema(apiTokenSchema),
      handle: async ({ params }) => wholeList(await s.users.listTokens(params.id)),
    }),
    route({
      method: 'delete',
      path: '/admin/tokens/:id',
      tag: 'Administration',
      summary: 'Revoke any API token',
      permission: ADMIN,
      params: uuidParam,
      response: noContent,
      async handle({ params, actor }) {
        await s.users.revokeToken(params.id, actor);
        return undefined;
      },
    }),
    ...externalNameRoutes(s),
    route({
      method: 'get',
      path: '/admin/audit-log',
      tag: 'Administration',
      summary: 'The append-only audit log',
      permission: { object: 'audit', action: 'read' },
      query: z.object({ ...auditQuery, ...pagingQuery }),
      response: listSchema(auditEntrySchema),
      handle: async ({ query }) => s.audit.list(query, { offset: query.offset, limit: query.limit }),
    }),
    route({
      method: 'get',
      path: '/admin/audit-log.csv',
      tag: 'Administration',
      summary: `The audit log entries the filter matches as CSV (the newest ${AUDIT_EXPORT_MAX}); the export is itself audited`,
      permission: { object: 'audit', action: 'read' },
      query: z.object(auditQuery),
      response: rawResponse('text/csv'),
      async handle({ query, actor, ctx }) {
        const entries = await s.audit.export(query, AUDIT_EXPORT_MAX);
        await s.audit.record(actor, 'audit.export', 'audit_log', null, { ...query, rows: entries.length }, ctx);
        ctx.type = 'text/csv; charset=utf-8';
        ctx.set('content-disposition', 'attachment; filename="audit-log.csv"');
        return auditCsv(entries);
      },
    }),
    route({
      method: 'get',
      path: '/users/search',
      tag: 'Tasks',
      summary:
        'Colleagues by name or user name, for delegating and reassigning: active users in the departments where the caller may read tasks',
      permission: { object: 'task', action: 'read' },
      query: z.object({
        q: z.string().trim().min(1).max(100),
        limit: z.coerce.number().int().min(1).max(50).default(20),
      }),
      response: listSchema(colleagueSchema),
      async handle({ query, actor }) {
        const scope = await departmentScope(s.authorization, actor, 'task', 'read');
        return wholeList(await s.users.searchColleagues(query.q, inDepartments(scope, 'u.department_id'), query.limit));
      },
    }),
    route({
      method: 'get',
      path: '/services',
      tag: 'Deployments',
      summary: 'The service registry: what a service task may call, with inputs and outputs',
      permission: { object: 'definition', action: 'read' },
      response: listSchema(serviceSchema),
      handle: () => Promise.resolve(wholeList(s.registry.list().map(toService))),
    }),
  ];
}

const externalName = z.string().trim().min(1).max(100);

/** External names: Camunda 7 group names and user ids, mapped to roles and users (identity/external-names.service.ts). */
function externalNameRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/admin/external-names',
      tag: 'Administration',
      summary: 'External group names mapped to roles and external user ids mapped to users',
      permission: ADMIN,
      response: listSchema(externalNameSchema),
      handle: async () => wholeList(await s.externalNames.list()),
    }),
    route({
      method: 'post',
      path: '/admin/external-names',
      tag: 'Administration',
      summary:
        "Map an external group name to a role, or an external user id to a user: their tasks are the role's and the user's (open tasks included; effective on every node at once)",
      permission: ADMIN,
      body: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('group'), externalName, roleCode: z.string().min(1).max(41) }),
        z.object({ kind: z.literal('user'), externalName, username: z.string().min(1).max(64) }),
      ]),
      status: 201,
      response: externalNameSchema,
      handle: async ({ body, actor }) => s.externalNames.create(body, actor),
    }),
    route({
      method: 'delete',
      path: '/admin/external-names/:id',
      tag: 'Administration',
      summary: 'Remove a mapping (tasks already given to its user stay theirs)',
      permission: ADMIN,
      params: uuidParam,
      response: noContent,
      async handle({ params, actor }) {
        await s.externalNames.remove(params.id, actor);
        return undefined;
      },
    }),
  ];
}
