import { z } from 'zod';
import { calendarDate, decimalString, listSchema, timestamp } from '../lib/contract.js';

const riskLevel = z.enum(['A', 'B', 'C']);

/** One industry of HQ's list (HUE_TRADE_TYPE_CODE, DOMAIN.md §7). */
export const industrySchema = z.object({
  code: z.string().regex(/^\d{3}$/),
  nameZh: z.string(),
  nameEn: z.string(),
  /** 101–108 in DOMAIN.md: the differential-price industries screened by H2. */
  differentialPrice: z.boolean(),
  /** The policy category (ESS_POLICY) notes HQ keeps beside the industry. */
  policyNotes: z.string(),
});
export type Industry = z.infer<typeof industrySchema>;

/** A version of the industry list: the draft HQ edits, the published one, or an older one. */
export const industryListSchema = z.object({
  version: z.number().int(),
  status: z.enum(['draft', 'published', 'superseded']),
  industries: z.array(industrySchema),
  note: z.string().nullable(),
  updatedBy: z.string().nullable(),
  updatedAt: timestamp,
  publishedBy: z.string().nullable(),
  publishedAt: timestamp.nullable(),
});
export type IndustryList = z.infer<typeof industryListSchema>;

/** GET /supervision/industries: the published version, HQ's draft (if any, for HQ) and the history. */
export const industryListsSchema = z.object({
  published: industryListSchema.nullable(),
  draft: industryListSchema.nullable(),
  versions: z.array(industryListSchema.pick({ version: true, status: true, publishedBy: true, publishedAt: true })),
});
export type IndustryLists = z.infer<typeof industryListsSchema>;

/** A province of the department tree (the register's and the orders' province filter). */
export const provinceSchema = z.object({ id: z.string(), name: z.string(), nameEn: z.string().nullable() });
export type Province = z.infer<typeof provinceSchema>;
/** GET /supervision/provinces: the provinces in the caller's sight, by id. */
export const provinceListSchema = z.object({ items: z.array(provinceSchema) });
export type ProvinceList = z.infer<typeof provinceListSchema>;

/** A warning order in a list (the register's open order, the orders screen). */
export const warningSummarySchema = z.object({
  id: z.guid(),
  customerId: z.guid(),
  accountNo: z.string(),
  customerName: z.string(),
  departmentId: z.string(),
  provinceId: z.string().nullable(),
  industry: z.string().nullable(),
  level: riskLevel,
  rules: z.array(z.string()),
  arrearsTotal: decimalString,
  /** open | reported (answered) | escalated | closed */
  status: z.enum(['open', 'reported', 'escalated', 'closed']),
  overdue: z.boolean(),
  escalations: z.number().int(),
  tactic: z.number().int().nullable(),
  deadlineAt: timestamp.nullable(),
  openedAt: timestamp,
  reportedAt: timestamp.nullable(),
  closedAt: timestamp.nullable(),
  instanceId: z.guid().nullable(),
});
export type WarningSummary = z.infer<typeof warningSummarySchema>;
export const warningListSchema = listSchema(warningSummarySchema);

/** One customer on the register on a day. */
export const registerEntrySchema = z.object({
  customerId: z.guid(),
  accountNo: z.string(),
  name: z.string(),
  departmentId: z.string(),
  provinceId: z.string().nullable(),
  industry: z.string().nullable(),
  level: riskLevel,
  rules: z.array(z.string()),
  arrearsCurrentYear: decimalString,
  arrearsPriorYears: decimalString,
  arrearsTotal: decimalString,
  /** The customer's order not yet closed, if any. */
  openWarningId: z.guid().nullable(),
  openWarningStatus: z.string().nullable(),
});
export type RegisterEntry = z.infer<typeof registerEntrySchema>;
export const registerPageSchema = listSchema(registerEntrySchema).extend({ date: calendarDate.nullable() });

/** A task of a warning order (the order's steps: answer, review, supervised rectification). */
export const warningTaskSchema = z.object({
  id: z.guid(),
  instanceId: z.guid(),
  elementId: z.string(),
  name: z.string().nullable(),
  status: z.string(),
  departmentId: z.string().nullable(),
  assignee: z.string().nullable(),
  candidateGroups: z.array(z.string()),
  createdAt: timestamp,
  dueAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  completedBy: z.string().nullable(),
});
export type WarningTask = z.infer<typeof warningTaskSchema>;

/** One event of an order's timeline. */
export const timelineEventSchema = z.object({
  at: timestamp,
  /** opened | task-created | task-completed | reported | escalated | closed */
  kind: z.string(),
  what: z.string().nullable(),
  who: z.string().nullable(),
});

/**
 * One time HQ pressed the order (督办): the stage it was at (answer: waiting for the province's
 * answer; review: answered, HQ's review sent it to supervised rectification; hq: waiting on HQ
 * itself), HQ's reason, and how many of the province's answering staff were notified (null for a
 * review's escalation: its new task reaches them like any task).
 */
export const escalationSchema = z.object({
  id: z.guid(),
  stage: z.enum(['answer', 'review', 'hq']),
  reason: z.string(),
  escalatedBy: z.string(),
  escalatedAt: timestamp,
  notified: z.number().int().nullable(),
});
export type Escalation = z.infer<typeof escalationSchema>;

