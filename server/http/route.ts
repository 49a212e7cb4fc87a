import type Router from '@koa/router';
import type { Context } from 'koa';
import { z, type ZodType } from 'zod';
import { AppError, Invalid, Unauthorized, type ErrorDetail } from '../lib/errors.js';
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

/** A route that answers 204 with no body. */
export const noContent = { kind: 'no-content' } as const;
export type NoContent = typeof noContent;

/**
 * A route whose body is not JSON (a BPMN file, an attachment): the handler returns the bytes or
 * text and sets any headers itself; `contentType` documents it.
 */
export interface RawResponse {
  kind: 'raw';
  contentType: string;
}
export function rawResponse(contentType: string): RawResponse {
  return { kind: 'raw', contentType };
}

export type ResponseSpec = ZodType | NoContent | RawResponse;

/**
 * A file answered instead of the declared JSON (a report as .xlsx or .csv): bytes or a stream,
 * sent as an attachment named `filename`. Its content type must be one the route lists in
 * `downloads`, so the OpenAPI document declares it; the JSON schema does not apply to it.
 */
export class Download {
  constructor(
    readonly contentType: string,
    readonly filename: string,
    readonly body: string | Buffer | NodeJS.ReadableStream,
  ) {}
}

/** `attachment; filename=…` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** What a handler returns for a response spec: the schema's output, raw bytes, or nothing. */
export type ResponseBody<S extends ResponseSpec> = S extends ZodType
  ? z.output<S>
  : S extends RawResponse
    ? string | Buffer | Uint8Array
    : undefined;

/**
 * An answer with a status of its own (e.g. 200 for a replayed create whose route answers 201);
 * the body is still the route's declared response.
 */
export class Answer<T> {
  constructor(
    readonly status: number,
    readonly body: T,
  ) {}
}

export interface RouteSpec<P, Q, B, S extends ResponseSpec> {
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
  /** The success answer's declared shape: a zod schema of the JSON body, `noContent` or `rawResponse(type)`. */
  response: S;
  /** The success status (default 200, or 204 for `noContent`). */
  status?: number;
  /** Other success statuses an `Answer` may carry (documented with the same body). */
  otherStatuses?: number[];
  responseDescription?: string;
  /** Content types of files the route may answer instead (`Download`), e.g. a report as .xlsx. */
  downloads?: string[];
  handle(input: RouteInput<P, Q, B>): Promise<ResponseBody<S> | Answer<ResponseBody<S>> | Download>;
}

declare const routeBrand: unique symbol;

/**
 * A declared route. Only `route()` makes one, so a plain object cannot be mounted: every mounted
 * route has typed inputs and a declared response.
 */
export interface Route {
  readonly [routeBrand]: true;
  readonly method: Method;
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly access?: 'public' | 'authenticated';
  readonly permission?: RoutePermission;
  readonly params?: ZodType;
  readonly query?: ZodType;
  readonly body?: ZodType;
  readonly bodyKind?: BodyKind;
  readonly response: ResponseSpec;
  readonly status?: number;
  readonly otherStatuses?: number[];
  readonly responseDescription?: string;
  readonly downloads?: string[];
  handle(input: RouteInput<unknown, unknown, unknown>): Promise<unknown>;
}

/**
 * Declares a route: the handler's `params`, `query` and `body` are typed from the zod schemas
 * that validate (and document) them, and its result from the declared response.
 */
export function route<P = undefined, Q = undefined, B = undefined, S extends ResponseSpec = ResponseSpec>(
  spec: RouteSpec<P, Q, B, S>,
): Route {
  return spec as unknown as Route;
}

export interface RouteHooks {
  /** Resolves the acting user from the session cookie or bearer token (null: anonymous). */
  authenticate(ctx: Context): Promise<Actor | null>;
  /** Throws Forbidden unless the actor holds the permission somewhere in the organisation. */
  authorize(actor: Actor, permission: RoutePermission): Promise<void>;
}

export interface MountOptions {
  /**
   * Check every answer against its declared schema (on in tests): a field missing, of the wrong
   * type, or not declared at all is a 500 naming the route and the fields, so drift fails a test.
   */
  validateResponses: boolean;
}

function zodDetails(error: z.ZodError, where: string): ErrorDetail[] {
  return error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].filter(Boolean).join('.'),
    reason: issue.message,
  }));
}

