import { z } from 'zod';
import { decimalString, isoDateString } from '../domain/tariffs/index.js';
import { route, type Route } from '../http/route.js';
import { pagingQuery, uuidParam } from '../http/routes/schemas.js';
import type { Services } from '../http/services.js';
import { Conflict } from '../lib/errors.js';
import { EscalationsService } from './escalations.service.js';
import { GroupsService } from './groups.service.js';
import {
  customerHistorySchema,
  dashboardSchema,
  groupListSchema,
  groupTreeSchema,
  industryListSchema,
  industryListsSchema,
  provinceListSchema,
  registerPageSchema,
  warningDetailSchema,
  warningListSchema,
} from './supervision.contract.js';
import { SupervisionService } from './supervision.service.js';

const read = { object: 'risk', action: 'read' } as const;
const manage = { object: 'risk', action: 'manage' } as const;
const tag = 'Supervision';

const departmentId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a department id: letters, digits, _ and -')
  .describe('a province department id, e.g. ZJ');
const level = z.enum(['A', 'B', 'C']);
const accountNo = z.string().trim().min(1, 'an account number is required').max(64);

export const industryDraftBody = z.strictObject({
  industries: z
    .array(
      z.strictObject({
        code: z.string().regex(/^\d{3}$/, 'an industry code is three digits (HUE_TRADE_TYPE_CODE)'),
        nameZh: z.string().trim().min(1, 'a Chinese name is required').max(100),
        nameEn: z.string().trim().min(1, 'an English name is required').max(100),
        differentialPrice: z.boolean(),
        policyNotes: z.string().max(1000).default(''),
      }),
    )
    .min(1, 'the list needs at least one industry')
    .max(200),
  note: z.string().max(500).optional(),
});

export const registerQuery = z.strictObject({
  date: isoDateString('date').optional(),
  provinceId: departmentId.optional(),
  industry: z
    .string()
    .regex(/^(\d{3}|-)$/, 'an industry code is three digits')
    .optional(),
  level: level.optional(),
  minArrears: decimalString('minArrears', 'non-negative').optional(),
  ...pagingQuery,
});

export const warningsQuery = z.strictObject({
  state: z.enum(['all', 'open', 'overdue', 'answered', 'closed']).default('all'),
  provinceId: departmentId.optional(),
  level: level.optional(),
  ...pagingQuery,
});

export const issueBody = z.strictObject({ customerId: z.guid() });
export const escalateBody = z.strictObject({
  reason: z.string().trim().min(2, 'say why HQ presses the order (at least 2 characters)').max(1000),
});
export const setParentBody = z.strictObject({ parentAccountNo: accountNo.nullable() });

/**
 * HQ supervision of high-risk customers (DOMAIN.md §7): the industry list, the register and a
 * customer's history, warning orders (HQ issues and escalates them here; answering, reviewing and
 * closing are the order's own tasks, done through /tasks), group customers and the daily dashboard.
 */
