import type { Context, Next } from 'koa';
import { z } from 'zod';
import { AppError } from '../lib/errors.js';
import { isConnectionError } from '../db/index.js';
import type { Logger } from '../lib/logger.js';

/**
 * Camunda 7's error body (ExceptionDto): `type` is the Java exception's simple name, which
 * Camunda clients switch on; `code` is the engine's error code (0 when none applies).
 */
export const exceptionSchema = z.object({
  type: z.string(),
  message: z.string(),
  code: z.number().int().optional(),
});
export type CamundaException = z.infer<typeof exceptionSchema>;

/** The realm every 401 names in `WWW-Authenticate`. */
export const BASIC_REALM = 'engine-rest';

/**
 * An error raised in Camunda's own words: the status and exception type its REST reference
 * documents for the case (e.g. 500 TaskAlreadyClaimedException on a claim).
 */
export class CamundaError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code = 0,
    /** Further fields of the exception's DTO (ParseException's `details`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CamundaError';
  }
}

/** 400 InvalidRequestException: the request itself is wrong (bad parameter, unknown sort key…). */
export const invalidRequest = (message: string) => new CamundaError(400, 'InvalidRequestException', message);

/** 404 InvalidRequestException: what Camunda answers for a resource that does not exist (or is out of scope). */
export const notFound = (message: string) => new CamundaError(404, 'InvalidRequestException', message);

/**
 * Our error codes that Camunda reports with an exception type of its own; the status follows
 * Camunda's ExceptionHandlerHelper (engine exceptions are 500 unless they are bad user requests).
 */
const BY_CODE: Record<string, { status: number; type: string }> = {
  TASK_ALREADY_CLAIMED: { status: 500, type: 'TaskAlreadyClaimedException' },
  // Only the holder completes or releases a task here; Camunda's closest answer is a bad user request.
  TASK_NOT_ASSIGNED_TO_YOU: { status: 400, type: 'BadUserRequestException' },
};

/** Maps any error to Camunda's status and ExceptionDto. */
export function toCamunda(err: unknown): { status: number; body: CamundaException } {
  if (err instanceof CamundaError) {
    return { status: err.status, body: { type: err.type, message: err.message, code: err.code, ...err.extra } };
  }
  if (err instanceof AppError) {
    const known = BY_CODE[err.code];
    if (known) return { status: known.status, body: { type: known.type, message: err.message, code: 0 } };
    const details = err.details
      .map((d) => [d.field ?? d.element, d.reason].filter(Boolean).join(' '))
      .filter((d) => d && !err.message.includes(d));
    const message = details.length ? `${err.message} (${details.join('; ')})` : err.message;
    return { status: err.status, body: { type: typeForStatus(err.status), message, code: 0 } };
  }
  const status = (err as { status?: number }).status;
  if (status && status >= 400 && status < 500) {
    return { status, body: { type: typeForStatus(status), message: (err as Error).message, code: 0 } };
  }
  return {
    status: 500,
    body: {
      type: 'ProcessEngineException',
      message: 'The server could not complete the request; it has been logged.',
      code: 0,
    },
  };
}

function typeForStatus(status: number): string {
  if (status === 401) return 'AuthenticationException';
  if (status === 403) return 'AuthorizationException';
  if (status === 409) return 'OptimisticLockingException';
  if (status >= 500) return 'ProcessEngineException';
  // Camunda answers bad parameters, missing resources and oversized bodies as InvalidRequestException.
  return 'InvalidRequestException';
}

/**
 * The error middleware of /engine-rest, inside the platform's problem+json one: every failure on
 * this path answers Camunda's ExceptionDto (application/json), never a stack trace; 401s carry the
 * Basic challenge Camunda clients and Camunda Modeler expect.
 */
export function camundaErrors(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new CamundaError(404, 'RestException', `no resource ${ctx.method} ${ctx.path}`);
      }
    } catch (caught) {
      if (isConnectionError(caught)) {
        ctx.set('retry-after', '2');
        ctx.status = 503;
        ctx.body = {
          type: 'ProcessEngineException',
          message: 'The database is not reachable; try again shortly.',
          code: 0,
        };
        return;
      }
      const { status, body } = toCamunda(caught);
      if (status >= 500 && !(caught instanceof CamundaError) && !(caught instanceof AppError && caught.status < 500)) {
        logger.error(
          { err: caught, path: ctx.path, method: ctx.method, requestId: ctx.state.requestId },
          'engine-rest request failed',
        );
      }
      if (status === 401) ctx.set('www-authenticate', `Basic realm="${BASIC_REALM}"`);
      const retryAfter = caught instanceof AppError ? caught.extra.retryAfter : undefined;
      if (typeof retryAfter === 'number') ctx.set('retry-after', String(retryAfter));
      ctx.status = status;
      ctx.type = 'application/json';
      ctx.body = body;
    }
  };
}