// A NUL byte cannot be stored in a PostgreSQL text or jsonb value, and a lone UTF-16 surrogate
// is not text at all: both are refused at the boundary rather than failing deep in a query.
// eslint-disable-next-line no-control-regex -- matching the NUL byte is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// PostgreSQL's timestamptz spans 4713 BC to 294276 AD; the API takes years 1–9999.
const EARLIEST = Date.UTC(1, 0, 1) - 1;
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The first value in a request that no column could hold: unstorable text, or a date out of range. */
export function unstorable(value: unknown, path: string, depth = 0): ErrorDetail | null {
  if (typeof value === 'string') {
    return UNSTORABLE.test(value) ? { field: path, reason: 'contains a NUL byte or an unpaired surrogate' } : null;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) || ms < EARLIEST || ms > LATEST
      ? { field: path, reason: 'is not a date between the years 1 and 9999' }
      : null;
  }
  if (!value || typeof value !== 'object' || depth > 64) return null;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const where = path ? `${path}.${key}` : key;
    if (UNSTORABLE.test(key)) return { field: where, reason: 'the name contains a NUL byte or an unpaired surrogate' };
    const found = unstorable(item, where, depth + 1);
    if (found) return found;
  }
  return null;
}

function refuseUnstorable(value: unknown, where: string): void {
  const found = unstorable(value, where);
  if (found) throw new Invalid('VALIDATION_FAILED', `invalid ${where}: ${found.field} ${found.reason}`, [found]);
}

function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  refuseUnstorable(value, where);
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
  refuseUnstorable(result.data, where);
  return result.data;
}

export function isZodSchema(spec: ResponseSpec): spec is ZodType {
  return spec instanceof z.ZodType;
}

/** Paths of keys present in `wire` that the schema's output dropped: answered but undeclared. */
export function undeclaredKeys(wire: unknown, parsed: unknown, path = 'body'): string[] {
  if (Array.isArray(wire) && Array.isArray(parsed)) {
    return wire.flatMap((item, i) => undeclaredKeys(item, parsed[i], `${path}.${i}`));
  }
  if (wire && typeof wire === 'object' && parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const out = parsed as Record<string, unknown>;
    return Object.entries(wire as Record<string, unknown>).flatMap(([key, value]) =>
      key in out ? undeclaredKeys(value, out[key], `${path}.${key}`) : [`${path}.${key}`],
    );
  }
  return [];
}

/** Checks a JSON answer against its declared schema, in its wire form (dates as strings). */
export function checkResponse(spec: Route, body: unknown): void {
  if (!isZodSchema(spec.response)) return;
  const wire: unknown = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  const result = spec.response.safeParse(wire);
  const problems = result.success
    ? undeclaredKeys(wire, result.data).map((field) => ({ field, reason: 'not declared in the response schema' }))
    : zodDetails(result.error, 'body');
  if (problems.length) {
    throw new AppError(
      500,
      'RESPONSE_CONTRACT_VIOLATION',
      `${spec.method.toUpperCase()} ${spec.path} answered outside its declared schema: ${problems
        .slice(0, 10)
        .map((d) => `${d.field} ${d.reason}`)
        .join('; ')}`,
      problems,
    );
  }
}

/** Registers one route: authenticate, authorize, validate with the schemas that also document it, handle. */
export function mount(router: Router, spec: Route, hooks: RouteHooks, options: MountOptions): void {
  // route() requires a response at compile time; this guards code that cast its way past it.
  if (!spec.response) throw new Error(`${spec.method.toUpperCase()} ${spec.path} declares no response`);
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
    if (result instanceof Download) {
      if (!spec.downloads?.includes(result.contentType)) {
        throw new Error(`${spec.method.toUpperCase()} ${spec.path} answered an undeclared ${result.contentType}`);
      }
      ctx.status = 200;
      ctx.type = result.contentType;
      ctx.set('Content-Disposition', contentDisposition(result.filename));
      ctx.body = result.body;
      return;
    }
    const answer = result instanceof Answer ? (result as Answer<unknown>) : null;
    const payload = answer ? answer.body : result;
    if (options.validateResponses) checkResponse(spec, payload);
    if (spec.response === noContent) {
      ctx.status = 204;
      return;
    }
    ctx.status = answer?.status ?? spec.status ?? 200;
    if (!isZodSchema(spec.response) && !ctx.response.get('content-type'))
      ctx.type = (spec.response as RawResponse).contentType;
    ctx.body = payload;
  });
}
