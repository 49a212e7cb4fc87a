import { z } from 'zod';
import { listSchema } from '../../lib/contract.js';
import { customerArrearsSchema } from '../../marketing/arrears.contract.js';
import { customerBillSchema, customerOwnerSchema } from '../../marketing/customer-owner.contract.js';
import { customerSchema } from '../../marketing/customer.contract.js';
import { meterSchema } from '../../marketing/meter.contract.js';
import { paymentDetailSchema, paymentListItemSchema, paymentSchema } from '../../marketing/payment.contract.js';
import { readingSchema } from '../../marketing/reading.contract.js';
import { Answer, route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { pagingQuery, uuidParam } from './schemas.js';
import {
  CUSTOMER_STATUSES,
  arrearsQuerySchema,
  customerCreateSchema,
  customerPatchSchema,
  fromNotAfterTo,
  meterCreateSchema,
  paymentCreateSchema,
  paymentSearchFields,
  readingCreateSchema,
  refundCreateSchema,
  reversalCreateSchema,
} from '../../marketing/schemas.js';

/**
 * Marketing master data and collection (DOMAIN.md §1, §6): customers, meters, readings, bills,
 * payments and arrears. Rows are filtered by the customer's department; money is decimal strings.
 */
export function marketingRoutes(s: Services): Route[] {
  return [...customerRoutes(s), ...meteringRoutes(s), ...collectionRoutes(s)];
}

function customerRoutes(s: Services): Route[] {
  return [
    route({
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
      response: listSchema(customerSchema),
      handle: async ({ query, actor }) =>
        s.customers.search(query, { offset: query.offset, limit: query.limit }, actor),
    }),
    route({
      method: 'post',
      path: '/customers',
      tag: 'Customers',
      summary: 'Create a customer (用电客户) in a department (default: your own)',
      permission: { object: 'customer', action: 'write' },
      body: customerCreateSchema,
      status: 201,
      response: customerSchema,
      handle: async ({ body, actor }) => s.customers.create(body, actor),
    }),
    route({
      method: 'get',
      path: '/customers/:id',
      tag: 'Customers',
      summary: 'Read a customer',
      permission: { object: 'customer', action: 'read' },
      params: uuidParam,
      response: customerSchema,
      handle: async ({ params, actor }) => s.customers.get(params.id, actor),
    }),
    route({
      method: 'get',
      path: '/customers/:id/owners',
      tag: 'Customers',
      summary: 'The account’s owners and the days each held it (过户), oldest first; empty if never transferred',
      permission: { object: 'customer', action: 'read' },
      params: uuidParam,
      response: listSchema(customerOwnerSchema),
      handle: async ({ params, actor }) => s.customers.owners(params.id, actor),
    }),
    route({
      method: 'patch',
      path: '/customers/:id',
      tag: 'Customers',
      summary: 'Change a customer’s master data',
      permission: { object: 'customer', action: 'write' },
      params: uuidParam,
      body: customerPatchSchema,
      response: customerSchema,
      handle: async ({ params, body, actor }) => s.customers.update(params.id, body, actor),
    }),
    route({
      method: 'delete',
      path: '/customers/:id',
      tag: 'Customers',
      summary: 'Close a customer account (销户); refused while bills are unsettled',
      permission: { object: 'customer', action: 'write' },
      params: uuidParam,
      response: customerSchema,
      handle: async ({ params, actor }) => s.customers.close(params.id, actor),
    }),
  ];
}

function meteringRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/customers/:id/meters',
      tag: 'Metering',
      summary: 'The meters at a customer’s metering points',
      permission: { object: 'metering', action: 'read' },
      params: uuidParam,
      response: listSchema(meterSchema),
      handle: async ({ params, actor }) => s.meters.listForCustomer(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/customers/:id/meters',
      tag: 'Metering',
      summary: 'Install a meter for a customer',
      permission: { object: 'metering', action: 'write' },
      params: uuidParam,
      body: meterCreateSchema,
      status: 201,
      response: meterSchema,
      handle: async ({ params, body, actor }) => s.meters.install(params.id, body, actor),
    }),
    route({
      method: 'get',
      path: '/meters/:id/readings',
      tag: 'Metering',
      summary: 'A meter’s readings, oldest period first',
      permission: { object: 'metering', action: 'read' },
      params: uuidParam,
      response: listSchema(readingSchema),
      handle: async ({ params, actor }) => s.readings.list(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/meters/:id/readings',
      tag: 'Metering',
      summary: 'Record a period’s register readings (one per meter and period)',
      permission: { object: 'metering', action: 'write' },
      params: uuidParam,
      body: readingCreateSchema,
      status: 201,
      response: readingSchema,
      handle: async ({ params, body, actor }) => s.readings.record(params.id, body, actor),
    }),
  ];
}

function collectionRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/customers/:id/bills',
      tag: 'Collection',
      summary: 'A customer’s bills, newest period first, each with whose it is (the holders of its month)',
      permission: { object: 'billing', action: 'read' },
      params: uuidParam,
      response: listSchema(customerBillSchema),
      handle: async ({ params, actor }) => s.bills.listForCustomer(params.id, actor),
    }),
    route({
      method: 'get',
      path: '/customers/:id/arrears',
      tag: 'Collection',
      summary: 'Arrears with ageing, credit balance and late fees accrued as of a day (DOMAIN.md §6)',
      permission: { object: 'billing', action: 'read' },
      params: uuidParam,
      query: arrearsQuerySchema,
      response: customerArrearsSchema,
      handle: async ({ params, query, actor }) => s.arrears.report(params.id, query.asOf, actor),
    }),
    route({
      method: 'get',
      path: '/customers/:id/payments',
      tag: 'Collection',
      summary: 'A customer’s payments, refunds and reversals, newest first',
      permission: { object: 'billing', action: 'read' },
      params: uuidParam,
      query: z.object({ ...pagingQuery }),
      response: listSchema(paymentSchema),
      handle: async ({ params, query, actor }) => s.payments.list(params.id, query, actor),
    }),
    route({
      method: 'post',
      path: '/customers/:id/refunds',
      tag: 'Collection',
      summary: 'Pay back part of a customer’s credit (once per idempotency key)',
      permission: { object: 'payment', action: 'write' },
      params: uuidParam,
      body: refundCreateSchema,
      status: 201,
      otherStatuses: [200],
      response: paymentDetailSchema,
      responseDescription: 'the refund (201), or the first refund again for a repeated idempotency key (200)',
      async handle({ params, body, actor }) {
        const { payment, replayed } = await s.payments.refund(params.id, body, actor);
        return replayed ? new Answer(200, payment) : payment;
      },
    }),
    route({
      method: 'post',
      path: '/payments',
      tag: 'Collection',
      summary: 'Record a payment (once per idempotency key: 201 first, 200 with the same payment again)',
      permission: { object: 'payment', action: 'write' },
      body: paymentCreateSchema,
      status: 201,
      otherStatuses: [200],
      response: paymentDetailSchema,
      responseDescription: 'the payment (201), or the first payment again for a repeated idempotency key (200)',
      async handle({ body, actor }) {
        const { payment, replayed } = await s.payments.record(body, actor);
        return replayed ? new Answer(200, payment) : payment;
      },
    }),
    route({
      method: 'get',
      path: '/payments',
      tag: 'Collection',
      summary:
        'Payments, refunds and reversals of the customers whose billing you may read, newest first, with the customer’s name and account number',
      permission: { object: 'billing', action: 'read' },
      query: z.object({ ...paymentSearchFields, ...pagingQuery }).refine(fromNotAfterTo, {
        message: 'from must not be after to',
        path: ['from'],
      }),
      response: listSchema(paymentListItemSchema),
      handle: async ({ query, actor }) => s.payments.search(query, { offset: query.offset, limit: query.limit }, actor),
    }),
    route({
      method: 'get',
      path: '/payments/:id',
      tag: 'Collection',
      summary: 'Read a payment with the bills it settled',
      permission: { object: 'billing', action: 'read' },
      params: uuidParam,
      response: paymentDetailSchema,
      handle: async ({ params, actor }) => s.payments.get(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/payments/:id/reverse',
      tag: 'Collection',
      summary: 'Reverse a payment: a reversal row undoes its allocations (the original is never edited)',
      permission: { object: 'payment', action: 'write' },
      params: uuidParam,
      body: reversalCreateSchema,
      status: 201,
      response: paymentDetailSchema,
      handle: async ({ params, body, actor }) => s.payments.reverse(params.id, body, actor),
    }),
  ];
}
