import { z } from 'zod';
import { route, type AnyRoute } from '../route.js';
import type { Services } from '../services.js';
import { booleanQuery, uuidParam } from './schemas.js';

export function deploymentRoutes(s: Services): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/deployments',
      tag: 'Deployments',
      summary:
        'Deploy a BPMN file as the next version of its process key, with its form-js forms (JSON {xml, name, forms}, text/xml, or multipart upload with *.form files)',
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
      async handle({ body, actor, ctx }) {
        const result = await s.deployments.deploy(body.xml, body.name, actor, body.forms ?? []);
        ctx.status = result.created ? 201 : 200;
        ctx.body = { created: result.created, definition: result.definition };
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/process-definitions',
      tag: 'Deployments',
      summary: 'List process definitions: the latest version of each key, or every version',
      permission: { object: 'definition', action: 'read' },
      query: z.object({ key: z.string().optional(), allVersions: booleanQuery.optional() }),
      async handle({ query }) {
        return { items: await s.deployments.list({ key: query.key, allVersions: query.allVersions ?? false }) };
      },
    }),
    route({
      method: 'get',
      path: '/process-definitions/:id',
      tag: 'Deployments',
      summary: 'Read one process definition version',
      permission: { object: 'definition', action: 'read' },
      params: uuidParam,
      handle: async ({ params }) => s.deployments.get(params.id),
    }),
    route({
      method: 'get',
      path: '/process-definitions/:key/versions',
      tag: 'Deployments',
      summary: 'List every version of a process key, newest first, with who deployed it and when',
      permission: { object: 'definition', action: 'read' },
      params: z.object({ key: z.string().min(1).max(200) }),
      handle: async ({ params }) => ({ items: await s.deployments.versions(params.key) }),
    }),
    route({
      method: 'get',
      path: '/process-definitions/:id/xml',
      tag: 'Deployments',
      summary: 'Download the BPMN XML of a version',
      permission: { object: 'definition', action: 'read' },
      params: uuidParam,
      async handle({ params, ctx }) {
        ctx.type = 'application/xml';
        ctx.body = await s.deployments.xml(params.id);
        return undefined;
      },
    }),
  ];
}
