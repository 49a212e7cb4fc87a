import { z } from 'zod';
import { Answer, route, type Route } from '../http/route.js';
import { departmentScopeWithin } from '../access/department-subtree.js';
import type { Authorization } from '../identity/authorization.js';
import { listSchema } from '../lib/contract.js';
import { wholeList } from '../workflow/paging.js';
import {
  areaDetailSchema,
  areaSummarySchema,
  customerPlaceSchema,
  gridCustomerSchema,
  gridTreeSchema,
  lineLossSchema,
  meterMoveInputSchema,
  meterMoveSchema,
  outageInputSchema,
  outageNoticeSchema,
} from './grid.contract.js';
import type { GridService } from './grid.service.js';
import { lineLosses, worst } from './line-loss.js';
import type { OutagesService } from './outages.service.js';
import { inDepartments } from '../access/department-subtree.js';

const read = { object: 'grid', action: 'read' } as const;
const write = { object: 'grid', action: 'write' } as const;
const tag = 'Grid';

/** A billing month, YYYY-MM. */
const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');
const departmentId = z.string().min(1).max(64);

export interface GridRouteDeps {
  grid: GridService;
  outages: OutagesService;
  authorization: Authorization;
}

/** The grid view (server/grid/README.md): network, places, line loss, moves and outage notices. */
export function gridRoutes({ grid, outages, authorization }: GridRouteDeps): Route[] {
  const db = grid.db;
  return [
    route({
      method: 'get',
      path: '/grid/tree',
      tag,
      summary: "Substations → 10 kV feeders → transformer areas of the caller's grid:read departments",
      permission: read,
      query: z.object({}).strict(),
      response: gridTreeSchema,
      handle: ({ actor }) => grid.tree(actor),
    }),
    route({
      method: 'get',
      path: '/grid/areas/:id',
      tag,
      summary: "A transformer area: capacity, feeder and substation, its meter boxes and the customers' meters in them",
      permission: read,
      params: z.object({ id: z.string().min(1).max(64) }),
      query: z.object({}).strict(),
      response: areaDetailSchema,
      handle: ({ params, actor }) => grid.area(params.id, actor),
    }),
    route({
      method: 'get',
      path: '/grid/areas/:id/line-loss',
      tag,
      summary: "A transformer area's line loss month by month over [from, to] (at most 36 months)",
      permission: read,
      params: z.object({ id: z.string().min(1).max(64) }),
      query: z
        .object({ from: period, to: period })
        .strict()
        .refine((q) => q.from <= q.to, { message: 'must not be after to', path: ['from'] })
        .refine((q) => monthsBetween(q.from, q.to) <= 36, { message: 'at most 36 months', path: ['from'] }),
      response: listSchema(lineLossSchema),
      handle: async ({ params, query, actor }) => {
        const area = await grid.readableArea(params.id, await grid.readScope(actor));
        return wholeList(await lineLosses(db, [area], query.from, query.to));
      },
    }),
    route({
      method: 'get',
      path: '/grid/line-loss',
      tag,
      summary:
        "Line loss of every transformer area of the caller's scope (departmentId narrows it, 403 outside) in one billing month; `worst` ranks the highest losses first",
      permission: read,
      query: z
        .object({
          period,
          departmentId: departmentId.optional(),
          order: z.enum(['area', 'worst']).optional(),
          limit: z.coerce.number().int().min(1).max(500).optional(),
        })
        .strict(),
      response: listSchema(lineLossSchema),
      handle: async ({ query, actor }) => {
        const scope = query.departmentId
          ? await departmentScopeWithin(authorization, actor, 'grid', 'read', query.departmentId)
          : await grid.readScope(actor);
        const areas = await db('transformer_areas')
          .where(inDepartments(scope, 'department_id'))
          .orderBy('id')
          .select<{ id: string; name: string; department_id: string }[]>('id', 'name', 'department_id');
        const losses = await lineLosses(db, areas, query.period, query.period);
        const limit = query.limit ?? (query.order === 'worst' ? 10 : 500);
        return wholeList(query.order === 'worst' ? worst(losses, limit) : losses.slice(0, limit));
      },
    }),
    route({
      method: 'get',
      path: '/grid/spare-capacity',
      tag,
      summary:
        "Transformer areas with rated, used and spare kVA, in the caller's scope or a department's subtree (403 outside): what a new connection can be put on",
      permission: read,
      query: z
        .object({ departmentId: departmentId.optional(), kind: z.enum(['public', 'dedicated']).optional() })
        .strict(),
      response: listSchema(areaSummarySchema),
      handle: async ({ query, actor }) => {
        const within = query.departmentId
          ? await departmentScopeWithin(authorization, actor, 'grid', 'read', query.departmentId)
          : null;
        return wholeList(
          await grid.spareCapacity(actor, within && !within.all ? within.departmentIds : null, query.kind),
        );
      },
    }),
    route({
      method: 'get',
      path: '/grid/customers',
      tag,
      summary:
        "Customers of the caller's scope by account number, name or phone prefix, with the area each is connected to",
      permission: read,
      query: z
        .object({ q: z.string().trim().min(1).max(100), limit: z.coerce.number().int().min(1).max(50).optional() })
        .strict(),
      response: listSchema(gridCustomerSchema),
      handle: async ({ query, actor }) => wholeList(await grid.searchCustomers(query.q, query.limit ?? 20, actor)),
    }),
    route({
      method: 'get',
      path: '/grid/customers/:id/place',
      tag,
      summary: "A customer's place in the network: each meter's box, transformer area, feeder and substation",
      permission: read,
      params: z.object({ id: z.string().uuid() }),
      query: z.object({}).strict(),
      response: customerPlaceSchema,
      handle: ({ params, actor }) => grid.place(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/grid/meters/:id/move',
      tag,
      summary:
        "Moves a customer's meter into another meter box (and so, maybe, another transformer area); both areas in the caller's grid:write departments, 409 GRID_CAPACITY_EXCEEDED when the target area lacks the spare kVA; audited",
      permission: write,
      params: z.object({ id: z.string().uuid() }),
      body: meterMoveInputSchema,
      response: meterMoveSchema,
      handle: ({ params, body, actor }) => grid.moveMeter(params.id, body, actor),
    }),
    route({
      method: 'post',
      path: '/grid/outage-notices',
      tag,
      summary:
        'A planned outage of a transformer area or a feeder: one SMS per affected customer (none to those who turned outage notices off in the hall); 201 once, 200 with the same notice for the same target and window; audited',
      permission: write,
      body: outageInputSchema,
      response: outageNoticeSchema,
      status: 201,
      otherStatuses: [200],
      handle: async ({ body, actor }) => {
        const { created, notice } = await outages.notify(body, actor);
        return new Answer(created ? 201 : 200, notice);
      },
    }),
  ];
}

function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm) + 1;
}
