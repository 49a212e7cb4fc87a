import { z } from 'zod';
import { rawResponse, route, type Route } from '../http/route.js';
import type { Services } from '../http/services.js';
import { booleanQuery, pagingQuery, uuidParam, variablesSchema } from '../http/routes/schemas.js';
import { listSchema } from '../lib/contract.js';
import { wholeList } from '../workflow/paging.js';
import {
  decisionDefinitionSchema,
  decisionEvaluateResultSchema,
  decisionEvaluationSchema,
} from './decision.contract.js';

const tag = 'Decisions';
const keyParam = z.object({ key: z.string().min(1).max(255) });

/**
 * The decisions' API: deployed versions (deploying is POST /deployments), their DMN XML, an
 * evaluation outside any process, and an instance's evaluations.
 */
export function decisionRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/decision-definitions',
      tag,
      summary: 'List decision definitions: the latest version of each key, or every version',
      permission: { object: 'decision', action: 'read' },
      query: z.object({
        key: z.string().max(255).optional(),
        deploymentId: z.guid().optional(),
        latestVersion: booleanQuery.optional(),
        ...pagingQuery,
      }),
      response: listSchema(decisionDefinitionSchema),
      handle: async ({ query }) =>
        s.decisions.list(
          { key: query.key, deploymentId: query.deploymentId, latestVersion: query.latestVersion ?? !query.key },
          { offset: query.offset, limit: query.limit },
        ),
    }),
    route({
      method: 'get',
      path: '/decision-definitions/key/:key',
      tag,
      summary: 'Read the latest version of a decision',
      permission: { object: 'decision', action: 'read' },
      params: keyParam,
      response: decisionDefinitionSchema,
      handle: async ({ params }) => s.decisions.latest(params.key),
    }),
    route({
      method: 'post',
      path: '/decision-definitions/key/:key/evaluate',
      tag,
      summary:
        "Evaluate the latest version of a decision with the given variables: Camunda's result list (one entry per matched rule), kept in history",
      permission: { object: 'decision', action: 'evaluate' },
      params: keyParam,
      body: z.object({ variables: variablesSchema.default({}) }),
      response: decisionEvaluateResultSchema,
      handle: async ({ params, body, actor }) => {
        const { result, evaluation } = await s.decisions.evaluateLatest(params.key, body.variables, actor);
        return { result, evaluation };
      },
    }),
    route({
      method: 'get',
      path: '/decision-definitions/:id',
      tag,
      summary: 'Read one decision definition version',
      permission: { object: 'decision', action: 'read' },
      params: uuidParam,
      response: decisionDefinitionSchema,
      handle: async ({ params }) => s.decisions.get(params.id),
    }),
    route({
      method: 'get',
      path: '/decision-definitions/:id/xml',
      tag,
      summary: 'Download the DMN XML a decision version was deployed with',
      permission: { object: 'decision', action: 'read' },
      params: uuidParam,
      response: rawResponse('application/xml'),
      handle: async ({ params }) => s.decisions.xml(params.id),
    }),
    route({
      method: 'get',
      path: '/process-instances/:id/decision-evaluations',
      tag,
      summary:
        "The decisions an instance's business rule tasks evaluated, oldest first: inputs, matched rules, outputs and the stored result",
      permission: { object: 'instance', action: 'read' },
      params: uuidParam,
      response: listSchema(decisionEvaluationSchema),
      handle: async ({ params, actor }) => wholeList(await s.decisions.forInstance(params.id, actor)),
    }),
  ];
}
