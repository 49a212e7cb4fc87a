import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../../lib/logger.js';
import type { StepMetrics } from '../../workflow/metrics.js';

/** Request id, JSON access log and the HTTP latency histogram. */
export function observe(logger: Logger, metrics: StepMetrics) {
  return async (ctx: Context, next: Next) => {
    const started = performance.now();
    const incoming = ctx.get('x-request-id');
    const requestId = /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('x-request-id', requestId);
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
/**
 * Headers on every answer. API answers are data, never a page: `default-src 'none'` lets nothing
 * they contain run or load (the browser app and the API reference set their own, narrower policy).
 * HSTS only where the platform is served over HTTPS (secure cookies), as OWASP's HTTP headers
 * cheat sheet advises: over plain HTTP the header is ignored and would only mislead.
 */
export function securityHeaders(options: { hsts: boolean }) {
  return async (ctx: Context, next: Next) => {
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'same-origin');
    ctx.set('x-frame-options', 'DENY');
    ctx.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    ctx.set('cross-origin-resource-policy', 'same-origin');
    if (options.hsts) ctx.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
    await next();
  };
}
