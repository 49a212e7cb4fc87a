import type Router from '@koa/router';
import type { Context } from 'koa';
import { z, type ZodType } from 'zod';
import { Forbidden, Invalid, Unauthorized, type ErrorDetail } from '../lib/errors.js';
import type { Actor } from '../lib/actor.js';
import { readBody, type BodyKind } from './body.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  ctx: Context;
}

/** A permission a route needs; `can()` decides it for the acting user (deny by default). */
export interface RoutePermission {
  object: string;
  action: string;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** Koa-style path below /api/v1, e.g. `/process-instances/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** `public` routes answer without a session (login, health); everything else needs one. */
  access?: 'public' | 'authenticated';
  /** What the route needs besides a session; checked before the handler runs. */
  permission?: RoutePermission;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  bodyKind?: BodyKind;
  status?: number;
  responseDescription?: string;
  handle(input: RouteInput<P, Q, B>): Promise<unknown>;
}

/** A route of any input types, for lists of routes (each route is checked where it is written). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any>;

/**
 * Declares a route: the handler's `params`, `query` and `body` are typed from the zod schemas
 * that validate (and document) them.
 */
export function route<P = undefined, Q = undefined, B = undefined>(spec: RouteSpec<P, Q, B>): AnyRoute {
  return spec as AnyRoute;
}

export interface RouteHooks {
  /** Resolves the acting user from the session cookie or bearer token (null: anonymous). */
  authenticate(ctx: Context): Promise<Actor | null>;
  /** Throws Forbidden unless the actor holds the permission somewhere in the organisation. */
  authorize(actor: Actor, permission: RoutePermission): Promise<void>;
}

function zodDetails(error: z.ZodError, where: string): ErrorDetail[] {
  return error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].filter(Boolean).join('.'),
    reason: issue.message,
  }));
}

function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = zodDetails(result.error, where);
    throw new Invalid(
      'VALIDATION_FAILED',
      `invalid ${where}: ${details.map((d) => `${d.field} ${d.reason}`).join('; ')}`,
      details,
    );
  }
  return result.data;
}

/** Registers one route: authenticate, authorize, validate with the schemas that also document it, handle. */
export function mount(router: Router, spec: AnyRoute, hooks: RouteHooks): void {
  router[spec.method](spec.path, async (ctx) => {
    ctx.state.routePath = spec.path;
    let actor: Actor | null = null;
    if (spec.access !== 'public') {
      actor = await hooks.authenticate(ctx);
      if (!actor) throw new Unauthorized();
      if (spec.permission) await hooks.authorize(actor, spec.permission);
    }
    const params = parse(spec.params, ctx.params, 'path');
    const query = parse(spec.query, ctx.query, 'query');
    const raw = spec.body || spec.bodyKind ? await readBody(ctx, spec.bodyKind ?? 'json') : undefined;
    const body = parse(spec.body, raw, 'body');
    const result = await spec.handle({ params, query, body, actor: actor as Actor, ctx });
    if (ctx.body === undefined || ctx.body === null) {
      ctx.status = spec.status ?? (result === undefined ? 204 : 200);
      if (result !== undefined) ctx.body = result;
    }
  });
}

export function requirePermission(actor: Actor | null, allowed: boolean): void {
  if (!actor) throw new Unauthorized();
  if (!allowed) throw new Forbidden();
}
