import { buildOpenApi } from '../http/openapi.js';
import type { Route } from '../http/route.js';
import { ENGINE_REST_PREFIX } from './context.js';

type OpenApi = ReturnType<typeof buildOpenApi>;
type Document = Omit<OpenApi, 'components'> & { components: Record<string, Record<string, unknown>> };

/** Request bodies that route() cannot declare (multipart uploads), keyed by "method path". */
export const extraRequestBodies = new Map<string, Record<string, unknown>>();

/**
 * Adds the /engine-rest operations to the platform's OpenAPI document: the same generator, then
 * Camunda's error body instead of problem+json, and Basic or Bearer instead of the session.
 */
export function withEngineRest(document: OpenApi, routes: Route[]): Document {
  const own = buildOpenApi(routes, ENGINE_REST_PREFIX);
  for (const [path, operations] of Object.entries(own.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const op = operation as Record<string, unknown> & { responses: Record<string, unknown> };
      op.security = [{ basic: [] }, { bearer: [] }];
      op.responses.default = {
        description: 'Camunda exception (ExceptionDto)',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/CamundaException' } } },
      };
      const extra = extraRequestBodies.get(`${method} ${path}`);
      if (extra) op.requestBody = extra;
    }
  }
  return {
    ...document,
    paths: { ...document.paths, ...own.paths },
    components: {
      ...document.components,
      securitySchemes: { ...document.components.securitySchemes, basic: { type: 'http', scheme: 'basic' } },
      schemas: {
        ...document.components.schemas,
        CamundaException: {
          type: 'object',
          required: ['type', 'message'],
          properties: { type: { type: 'string' }, message: { type: 'string' }, code: { type: 'integer' } },
        },
      },
    },
  };
}
