import type { Route } from '../http/route.js';
import type { Actor } from '../lib/actor.js';
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
  /** Deploys the .dmn files of a deployment/create; null until the decision service plugs in. */
  decisions: DecisionResourceDeployer | null;
}

/** One file of a deployment/create request. */
export interface DeploymentResource {
  name: string;
  content: string;
}

/**
 * The hook for .dmn files in `POST /deployment/create`: deploys them into the deployment `target`
 * (create the `deployments` row with that id if no BPMN file did) and answers Camunda's
 * `deployedDecisionDefinitions` / `deployedDecisionRequirementsDefinitions` maps (id → DTO).
 */
export interface DecisionResourceDeployer {
  deploy(
    files: DeploymentResource[],
    target: { id: string; name: string; source: string; duplicateFiltering: boolean },
    actor: Actor,
  ): Promise<{
    deployedDecisionDefinitions: Record<string, unknown> | null;
    deployedDecisionRequirementsDefinitions: Record<string, unknown> | null;
  }>;
}

/** A file's route groups: `export const groups = (c) => [route({ … }), …]`. */
export type EngineRestGroup = (context: EngineRestContext) => Route[];
