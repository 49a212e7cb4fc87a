import { z } from 'zod';
import { isZodSchema, noContent, type RawResponse, type Route } from './route.js';

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]\w*)/g, '{$1}');
}

function schemaOf(
  schema: z.ZodType | undefined,
  io: 'input' | 'output' = 'input',
): Record<string, unknown> | undefined {
  if (!schema) return undefined;
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** The success answer(s) a route declares: its JSON schema, its raw content type, or 204. */
function successResponses(route: Route): Record<string, unknown> {
  const description = route.responseDescription ?? 'OK';
  if (route.response === noContent) return { '204': { description: route.responseDescription ?? 'No content' } };
  const content = isZodSchema(route.response)
    ? { 'application/json': { schema: schemaOf(route.response, 'output') } }
    : { [(route.response as RawResponse).contentType]: { schema: { type: 'string', format: 'binary' } } };
  for (const type of route.downloads ?? [])
    Object.assign(content, { [type]: { schema: { type: 'string', format: 'binary' } } });
  const statuses = [route.status ?? 200, ...(route.otherStatuses ?? [])];
  return Object.fromEntries(statuses.map((status) => [String(status), { description, content }]));
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApi(routes: Route[], prefix: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(prefix + route.path);
    const parameters: unknown[] = [];
    const params = schemaOf(route.params);
    for (const [name, schema] of Object.entries((params?.properties as Record<string, unknown>) ?? {})) {
      parameters.push({ name, in: 'path', required: true, schema });
    }
    const query = schemaOf(route.query);
    const requiredQuery = new Set((query?.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((query?.properties as Record<string, unknown>) ?? {})) {
      parameters.push({ name, in: 'query', required: requiredQuery.has(name), schema });
    }
    const body = schemaOf(route.body);
    const requestBody = body
      ? {
          required: true,
          content:
            route.bodyKind === 'bpmn'
              ? {
                  'application/json': { schema: body },
                  'text/xml': { schema: { type: 'string' } },
                  'multipart/form-data': {
                    schema: {
                      type: 'object',
                      properties: { file: { type: 'string', format: 'binary' }, name: { type: 'string' } },
                      required: ['file'],
                    },
                  },
                }
              : { 'application/json': { schema: body } },
        }
      : undefined;
    (paths[path] ??= {})[route.method] = {
      summary: route.summary,
      tags: [route.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      ...(route.access === 'public' ? { security: [] } : {}),
      ...(route.permission ? { 'x-permission': `${route.permission.object}:${route.permission.action}` } : {}),
      responses: {
        ...successResponses(route),
        default: {
          description: 'Problem',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Power marketing process platform API',
      version: '1',
      description: 'REST API under /api/v1. Errors are application/problem+json with a stable code.',
    },
    servers: [{ url: '/' }],
    security: [{ session: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'pm_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['status', 'code', 'title'],
          properties: {
            status: { type: 'integer' },
            code: { type: 'string' },
            title: { type: 'string' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  field: { type: 'string' },
                  element: { type: 'string' },
                  reason: { type: 'string' },
                  line: { type: 'integer' },
                  column: { type: 'integer' },
                },
              },
            },
          },
        },
      },
    },
    paths,
  };
}

/** A self-contained reference page (no CDN): lists every operation with its parameters and body schema. */
export const referencePage = (nonce: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API reference</title>
<style nonce="${nonce}">body{font:14px/1.5 system-ui,sans-serif;margin:2rem;max-width:70rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
.op{margin:.75rem 0;padding:.5rem .75rem;border:1px solid #e3e3e3;border-radius:6px}.m{font-weight:700;text-transform:uppercase;display:inline-block;width:4.5rem}
.get{color:#0a7}.post{color:#06c}.delete{color:#c33}.put,.patch{color:#a60}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}code{font-size:13px}</style></head>
<body><h1>API reference</h1><p>Generated from <a href="/api/openapi.json">/api/openapi.json</a>. Errors are <code>application/problem+json</code>.</p><div id="ops">Loading…</div>
<script nonce="${nonce}">
fetch('/api/openapi.json').then(r=>r.json()).then(doc=>{const byTag={};for(const [p,ops] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ops))(byTag[op.tags[0]]??=[]).push({p,m,op});
const esc=s=>String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));let html='';
for(const [tag,ops] of Object.entries(byTag)){html+='<h2>'+esc(tag)+'</h2>';for(const {p,m,op} of ops){html+='<div class="op"><span class="m '+m+'">'+m+'</span><code>'+esc(p)+'</code> — '+esc(op.summary)+(op['x-permission']?' <small>(needs '+esc(op['x-permission'])+')</small>':'');
if(op.parameters)html+='<pre>'+esc(op.parameters.map(x=>x.in+' '+x.name+(x.required?' (required)':'')+': '+JSON.stringify(x.schema)).join('\\n'))+'</pre>';
if(op.requestBody)html+='<pre>'+esc(JSON.stringify(Object.values(op.requestBody.content)[0].schema,null,2))+'</pre>';html+='</div>';}}
document.getElementById('ops').innerHTML=html;});
</script></body></html>`;