/** GET /supervision/warnings/:id */
export const warningDetailSchema = warningSummarySchema.extend({
  measure: z.string().nullable(),
  evidence: z.string().nullable(),
  measureCompliant: z.boolean().nullable(),
  reportedBy: z.string().nullable(),
  /** Tasks not yet done, in the caller's sight; the screen completes them through /tasks. */
  openTasks: z.array(warningTaskSchema),
  provinces: z.array(
    z.object({ provinceId: z.string(), status: z.string(), overdue: z.boolean(), tactic: z.number().int().nullable() }),
  ),
  timeline: z.array(timelineEventSchema),
  /** Every escalation, oldest first. */
  escalationHistory: z.array(escalationSchema),
});
export type WarningDetail = z.infer<typeof warningDetailSchema>;

/** GET /supervision/customers/:id: the customer's consumption, recovery, screening and orders. */
export const customerHistorySchema = z.object({
  customerId: z.guid(),
  accountNo: z.string(),
  name: z.string(),
  departmentId: z.string(),
  industry: z.string().nullable(),
  policyCategory: z.string().nullable(),
  productionStatus: z.string().nullable(),
  creditGrade: z.string(),
  groupParentId: z.guid().nullable(),
  screening: z
    .object({
      date: calendarDate,
      level: riskLevel.nullable(),
      rules: z.array(z.string()),
      arrearsCurrentYear: decimalString,
      arrearsPriorYears: decimalString,
      arrearsTotal: decimalString,
    })
    .nullable(),
  /** Last 24 months, oldest first: kWh billed. */
  consumption: z.array(z.object({ period: z.string(), kwh: decimalString })),
  /** Last 24 months, oldest first: billed vs paid, and whether it was paid late (or is unpaid past due). */
  recovery: z.array(
    z.object({
      period: z.string(),
      billed: decimalString,
      paid: decimalString,
      dueDate: calendarDate,
      paidOn: calendarDate.nullable(),
      late: z.boolean(),
    }),
  ),
  latePayments: z.number().int(),
  warnings: z.array(warningSummarySchema),
});
export type CustomerHistory = z.infer<typeof customerHistorySchema>;

/** A node of a group's tree. */
export interface GroupNode {
  customerId: string;
  accountNo: string;
  name: string;
  departmentId: string;
  provinceId: string;
  /** The node's own arrears and its subtree's. */
  arrears: string;
  rolledArrears: string;
  /** Last 12 months' kWh, own and subtree. */
  kwh12: string;
  rolledKwh12: string;
  children: GroupNode[];
}
export const groupNodeSchema: z.ZodType<GroupNode> = z.lazy(() =>
  z.object({
    customerId: z.guid(),
    accountNo: z.string(),
    name: z.string(),
    departmentId: z.string(),
    provinceId: z.string(),
    arrears: decimalString,
    rolledArrears: decimalString,
    kwh12: decimalString,
    rolledKwh12: decimalString,
    children: z.array(groupNodeSchema),
  }),
);

/** GET /supervision/groups: the groups (top parents) in the caller's sight. */
export const groupListSchema = listSchema(
  z.object({
    customerId: z.guid(),
    accountNo: z.string(),
    name: z.string(),
    departmentId: z.string(),
    members: z.number().int(),
  }),
);

/** GET /supervision/groups/:id: the tree from the top parent, with the group's totals. */
export const groupTreeSchema = z.object({
  root: groupNodeSchema,
  totals: z.object({
    members: z.number().int(),
    provinces: z.array(z.string()),
    arrears: decimalString,
    kwh12: decimalString,
  }),
});
export type GroupTree = z.infer<typeof groupTreeSchema>;

const countSchema = z.object({
  key: z.string(),
  highRisk: z.number().int(),
  openWarnings: z.number().int(),
  overdueWarnings: z.number().int(),
});

/** GET /supervision/dashboard */
export const dashboardSchema = z.object({
  date: calendarDate.nullable(),
  totals: z.object({ highRisk: z.number().int(), openWarnings: z.number().int(), overdueWarnings: z.number().int() }),
  byProvince: z.array(countSchema),
  byIndustry: z.array(countSchema),
  byLevel: z.array(countSchema),
  /** The 30 days up to the date, oldest first (days not screened are absent). */
  trend: z.array(
    z.object({
      date: calendarDate,
      highRisk: z.number().int(),
      openWarnings: z.number().int(),
      overdueWarnings: z.number().int(),
    }),
  ),
  /** The daily list of customers owing 1 000 000 yuan or more, split current-year / old, by industry. */
  bigArrears: z.array(
    z.object({
      industry: z.string(),
      arrearsCurrentYear: decimalString,
      arrearsPriorYears: decimalString,
      customers: z.array(
        z.object({
          customerId: z.guid(),
          accountNo: z.string(),
          name: z.string(),
          provinceId: z.string().nullable(),
          level: riskLevel.nullable(),
          arrearsCurrentYear: decimalString,
          arrearsPriorYears: decimalString,
          arrearsTotal: decimalString,
        }),
      ),
    }),
  ),
});
export type Dashboard = z.infer<typeof dashboardSchema>;
