import { route, type AnyRoute } from '../route.js';
import type { Services } from '../services.js';
import { NotFound } from '../../lib/errors.js';
import {
  billQuoteRequestSchema,
  lateFeeQuoteRequestSchema,
  quoteBill,
  quoteLateFee,
  type BillQuoteRequest,
} from '../../domain/billing/index.js';
import { seedTariffs, type TariffDefinition } from '../../domain/tariffs/index.js';
import { adjustmentQuoteRequestSchema, quoteAdjustment } from '../../domain/metering/index.js';

/**
 * Quotes: the domain's pure, decimal-exact calculations behind the API (issue 4 §3–5). They save
 * nothing; money comes back as decimal strings.
 */
export function calculationRoutes(_s: Services): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/billing/quote',
      tag: 'Billing',
      summary: 'Compute a bill without saving it (tariff code or inline definition; DOMAIN.md §5)',
      permission: { object: 'billing', action: 'read' },
      body: billQuoteRequestSchema,
      async handle({ body }) {
        const tariff: TariffDefinition | undefined =
          typeof body.tariff === 'string' ? seedTariffs[body.tariff] : (body.tariff as TariffDefinition);
        if (!tariff) throw new NotFound('tariff', String(body.tariff));
        return quoteBill(body as unknown as BillQuoteRequest, tariff);
      },
    }),
    route({
      method: 'post',
      path: '/billing/late-fee-quote',
      tag: 'Billing',
      summary: 'Compute a late-payment penalty (DOMAIN.md §6: 1‰ / 2‰ / 3‰ a day, principal only, 1-yuan minimum)',
      permission: { object: 'billing', action: 'read' },
      body: lateFeeQuoteRequestSchema,
      handle: async ({ body }) => quoteLateFee(body as never),
    }),
    route({
      method: 'post',
      path: '/metering/adjustment-quote',
      tag: 'Metering',
      summary: 'Compute a billing adjustment for a meter error, wrong wiring or wrong multiplier (DOMAIN.md §3)',
      permission: { object: 'metering', action: 'read' },
      body: adjustmentQuoteRequestSchema,
      handle: async ({ body }) => quoteAdjustment(body as never),
    }),
    route({
      method: 'get',
      path: '/tariffs',
      tag: 'Billing',
      summary: 'The seeded tariffs with their effective-dated versions',
      permission: { object: 'billing', action: 'read' },
      handle: async () => ({ items: Object.values(seedTariffs) }),
    }),
  ];
}
