import { z } from 'zod';
import { listSchema } from '../../lib/contract.js';
import { route, type Route } from '../route.js';
import type { Services } from '../services.js';
import {
  billQuoteRequestSchema,
  lateFeeQuoteRequestSchema,
  quoteBill,
  quoteLateFee,
} from '../../domain/billing/index.js';
import { adjustmentQuoteRequestSchema, quoteAdjustment } from '../../domain/metering/index.js';
import { adjustmentQuoteSchema, billQuoteSchema, lateFeeQuoteSchema } from '../../marketing/calculation.contract.js';
import { tariffSchema } from '../../marketing/tariff.contract.js';
import { wholeList } from '../../workflow/paging.js';

const tariffCodeParam = z.object({ code: z.string().min(1).max(64) });

/**
 * Quotes: the domain's pure, decimal-exact calculations behind the API (issue 4 §3–5). They save
 * nothing; money comes back as decimal strings.
 */
export function calculationRoutes(s: Services): Route[] {
  return [
    route({
      method: 'post',
      path: '/billing/quote',
      tag: 'Billing',
      summary:
        'Compute a bill without saving it (tariff code or inline definition; DOMAIN.md §5; a month of suspension or reduction as capacity blocks, §9)',
      permission: { object: 'billing', action: 'read' },
      body: billQuoteRequestSchema,
      response: billQuoteSchema,
      async handle({ body }) {
        const tariff = typeof body.tariff === 'string' ? await s.tariffs.get(body.tariff) : body.tariff;
        return quoteBill(body, tariff);
      },
    }),
    route({
      method: 'post',
      path: '/billing/late-fee-quote',
      tag: 'Billing',
      summary: 'Compute a late-payment penalty (DOMAIN.md §6: 1‰ / 2‰ / 3‰ a day, principal only, 1-yuan minimum)',
      permission: { object: 'billing', action: 'read' },
      body: lateFeeQuoteRequestSchema,
      response: lateFeeQuoteSchema,
      handle: ({ body }) => Promise.resolve(quoteLateFee(body)),
    }),
    route({
      method: 'post',
      path: '/metering/adjustment-quote',
      tag: 'Metering',
      summary: 'Compute a billing adjustment for a meter error, wrong wiring or wrong multiplier (DOMAIN.md §3)',
      permission: { object: 'metering', action: 'read' },
      body: adjustmentQuoteRequestSchema,
      response: adjustmentQuoteSchema,
      handle: ({ body }) => Promise.resolve(quoteAdjustment(body)),
    }),
    route({
      method: 'get',
      path: '/tariffs',
      tag: 'Billing',
      summary: 'Tariffs with their effective-dated versions (configuration, DOMAIN.md §5)',
      permission: { object: 'billing', action: 'read' },
      response: listSchema(tariffSchema),
      handle: async () => wholeList(await s.tariffs.list()),
    }),
    route({
      method: 'get',
      path: '/tariffs/:code',
      tag: 'Billing',
      summary: 'One tariff',
      permission: { object: 'billing', action: 'read' },
      params: tariffCodeParam,
      response: tariffSchema,
      handle: async ({ params }) => s.tariffs.get(params.code),
    }),
    route({
      method: 'put',
      path: '/tariffs/:code',
      tag: 'Billing',
      summary: 'Create a tariff or add versions; a version already in effect cannot change (409)',
      permission: { object: 'billing', action: 'write' },
      params: tariffCodeParam,
      body: z.record(z.string(), z.unknown()),
      response: tariffSchema,
      handle: async ({ params, body, actor }) => s.tariffs.save(params.code, body, actor),
    }),
  ];
}
