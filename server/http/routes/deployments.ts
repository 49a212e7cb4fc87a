import { z } from 'zod';
import { Answer, rawResponse, route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { booleanQuery, uuidParam } from './schemas.js';
import { listSchema } from '../../lib/contract.js';
import { definitionSchema } from '../../workflow/definition.contract.js';
import { deploymentSchema, versionSummarySchema } from '../../workflow/deployments.contract.js';
import { wholeList } from '../../workflow/paging.js';

export function deploymentRoutes(s: Services): Route[] {
  return [
    route({
      method: 'post',
      path: '/deployments',
      tag: 'Deployments',
      summary:
        'Deploy a BPMN file as the next version of its process key, with its form-js forms (JSON {xml, name, forms}, text/xml, or multipart upload with *.form files); identical XML answers 200 with the version deployed before',
      permission: { object: 'deployment', action: 'create' },
      bodyKind: 'bpmn',
      body: z.object({
        xml: z.string().min(1, 'the BPMN XML is empty'),
        name: z.string().max(200).optional(),
        /** form-js schemas (objects, or their JSON text) deployed with the process, each with an `id`. */
        forms: z
          .array(z.union([z.record(z.string(), z.unknown()), z.string()]))
          .max(200)
          .optional(),
      }),
      status: 201,
      otherStatuses: [200],
      response: deploymentSchema,
      async handle({ body, actor }) {
        const deployment = await s.deployments.deploy(body.xml, body.name, actor, body.forms ?? []);
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