export function supervisionRoutes(s: Services): Route[] {
  const supervision = new SupervisionService(s.db, s.authorization, s.audit, s.processes.clock);
  const groups = new GroupsService(s.db, s.audit, s.processes.clock);
  const escalations = new EscalationsService({
    db: s.db,
    supervision,
    tasks: s.tasks,
    notifications: s.notifications,
    audit: s.audit,
    clock: s.processes.clock,
  });
  return [
    route({
      method: 'get',
      path: '/supervision/provinces',
      tag,
      summary:
        'The provinces of the department tree in the caller’s sight (HQ: all), by id: the values the register’s and the orders’ provinceId filter accepts',
      permission: read,
      query: z.strictObject({}),
      response: provinceListSchema,
      handle: ({ actor }) => supervision.provinces(actor),
    }),
    route({
      method: 'get',
      path: '/supervision/industries',
      tag,
      summary:
        'The industry list of the high-risk register: the published version (what provinces read and the screening uses), HQ’s draft (for those who may publish it) and the versions',
      permission: read,
      query: z.strictObject({}),
      response: industryListsSchema,
      handle: ({ actor }) => supervision.industries(actor),
    }),
    route({
      method: 'put',
      path: '/supervision/industries/draft',
      tag,
      summary: 'HQ writes the draft of the next version of the industry list (codes unique); audited',
      permission: manage,
      body: industryDraftBody,
      response: industryListSchema,
      handle: ({ body, actor }) => supervision.saveDraft(body, actor),
    }),
    route({
      method: 'post',
      path: '/supervision/industries/publish',
      tag,
      summary:
        'HQ publishes the draft: it becomes the list the provinces read and the screening uses (409 without a draft); audited',
      permission: manage,
      response: industryListSchema,
      handle: ({ actor }) => supervision.publish(actor),
    }),
    route({
      method: 'get',
      path: '/supervision/register',
      tag,
      summary:
        'The high-risk register of a day (default: the latest screened), in the caller’s subtree: filter by province, industry, level and arrears of at least minArrears; paged',
      permission: read,
      query: registerQuery,
      response: registerPageSchema,
      handle: ({ query, actor }) => {
        const { offset, limit, ...filter } = query;
        return supervision.register(filter, { offset, limit }, actor);
      },
    }),
    route({
      method: 'get',
      path: '/supervision/customers/:id',
      tag,
      summary:
        'A customer’s last 24 months of consumption and recovery (billed vs paid, late payments), its last screening (rules H1–H8, level) and its warning orders; 404 outside the caller’s subtree',
      permission: read,
      params: uuidParam,
      response: customerHistorySchema,
      handle: ({ params, actor }) => supervision.customer(params.id, actor),
    }),
    route({
      method: 'get',
      path: '/supervision/warnings',
      tag,
      summary:
        'Warning orders in the caller’s subtree (a group’s order also where one of its provinces is): open, overdue, answered or closed, by province and level; newest first, paged',
      permission: read,
      query: warningsQuery,
      response: warningListSchema,
      handle: ({ query, actor }) => {
        const { offset, limit, ...filter } = query;
        return supervision.warnings(filter, { offset, limit }, actor);
      },
    }),
    route({
      method: 'get',
      path: '/supervision/warnings/:id',
      tag,
      summary:
        'A warning order: its measure and evidence, its open tasks in the caller’s sight (answer, HQ review, supervised rectification, done through /tasks) and its timeline',
      permission: read,
      params: uuidParam,
      response: warningDetailSchema,
      handle: ({ params, actor }) => supervision.warning(params.id, actor),
    }),
    route({
      method: 'post',
      path: '/supervision/warnings',
      tag,
      summary:
        'HQ issues a warning order for a customer on the latest register (404 off the register, 409 when one is open): the same high-risk-warning process the nightly screening starts; audited',
      permission: manage,
      body: issueBody,
      response: warningDetailSchema,
      status: 201,
      handle: async ({ body, actor }) => {
        await supervision.issuable(body.customerId, actor);
        const id = await s.processes.issueRiskWarning(body.customerId);
        if (!id) throw new Conflict('WARNING_OPEN', 'the customer already has an open warning order');
        await s.audit.record(actor, 'risk-warning.issue', 'risk-warning', id, { customerId: body.customerId });
        return supervision.warning(id, actor);
      },
    }),
    route({
      method: 'post',
      path: '/supervision/warnings/:id/escalations',
      tag,
      summary:
        'HQ escalates (督办) an order not closed, with a reason: waiting for the province’s answer (open or overdue), it is marked escalated and the province’s answering staff are notified; answered, HQ’s review is decided “escalate” (supervised rectification). Counted, kept in the order’s escalation history and audited; 409 WARNING_CLOSED on a closed order',
      permission: manage,
      params: uuidParam,
      body: escalateBody,
      response: warningDetailSchema,
      status: 201,
      handle: ({ params, body, actor }) => escalations.escalate(params.id, body.reason, actor),
    }),
    route({
      method: 'get',
      path: '/supervision/groups',
      tag,
      summary: 'Group customers: the top parents with their number of members; paged',
      permission: manage,
      query: z.strictObject({ ...pagingQuery }),
      response: groupListSchema,
      handle: ({ query }) => groups.list(query),
    }),
    route({
      method: 'get',
      path: '/supervision/groups/:id',
      tag,
      summary:
        'The group a customer belongs to, from its top parent: each node’s arrears and last 12 months’ kWh, own and rolled up, and the group’s totals',
      permission: manage,
      params: uuidParam,
      response: groupTreeSchema,
      handle: ({ params }) => groups.tree(params.id),
    }),
    route({
      method: 'put',
      path: '/supervision/groups/members/:accountNo',
      tag,
      summary:
        'HQ puts a customer under a parent in a group (create, move) or takes it out (parentAccountNo null); a cycle is refused with 400 GROUP_CYCLE; audited. Answers the tree it is now in',
      permission: manage,
      params: z.strictObject({ accountNo }),
      body: setParentBody,
      response: groupTreeSchema,
      handle: ({ params, body, actor }) => groups.setParent(params.accountNo, body.parentAccountNo, actor),
    }),
    route({
      method: 'get',
      path: '/supervision/dashboard',
      tag,
      summary:
        'The daily statistics of a day (default: the latest): high-risk customers and open / overdue warnings by province, industry and level, 30 days of trend, and the customers owing 1 000 000 yuan or more split current-year / old by industry',
      permission: read,
      query: z.strictObject({ date: isoDateString('date').optional() }),
      response: dashboardSchema,
      handle: ({ query, actor }) => supervision.dashboard(query.date, actor),
    }),
  ];
}
