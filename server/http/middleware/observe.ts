import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../../lib/logger.js';
import type { StepMetrics } from '../../workflow/metrics.js';

/** Request id, JSON access log and the HTTP latency histogram. */
export function observe(logger: Logger, metrics: StepMetrics) {
  return async (ctx: Context, next: Next) => {
    const started = performance.now();
    const incoming = ctx.get('x-request-id');
    ctx.state.requestId = /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.set('x-request-id', ctx.state.requestId);
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const route = (ctx.state.routePath as string | undefined) ?? 'unmatched';
      metrics.observeHttp(ctx.method, route, ctx.status, seconds);
      logger.debug(
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round(seconds * 1000),
        },
        'request',
      );
    }
  };
}

/** Security headers for every response (the browser app is served from the same origin). */
export function securityHeaders() {
  return async (ctx: Context, next: Next) => {
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'same-origin');
    ctx.set('x-frame-options', 'DENY');
    await next();
  };
}
