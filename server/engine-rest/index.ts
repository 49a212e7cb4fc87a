import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Services } from '../http/services.js';
import { mount, type Route } from '../http/route.js';
import type { Logger } from '../lib/logger.js';
import { Visibility } from '../workflow/visibility.js';
import { engineRestAuthenticator } from './auth.js';
import { ENGINE_REST_PREFIX, type EngineRestContext, type EngineRestGroup } from './context.js';
import { camundaErrors } from './errors.js';
import { engineRoutes } from './engine.routes.js';
import { deploymentRoutes } from './deployment.routes.js';
import { processDefinitionRoutes } from './process-definition.routes.js';
import { processInstanceRoutes } from './process-instance.routes.js';
import { taskRoutes } from './task.routes.js';
import { externalTaskRoutes } from './external-task.routes.js';
import { messageRoutes } from './message.routes.js';
import { signalRoutes } from './signal.routes.js';
import { historyRoutes } from './history.routes.js';
import { incidentRoutes } from './incident.routes.js';
import { jobRoutes } from './job.routes.js';
import { decisionResourceDeployer, decisionRoutes } from './decision.js';

export { ENGINE_REST_PREFIX, ENGINE_REST_TAG } from './context.js';
export { withEngineRest } from './openapi.js';

/**
 * The route groups of the Camunda 7 REST adapter, one file each. To add a group, write
 * `server/engine-rest/<noun>.routes.ts` exporting an `EngineRestGroup` and list it here.
 */
const GROUPS: EngineRestGroup[] = [
  engineRoutes,
  deploymentRoutes,
  processDefinitionRoutes,
  processInstanceRoutes,
  taskRoutes,
  externalTaskRoutes,
  decisionRoutes,
  messageRoutes,
  signalRoutes,
  historyRoutes,
  incidentRoutes,
  jobRoutes,
];

export interface EngineRest {
  /** Every route, for the OpenAPI document. */
  routes: Route[];
  /** Answers every request below /engine-rest (and passes the others on). */
  middleware: Middleware;
}

/** Builds the /engine-rest adapter over the platform's services. */
export function createEngineRest(
  services: Services,
  options: { logger: Logger; validateResponses: boolean },
): EngineRest {
  const context: EngineRestContext = {
    services,
    visibility: new Visibility(services.authorization),
    decisions: decisionResourceDeployer(services),
  };
  const routes = GROUPS.flatMap((group) => group(context));
  const router = new Router({ prefix: ENGINE_REST_PREFIX });
  const hooks = {
    authenticate: engineRestAuthenticator(services.auth),
    authorize: (actor: Parameters<typeof services.authorization.require>[0], p: { object: string; action: string }) =>
      services.authorization.require(actor, p.object as never, p.action as never),
  };
  for (const route of routes) mount(router, route, hooks, { validateResponses: options.validateResponses });
  const errors = camundaErrors(options.logger);
  const routed = router.routes();
  const allowed = router.allowedMethods({ throw: false });
  const done = () => Promise.resolve();
  const handle = (ctx: Context): Promise<void> =>
    errors(ctx, async () => {
      await routed(ctx as never, async () => {
        await allowed(ctx as never, done);
      });
    });
  return {
    routes,
    middleware: async (ctx, next) => {
      if (ctx.path === ENGINE_REST_PREFIX || ctx.path.startsWith(`${ENGINE_REST_PREFIX}/`)) await handle(ctx);
      else await next();
    },
  };
}
