import type { Route } from '../http/route.js';
import type { Services } from '../http/services.js';
import type { Visibility } from '../workflow/visibility.js';

/** The OpenAPI tag of every /engine-rest operation. */
export const ENGINE_REST_TAG = 'Camunda 7 REST (engine-rest)';

export const ENGINE_REST_PREFIX = '/engine-rest';

/**
 * What a route group of the Camunda adapter is handed: the platform's services (the same ones
 * /api/v1 calls) and the access rules bound to Casbin, for read queries that filter in SQL.
 */
export interface EngineRestContext {
  services: Services;
  visibility: Visibility;
}

/** A file's route groups: `export const groups = (c) => [route({ … }), …]`. */
export type EngineRestGroup = (context: EngineRestContext) => Route[];
