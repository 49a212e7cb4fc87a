import { listSchema } from '../../lib/contract.js';
import { lateFeeReliefCreateSchema, lateFeeReliefSchema } from '../../marketing/late-fee-relief.contract.js';
import { route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { uuidParam } from './schemas.js';

/** Late-fee waivers and deferrals (DOMAIN.md §6): asked for here, decided by their approval task. */
export function lateFeeReliefRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/customers/:id/late-fee-reliefs',
      tag: 'Collection',
      summary: 'A customer’s late-fee waivers and deferrals, pending and decided, newest first',
      permission: { object: 'billing', action: 'read' },
      params: uuidParam,
      response: listSchema(lateFeeReliefSchema),
      handle: async ({ params, actor }) => s.lateFeeReliefs.list(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/customers/:id/late-fee-reliefs',
      tag: 'Collection',
      summary:
        'Ask to waive (whole, or an amount) or defer an unpaid bill’s late fee: starts its approval (late-fee-relief process); nothing changes until it is approved',
      permission: { object: 'payment', action: 'write' },
      params: uuidParam,
      body: lateFeeReliefCreateSchema,
      status: 201,
      response: lateFeeReliefSchema,
      handle: async ({ params, body, actor }) => s.lateFeeReliefs.request(params.id, body, actor),
    }),
  ];
}
