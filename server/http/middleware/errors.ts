import type { Context, Next } from 'koa';
import { AppError } from '../../lib/errors.js';
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
    } catch (err) {
      const known = err instanceof AppError ? err : null;
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
        requestId: ctx.state.requestId,
      };
    }
  };
}
