import { z } from 'zod';
import { noContent, route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { uuidParam } from './schemas.js';
import { AppError } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import { listSchema } from '../../lib/contract.js';
import { wholeList } from '../../workflow/paging.js';
import type { Authenticated } from '../../identity/auth.service.js';
import { loginSchema, meSchema, type SessionUser } from '../../identity/session.contract.js';
import { apiTokenSchema, createdApiTokenSchema } from '../../identity/user.contract.js';
import { SESSION_COOKIE, CSRF_COOKIE, cookieOptions } from '../authenticate.js';

export function authRoutes(s: Services, secureCookies: boolean): Route[] {
  return [
    route({
      method: 'post',
      path: '/auth/login',
      tag: 'Authentication',
      summary: 'Log in with user name and password; sets an httpOnly SameSite session cookie',
      access: 'public',
      body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
      response: loginSchema,
      async handle({ body, ctx }) {
        if (secureCookies && !ctx.secure) {
          throw new AppError(
            400,
            'HTTPS_REQUIRED',
            'log in over HTTPS (session cookies are Secure); behind a TLS proxy set TRUST_PROXY=true',
          );
        }
        const result = await s.auth.login(body.username, body.password, {
          ip: ctx.ip,
          userAgent: ctx.get('user-agent'),
        });
        ctx.cookies.set(SESSION_COOKIE, result.sessionToken, {
          ...cookieOptions(secureCookies),
          httpOnly: true,
          expires: result.expiresAt,
        });
        ctx.cookies.set(CSRF_COOKIE, result.csrfToken, {
          ...cookieOptions(secureCookies),
          httpOnly: false,
          expires: result.expiresAt,
        });
        return {
          user: await me(s, result.actor),
          csrfToken: result.csrfToken,
          expiresAt: result.expiresAt.toISOString(),
        };
      },
    }),
    route({
      method: 'post',
      path: '/auth/logout',
      tag: 'Authentication',
      summary: 'End the current session',
      response: noContent,
      async handle({ actor, ctx }) {
        const token = ctx.cookies.get(SESSION_COOKIE);
        if (token) await s.auth.logout(token, actor);
        ctx.cookies.set(SESSION_COOKIE, null, cookieOptions(secureCookies));
        ctx.cookies.set(CSRF_COOKIE, null, { ...cookieOptions(secureCookies), httpOnly: false });
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/auth/me',
      tag: 'Authentication',
      summary: 'The current user: roles, departments and the actions they may take',
      response: meSchema,
      async handle({ actor, ctx }) {
        const auth = ctx.state.auth as Authenticated | null | undefined;
        return { ...(await me(s, actor)), csrfToken: auth?.csrfToken ?? null };
      },
    }),
    route({
      method: 'get',
      path: '/auth/tokens',
      tag: 'Authentication',
      summary: 'My personal API tokens',
      response: listSchema(apiTokenSchema),
      handle: async ({ actor }) => wholeList(await s.users.listTokens(actor.id)),
    }),
    route({
      method: 'post',
      path: '/auth/tokens',
      tag: 'Authentication',
      summary: 'Create a personal API token (shown once; send it as Authorization: Bearer)',
      body: z.object({ name: z.string().min(1).max(100), expiresAt: z.coerce.date().optional() }),
      status: 201,
      response: createdApiTokenSchema,
      handle: async ({ body, actor }) => s.users.createToken(actor.id, body.name, body.expiresAt ?? null, actor),
    }),
    route({
      method: 'delete',
      path: '/auth/tokens/:id',
      tag: 'Authentication',
      summary: 'Revoke one of my tokens',
      params: uuidParam,
      response: noContent,
      async handle({ params, actor }) {
        await s.users.revokeToken(params.id, actor, actor.id);
        return undefined;
      },
    }),
  ];
}

async function me(s: Services, actor: Actor): Promise<SessionUser> {
  const tree = await s.authorization.tree();
  return {
    id: actor.id,
    username: actor.username,
    displayName: actor.displayName,
    department: tree.get(actor.departmentId) ?? null,
    roles: actor.roles.map((r) => {
      const department = tree.get(r.departmentId);
      return {
        role: r.role,
        departmentId: r.departmentId,
        departmentName: department?.name ?? null,
        departmentNameEn: department?.nameEn ?? null,
      };
    }),
    actions: await s.authorization.actions(actor),
  };
}
