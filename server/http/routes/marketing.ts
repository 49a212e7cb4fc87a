import { z } from 'zod';
import type { AnyRoute } from '../route.js';
import type { Services } from '../services.js';
import { pagingQuery, uuidParam } from './schemas.js';
import {
  CUSTOMER_STATUSES,
  arrearsQuerySchema,
  customerCreateSchema,
  customerPatchSchema,
  meterCreateSchema,
  paymentCreateSchema,
  readingCreateSchema,
  refundCreateSchema,
  reversalCreateSchema,
} from '../../marketing/schemas.js';

/**
 * Marketing master data and collection (DOMAIN.md §1, §6): customers, meters, readings, bills,
 * payments and arrears. Rows are filtered by the customer's department; money is decimal strings.
 */
export function marketingRoutes(s: Services): AnyRoute[] {
  return [...customerRoutes(s), ...meteringRoutes(s), ...collectionRoutes(s)];
}

function customerRoutes(s: Services): AnyRoute[] {
  return [
    {
      method: 'get',
      path: '/customers',
      tag: 'Customers',
      summary: 'Search customers by account-number prefix or a fragment of name, phone or address (paged)',
      permission: { object: 'customer', action: 'read' },
      query: z.object({
        q: z.string().max(100).optional(),
        departmentId: z.string().max(64).optional(),
        status: z.enum(CUSTOMER_STATUSES).optional(),
        ...pagingQuery,
      }),
      handle: async ({ query, actor }) =>
        s.customers.search(query, { offset: query.offset, limit: query.limit }, actor),
    },
    {
      method: 'post',
      path: '/customers',
      tag: 'Customers',
      summary: 'Create a customer (用电客户) in a department (default: your own)',
      permission: { object: 'customer', action: 'write' },
      body: customerCreateSchema,
      status: 201,
      handle: async ({ body, actor }) => s.customers.create(body, actor),
    },
    {
      method: 'get',
      path: '/customers/:id',
      tag: 'Customers',
      summary: 'Read a customer',
      permission: { object: 'customer', action: 'read' },
      params: uuidParam,
      handle: async ({ params, actor }) => s.customers.get(params.id, actor),
    },
    {
      method: 'patch',
      path: '/customers/:id',
      tag: 'Customers',
      summary: 'Change a customer’s master data',
      permission: { object: 'customer', action: 'write' },
      params: uuidParam,
      body: customerPatchSchema,
      handle: async ({ params, body, actor }) => s.customers.update(params.id, body, actor),
    },
    {
      method: 'delete',
      path: '/customers/:id',
      tag: 'Customers',
      summary: 'Close a customer account (销户); refused while bills are unsettled',
      permission: { object: 'customer', action: 'write' },
      params: uuidParam,
      handle: async ({ params, actor }) => s.customers.close(params.id, actor),
    },
  ];
}

function meteringRoutes(s: Services): AnyRoute[] {
  return [
    {
      method: 'get',
      path: '/customers/:id/meters',
      tag: 'Metering',
      summary: 'The meters at a customer’s metering points',
      permission: { object: 'metering', action: 'read' },
      params: uuidParam,
      handle: async ({ params, actor }) => s.meters.listForCustomer(params.id, actor),
    },
    {
      method: 'post',
      path: '/customers/:id/meters',
      tag: 'Metering',
      summary: 'Install a meter for a customer',
      permission: { object: 'metering', action: 'write' },
      params: uuidParam,
      body: meterCreateSchema,
      status: 201,
      handle: async ({ params, body, actor }) => s.meters.install(params.id, body, actor),
    },
    {
      method: 'get',
      path: '/meters/:id/readings',
      tag: 'Metering',
      summary: 'A meter’s readings, oldest period first',
      permission: { object: 'metering', action: 'read' },
      params: uuidParam,
      handle: async ({ params, actor }) => s.readings.list(params.id, actor),
    },
    {
      method: 'post',
      path: '/meters/:id/readings',
      tag: 'Metering',
      summary: 'Record a period’s register readings (one per meter and period)',
      permission: { object: 'metering', action: 'write' },
      params: uuidParam,
      body: readingCreateSchema,
      status: 201,
      handle: async ({ params, body, actor }) => s.readings.record(params.id, body, actor),
    },
  ];
}

function collectionRoutes(s: Services): AnyRoute[] {
  return [
    {
      method: 'get',
      path: '/customers/:id/bills',
      tag: 'Collection',
      summary: 'A customer’s bills, newest period first',
      permission: { object: 'billing', action: 'read' },
      params: uuidParam,
      handle: async ({ params, actor }) => s.bills.listForCustomer(params.id, actor),
    },
    {
      method: 'get',
      path: '/customers/:id/arrears',
      tag: 'Collection',
      summary: 'Arrears with ageing, credit balance and late fees accrued as of a day (DOMAIN.md §6)',
      permission: { object: 'billing', action: 'read' },
      params: uuidParam,
      query: arrearsQuerySchema,
      handle: async ({ params, query, actor }) => s.arrears.report(params.id, query.asOf, actor),
    },
    {
      method: 'get',
      path: '/customers/:id/payments',
      tag: 'Collection',
      summary: 'A customer’s payments, refunds and reversals, newest first',
      permission: { object: 'billing', action: 'read' },
      params: uuidParam,
      query: z.object({ ...pagingQuery }),
      handle: async ({ params, query, actor }) => s.payments.list(params.id, query, actor),
    },
    {
      method: 'post',
      path: '/customers/:id/refunds',
      tag: 'Collection',
      summary: 'Pay back part of a customer’s credit (once per idempotency key)',
      permission: { object: 'payment', action: 'write' },
      params: uuidParam,
      body: refundCreateSchema,
      async handle({ params, body, actor, ctx }) {
        const { payment, replayed } = await s.payments.refund(params.id, body, actor);
        ctx.status = replayed ? 200 : 201;
        ctx.body = payment;
      },
    },
    {
      method: 'post',
      path: '/payments',
      tag: 'Collection',
      summary: 'Record a payment (once per idempotency key: 201 first, 200 with the same payment again)',
      permission: { object: 'payment', action: 'write' },
      body: paymentCreateSchema,
      async handle({ body, actor, ctx }) {
        const { payment, replayed } = await s.payments.record(body, actor);
        ctx.status = replayed ? 200 : 201;
        ctx.body = payment;
      },
    },
    {
      method: 'get',
      path: '/payments/:id',
      tag: 'Collection',
      summary: 'Read a payment with the bills it settled',
      permission: { object: 'billing', action: 'read' },
      params: uuidParam,
      handle: async ({ params, actor }) => s.payments.get(params.id, actor),
    },
    {
      method: 'post',
      path: '/payments/:id/reverse',
      tag: 'Collection',
      summary: 'Reverse a payment: a reversal row undoes its allocations (the original is never edited)',
      permission: { object: 'payment', action: 'write' },
      params: uuidParam,
      body: reversalCreateSchema,
      status: 201,
      handle: async ({ params, body, actor }) => s.payments.reverse(params.id, body, actor),
    },
  ];
}
