import type { Context, Next } from 'koa';
import { AppError } from '../../lib/errors.js';
import { isConnectionError } from '../../db/index.js';
import type { Logger } from '../../lib/logger.js';

/**
 * The one error middleware at the top of the chain (STYLE.md habit 4): every failure becomes
 * application/problem+json with a stable code; unexpected errors are logged and answered 500
 * without their stack.
 */
export function problemJson(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError(404, 'ROUTE_NOT_FOUND', `no route ${ctx.method} ${ctx.path}`);
      }
    } catch (caught) {
      const err = isConnectionError(caught) ? databaseUnavailable(caught, logger, ctx) : caught;
      const known = err instanceof AppError ? err : null;
      if (known?.code === 'DATABASE_UNAVAILABLE') ctx.set('retry-after', '2');
      if (typeof known?.extra.retryAfter === 'number') ctx.set('retry-after', String(known.extra.retryAfter));
      const httpStatus = (err as { status?: number }).status;
      const status = known?.status ?? (httpStatus && httpStatus >= 400 && httpStatus < 500 ? httpStatus : 500);
      if (!known && status >= 500)
        logger.error({ err, path: ctx.path, method: ctx.method, requestId: ctx.state.requestId }, 'request failed');
      ctx.status = status;
      ctx.type = 'application/problem+json';
      ctx.body = {
        type: `about:blank`,
        title: known ? known.message : status >= 500 ? 'Internal server error' : (err as Error).message,
        status,
        code: known?.code ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'),
        detail:
          known?.message ??
          (status >= 500 ? 'The server could not complete the request; it has been logged.' : (err as Error).message),
        ...(known?.details.length ? { errors: known.details } : {}),
        ...known?.extra,
        instance: ctx.path,
        requestId: (ctx.state as { requestId?: string }).requestId,
      };
    }
  };
}

/**
 * The database is out of reach: a temporary condition of the service, not a fault of the request
 * — 503 with a stable code, so clients and load balancers retry instead of reporting a bug. A
 * node too busy to get one of its pooled connections within the pool's wait ends here too (the
 * pool cannot tell a full pool from a server that refuses new connections), so the text says both.
 */
function databaseUnavailable(err: unknown, logger: Logger, ctx: Context): AppError {
  logger.warn({ err: (err as Error).message, path: ctx.path, method: ctx.method }, 'database unavailable');
  return new AppError(503, 'DATABASE_UNAVAILABLE', 'The database is not reachable or too busy; try again shortly.');
}
