import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import type { Logger } from '../lib/logger.js';
import { AppError } from '../lib/errors.js';
import type { Services } from './services.js';
import { mount, type Route } from './route.js';
import { problemJson } from './middleware/errors.js';
import { observe, securityHeaders } from './middleware/observe.js';
import { authenticator } from './authenticate.js';
import { serveWebApp } from './static.js';
import { buildOpenApi, referencePage } from './openapi.js';
import { deploymentRoutes } from './routes/deployments.js';
import { designerRoutes } from './routes/designer.js';
import { instanceOperationRoutes } from './routes/instance-operations.js';
import { instanceRoutes } from './routes/instances.js';
import { taskRoutes } from '../tasks/routes.js';
import { decisionRoutes } from '../decisions/routes.js';
import { formRoutes } from './routes/forms.js';
import { messageAndIncidentRoutes } from './routes/messages.js';
import { authRoutes } from './routes/auth.js';
import { adminRoutes } from './routes/admin.js';
import { calculationRoutes } from './routes/calculations.js';
import { marketingRoutes } from './routes/marketing.js';
import { lateFeeReliefRoutes } from './routes/late-fee-reliefs.js';
import { billingRoutes } from './routes/billing.js';
import { notificationRoutes } from './routes/notifications.js';
import { riskRoutes } from './routes/risk.js';
import { monitoringRoutes } from './routes/monitoring.js';
import { batchRoutes } from '../batches/routes.js';
import { reportRoutes } from '../reports/routes.js';
import { gridRoutes } from '../grid/routes.js';
import { createEngineRest, withEngineRest } from '../engine-rest/index.js';
import { withHall, type HallApi } from '../hall/index.js';

export interface HttpOptions {
  logger: Logger;
  secureCookies: boolean;
  trustProxy: boolean;
  /** With trustProxy: ctx.ip is the X-Forwarded-For entry this many from the right (the ones our proxies wrote). */
  proxyHops?: number;
  bodyLimitBytes: number;
  /** Extra route groups (domain modules) mounted under /api/v1. */
  extraRoutes?: Route[];
  /** Check every answer against its declared schema (on in tests). */
  validateResponses: boolean;
  /** Answers /readyz: the database answers and migrations ran. */
  ready: () => Promise<boolean>;
  /** The built browser app (default modeler/dist), served at / by serveWebApp. */
  webRoot?: string;
  /** The customer hall's API (server/hall): its own realm, router and OpenAPI section. */
  hall?: HallApi;
}

export const API_PREFIX = '/api/v1';

/** Builds the Koa application: one error middleware on top, every route authenticated unless public. */
export function createHttpApp(services: Services, options: HttpOptions): Koa {
  const app = new Koa({ proxy: options.trustProxy, maxIpsCount: options.proxyHops ?? 1 });
  const authenticate = authenticator(services.auth);
  const hooks = {
    authenticate,
    authorize: (actor: Parameters<typeof services.authorization.require>[0], p: { object: string; action: string }) =>
      services.authorization.require(actor, p.object as never, p.action as never),
  };
  const routes: Route[] = [
    ...authRoutes(services, options.secureCookies),
    ...deploymentRoutes(services),
    ...decisionRoutes(services),
    ...designerRoutes(services),
    ...instanceOperationRoutes(services),
    ...instanceRoutes(services),
    ...taskRoutes(services),
    ...formRoutes(services),
    ...messageAndIncidentRoutes(services),
    ...batchRoutes(services),
    ...adminRoutes(services),
    ...calculationRoutes(services),
    ...marketingRoutes(services),
    ...lateFeeReliefRoutes(services),
    ...billingRoutes(services),
    ...notificationRoutes(services),
    ...riskRoutes(services),
    ...monitoringRoutes(services),
    ...reportRoutes(services),
    ...gridRoutes({ grid: services.grid, outages: services.gridOutages, authorization: services.authorization }),
    ...(options.extraRoutes ?? []),
  ];

  const api = new Router({ prefix: API_PREFIX });
  for (const route of routes) mount(api, route, hooks, { validateResponses: options.validateResponses });

  const system = new Router();
  // Camunda 7's REST dialect at /engine-rest, over the same services (server/engine-rest).
  const engineRest = createEngineRest(services, options);
  // Built at its first request, not at start: turning every route's zod schemas into JSON Schema
  // took ~110 ms of a start's ~670, and few clients ever ask for the document.
  let openapi: ReturnType<typeof withHall> | undefined;
  const openapiDocument = () =>
    (openapi ??= withHall(withEngineRest(buildOpenApi(routes, API_PREFIX), engineRest.routes), options.hall));
  system.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  system.get('/readyz', async (ctx) => {
    // A database that does not answer within the probe's budget is as good as gone.
    const ok = await withinMs(options.ready(), 3000).catch(() => false);
    ctx.status = ok ? 200 : 503;
    ctx.body = { status: ok ? 'ready' : 'not ready' };
  });
  system.get('/api/openapi.json', (ctx) => {
    ctx.body = openapiDocument();
  });
  system.get('/api/docs', (ctx) => {
    // The page's one script and style carry a fresh nonce; nothing else may run on it.
    const nonce = randomBytes(16).toString('base64');
    ctx.set(
      'content-security-policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    ctx.type = 'text/html';
    ctx.body = referencePage(nonce);
  });
  system.get('/metrics', async (ctx) => {
    const actor = await authenticate(ctx);
    if (!actor) throw new AppError(401, 'UNAUTHENTICATED', 'Authentication required');
    await services.authorization.require(actor, 'system', 'metrics');
    ctx.type = services.metrics.registry.contentType;
    ctx.body = await services.metrics.registry.metrics();
  });

  app.use(observe(options.logger, services.metrics));
  app.use(problemJson(options.logger));
  app.use(securityHeaders({ hsts: options.secureCookies }));
  app.use(async (ctx, next) => {
    ctx.state.bodyLimits = {
      jsonBytes: options.bodyLimitBytes,
      fileBytes: Math.max(options.bodyLimitBytes, 5 * 1024 * 1024),
    };
    await next();
  });
  app.use(engineRest.middleware);
  app.use(serveWebApp(options.webRoot));
  app.use(system.routes());
  app.use(api.routes());
  app.use(api.allowedMethods({ throw: false }));
  if (options.hall) {
    app.use(options.hall.router.routes());
    app.use(options.hall.router.allowedMethods({ throw: false }));
  }
  return app;
}

function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
