import { z } from 'zod';
import { Answer, rawResponse, route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { booleanQuery, uuidParam } from './schemas.js';
import { listSchema } from '../../lib/contract.js';
import { definitionSchema } from '../../workflow/definition.contract.js';
import { deploymentSchema, versionSummarySchema } from '../../workflow/deployments.contract.js';
import { wholeList } from '../../workflow/paging.js';
import { decisionDeploymentSchema } from '../../decisions/decision.contract.js';
import { splitDocuments } from '../../decisions/decisions.service.js';

export function deploymentRoutes(s: Services): Route[] {
  return [
    route({
      method: 'post',
      path: '/deployments',
      tag: 'Deployments',
      summary:
        'Deploy a BPMN file as the next version of its process key, with its form-js forms and DMN decisions (JSON {xml, name, forms, decisions}, text/xml, or multipart upload with *.form and *.dmn files), or DMN decisions alone (a DMN document as xml, or decisions without xml); identical XML answers 200 with the versions deployed before',
      permission: { object: 'deployment', action: 'create' },
      bodyKind: 'bpmn',
      body: z.object({
        /** A BPMN document, or a DMN one (deployed as decisions). */
        xml: z.string().min(1, 'the BPMN XML is empty').optional(),
        name: z.string().max(200).optional(),
        /** DMN documents deployed with the process (or alone): their XML, or { name, xml }. */
        decisions: z
          .array(z.union([z.string().min(1), z.object({ name: z.string().min(1).max(200), xml: z.string().min(1) })]))
          .max(50)
          .optional(),
        /** form-js schemas (objects, or their JSON text) deployed with the process, each with an `id`. */
        forms: z
          .array(z.union([z.record(z.string(), z.unknown()), z.string()]))
          .max(200)
          .optional(),
      }),
      status: 201,
      otherStatuses: [200],
      response: z.union([deploymentSchema, decisionDeploymentSchema]),
      async handle({ body, actor }) {
        const { bpmn, decisions } = splitDocuments(body.xml, body.name, body.decisions ?? []);
        const deployment = bpmn
          ? await s.deployments.deploy(bpmn, body.name, actor, body.forms ?? [], undefined, decisions)
          : await s.deployments.deployDecisions(decisions, body.name, actor);
        return deployment.created ? deployment : new Answer(200, deployment);
      },
    }),
    route({
      method: 'get',
      path: '/process-definitions',
      tag: 'Deployments',
      summary: 'List process definitions: the latest version of each key, or every version',
      permission: { object: 'definition', action: 'read' },
      query: z.object({ key: z.string().optional(), allVersions: booleanQuery.optional() }),
      response: listSchema(definitionSchema),
      handle: async ({ query }) =>
        wholeList(await s.deployments.list({ key: query.key, allVersions: query.allVersions ?? false })),
    }),
    route({
      method: 'get',
      path: '/process-definitions/:id',
      tag: 'Deployments',
      summary: 'Read one process definition version',
      permission: { object: 'definition', action: 'read' },
      params: uuidParam,
      response: definitionSchema,
      handle: async ({ params }) => s.deployments.get(params.id),
    }),
    route({
      method: 'get',
      path: '/process-definitions/:key/versions',
      tag: 'Deployments',
      summary: 'List every version of a process key, newest first, with who deployed it and when',
      permission: { object: 'definition', action: 'read' },
      params: z.object({ key: z.string().min(1).max(200) }),
      response: listSchema(versionSummarySchema),
      handle: async ({ params }) => wholeList(await s.deployments.versions(params.key)),
    }),
    route({
      method: 'get',
      path: '/process-definitions/:id/xml',
      tag: 'Deployments',
      summary: 'Download the BPMN XML of a version',
      permission: { object: 'definition', action: 'read' },
      params: uuidParam,
      response: rawResponse('application/xml'),
      handle: async ({ params }) => s.deployments.xml(params.id),
    }),
  ];
}
