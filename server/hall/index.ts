import Router from '@koa/router';
import type { Context } from 'koa';
import type { Actor } from '../lib/actor.js';
import { AppError, Forbidden } from '../lib/errors.js';
import { buildOpenApi } from '../http/openapi.js';
import { mount, type Route } from '../http/route.js';
import { safeEqual } from '../identity/auth.service.js';
import type { HallSession } from './customer-auth.service.js';
import { HALL_CSRF_COOKIE, HALL_SESSION_COOKIE, hallRoutes, type HallServices } from './routes.js';

export { CustomerAuthService } from './customer-auth.service.js';
export { HallAccountsService } from './accounts.service.js';
export { HallPaymentsService } from './payments.service.js';
export { HallProfileService } from './profile.service.js';
export { HallMessagesService } from './messages.service.js';
export { HallApplicationsService } from './applications.service.js';
export { SmsCodes, SMS_CODE_LIMITS } from './sms-codes.js';
export { HALL_CSRF_COOKIE, HALL_SESSION_COOKIE, type HallServices } from './routes.js';

export const HALL_PREFIX = '/api/hall/v1';
/** A customer's requests are small forms: 16 KiB is plenty, and a bigger body is refused unread. */
export const HALL_BODY_LIMIT_BYTES = 16 * 1024;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface HallApi {
  router: Router;
  routes: Route[];
  /** The hall's section of the OpenAPI document: its paths, tag and cookie scheme. */
  openApi(): { paths: Record<string, Record<string, unknown>>; tag: { name: string; description: string } };
}

/**
 * The customer session of a request: only the hall cookie counts (a staff cookie or bearer token
 * is no customer), and a cookie-authenticated write must echo the session's CSRF token in
 * `x-csrf-token`, as for staff.
 */
async function authenticateCustomer(services: HallServices, ctx: Context): Promise<HallSession | null> {
  if (ctx.state.hallSession !== undefined) return (ctx.state.hallSession as HallSession | null) ?? null;
  const cookie = ctx.cookies.get(HALL_SESSION_COOKIE);
  const session = cookie ? await services.auth.fromSession(cookie) : null;
  if (session && UNSAFE.has(ctx.method)) {
    const sent = ctx.get('x-csrf-token');
    if (!sent || !safeEqual(sent, session.csrfToken))
      throw new Forbidden('missing or wrong CSRF token (send the x-csrf-token header)', 'CSRF_FAILED');
  }
  ctx.state.hallSession = session;
  return session;
}

/**
 * The hall's API under /api/hall/v1: its own router, authenticator and body limit, mounted by the
 * same `mount` as the staff API (validation, declared responses). A customer is never a Casbin
 * subject: a hall route names no permission, and the hall's authorize hook refuses any that would.
 */
export function createHallApi(
  services: HallServices,
  options: { secureCookies: boolean; validateResponses: boolean },
): HallApi {
  const routes = hallRoutes(services, options.secureCookies);
  const router = new Router({ prefix: HALL_PREFIX });
  router.use(async (ctx, next) => {
    ctx.state.bodyLimits = { jsonBytes: HALL_BODY_LIMIT_BYTES, fileBytes: HALL_BODY_LIMIT_BYTES };
    await next();
  });
  const hooks = {
    async authenticate(ctx: Context): Promise<Actor | null> {
      const session = await authenticateCustomer(services, ctx);
      if (!session) return null;
      // route() hands handlers an Actor; a customer's carries no roles, so no staff rule can admit it.
      return {
        id: `customer:${session.loginId}`,
        kind: 'user',
        username: session.phone,
        displayName: session.displayName,
        departmentId: null,
        roles: [],
        ip: ctx.ip,
        userAgent: ctx.get('user-agent'),
      };
    },
    authorize(): Promise<void> {
      return Promise.reject(new AppError(403, 'FORBIDDEN', 'the customer hall grants no staff permission'));
    },
  };
  for (const route of routes) mount(router, route, hooks, { validateResponses: options.validateResponses });
  return {
    router,
    routes,
    openApi() {
      const doc = buildOpenApi(routes, HALL_PREFIX);
      for (const ops of Object.values(doc.paths))
        for (const op of Object.values(ops) as { security?: unknown[] }[])
          if (!op.security) op.security = [{ hallSession: [] }];
      return {
        paths: doc.paths,
        tag: {
          name: 'Customer hall',
          description: `The customer realm (网上营业厅) under ${HALL_PREFIX}: its own cookie (${HALL_SESSION_COOKIE}, CSRF in ${HALL_CSRF_COOKIE} → x-csrf-token); staff sessions are no customer.`,
        },
      };
    },
  };
}

/** Adds the hall's section (paths under its own tag, its cookie scheme) to the platform's OpenAPI document. */
export function withHall<
  D extends { paths: Record<string, Record<string, unknown>>; components: Record<string, Record<string, unknown>> },
>(document: D, hall: HallApi | undefined): D {
  if (!hall) return document;
  const own = hall.openApi();
  return {
    ...document,
    tags: [...((document as { tags?: unknown[] }).tags ?? []), own.tag],
    paths: { ...document.paths, ...own.paths },
    components: {
      ...document.components,
      securitySchemes: {
        ...document.components.securitySchemes,
        hallSession: { type: 'apiKey', in: 'cookie', name: HALL_SESSION_COOKIE },
      },
    },
  };
}
