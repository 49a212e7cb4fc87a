import { z } from 'zod';
import { route, type Route } from '../http/route.js';
import type { Services } from '../http/services.js';
import { pagingQuery, uuidParam } from '../http/routes/schemas.js';
import { listSchema } from '../lib/contract.js';
import { batchCreateSchema, batchDetailSchema, batchSchema, batchStatusSchema } from './batch.contract.js';

export function batchRoutes(s: Services): Route[] {
  return [
    route({
      method: 'post',
      path: '/batches',
      tag: 'Batches',
      summary:
        'Cancel, retry, set variables of or migrate many instances (given by id or by an instance search): run one instance per transaction on any node, progress pushed as batch:progress',
      permission: { object: 'batch', action: 'create' },
      body: batchCreateSchema,
      status: 201,
      response: batchSchema,
      handle: async ({ body, actor }) => s.batches.create(body, actor),
    }),
    route({
      method: 'get',
      path: '/batches',
      tag: 'Batches',
      summary: 'Batches, newest first',
      permission: { object: 'batch', action: 'read' },
      query: z.object({ status: batchStatusSchema.optional(), ...pagingQuery }),
      response: listSchema(batchSchema),
      handle: async ({ query, actor }) => s.batches.list(query, { offset: query.offset, limit: query.limit }, actor),
    }),
    route({
      method: 'get',
      path: '/batches/:id',
      tag: 'Batches',
      summary: 'A batch: its progress and a page of its per-instance results (status filters them)',
      permission: { object: 'batch', action: 'read' },
      params: uuidParam,
      query: z.object({ status: z.enum(['pending', 'succeeded', 'failed']).optional(), ...pagingQuery }),
      response: batchDetailSchema,
      handle: async ({ params, query, actor }) => s.batches.get(params.id, query, actor),
    }),
  ];
}
