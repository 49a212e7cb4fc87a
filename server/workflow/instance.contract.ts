import { z } from 'zod';
import { iso, jsonObject, jsonValue, timestamp } from '../lib/contract.js';
import { incidentSchema } from './incident.contract.js';

export const instanceStatusSchema = z.enum(['running', 'completed', 'cancelled', 'failed']);

/** A process instance as lists answer it (GET /process-instances items). */
export const instanceSchema = z.object({
  id: z.guid(),
  definitionId: z.guid(),
  definitionKey: z.string(),
  definitionVersion: z.number().int(),
  businessKey: z.string().nullable(),
  departmentId: z.string().nullable(),
  status: instanceStatusSchema,
  parentInstanceId: z.guid().nullable(),
  rootInstanceId: z.guid().nullable(),
  startedBy: z.string(),
  /** The starter's display name (users.display_name); null for an unknown user (a system start). */
  startedByName: z.string().nullable(),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
  endReason: z.string().nullable(),
  openIncidents: z.number().int(),
  /** The whole instance's deadline (the process's dueDate property), when it has one. */
  dueAt: timestamp.nullable(),
  /** Running with its deadline passed. */
  overdue: z.boolean(),
  /** Suspended: no task completion, job, timer or message runs until it is resumed. */
  suspended: z.boolean(),
  suspendedAt: timestamp.nullable(),
  suspendedBy: z.string().nullable(),
  /** The customer the instance is about, from its variables (accountNo, customerId, customerName). */
  accountNo: z.string().nullable(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
});
export type Instance = z.infer<typeof instanceSchema>;

/** A row of INSTANCE_SUMMARY_COLUMNS (instances.repository.ts). */
export interface InstanceSummaryRow {
  id: string;
  definition_id: string;
  definition_key: string;
  definition_version: number;
  business_key: string | null;
  department_id: string | null;
  status: Instance['status'];
  parent_instance_id: string | null;
  root_instance_id: string | null;
  started_by: string;
  /** Not a column: the starter's display name, added by the reader (user-names.ts). */
  started_by_name?: string | null;
  started_at: Date | string;
  ended_at: Date | string | null;
  end_reason: string | null;
  open_incidents: number;
  due_at?: Date | string | null;
  suspended_at?: Date | string | null;
  suspended_by?: string | null;
  account_no?: string | null;
  customer_id?: string | null;
  customer_name?: string | null;
}

/** `now`: the platform clock, which decides whether a deadline has passed. */
export function toInstance(row: InstanceSummaryRow, now: Date = new Date()): Instance {
  return {
    id: row.id,
    definitionId: row.definition_id,
    definitionKey: row.definition_key,
    definitionVersion: row.definition_version,
    businessKey: row.business_key,
    departmentId: row.department_id,
    status: row.status,
    parentInstanceId: row.parent_instance_id,
    rootInstanceId: row.root_instance_id,
    startedBy: row.started_by,
    startedByName: row.started_by_name ?? null,
    startedAt: iso(row.started_at),
    endedAt: iso(row.ended_at),
    endReason: row.end_reason,
    openIncidents: Number(row.open_incidents),
    dueAt: iso(row.due_at),
    overdue: row.status === 'running' && !!row.due_at && new Date(row.due_at).getTime() < now.getTime(),
    suspended: !!row.suspended_at,
    suspendedAt: iso(row.suspended_at),
    suspendedBy: row.suspended_by ?? null,
    accountNo: row.account_no ?? null,
    customerId: row.customer_id ?? null,
    customerName: row.customer_name ?? null,
  };
}

/** A task the instance's first step created (POST /process-instances answers them). */
export const createdTaskSchema = z.object({
  id: z.guid(),
  elementId: z.string(),
  name: z.string().nullable(),
  assignee: z.string().nullable(),
  candidateGroups: z.array(z.string()),
  candidateUsers: z.array(z.string()),
  departmentId: z.string().nullable(),
});
export type CreatedTaskSummary = z.infer<typeof createdTaskSchema>;

export interface CreatedTaskRow {
  id: string;
  element_id: string;
  name: string | null;
  assignee: string | null;
  candidate_groups: string[];
  candidate_users: string[];
  department_id: string | null;
}

export function toCreatedTask(row: CreatedTaskRow): CreatedTaskSummary {
  return {
    id: row.id,
    elementId: row.element_id,
    name: row.name,
    assignee: row.assignee,
    candidateGroups: row.candidate_groups,
    candidateUsers: row.candidate_users,
    departmentId: row.department_id,
  };
}

/** A started instance, its variables and the tasks its first step created that the starter may see. */
export const startedInstanceSchema = instanceSchema.extend({
  variables: jsonObject,
  tasks: z.array(createdTaskSchema),
});
export type StartedInstance = z.infer<typeof startedInstanceSchema>;

/** An open task of an instance, as its detail lists them. */
export const instanceTaskSchema = z.object({
  id: z.guid(),
  elementId: z.string(),
  name: z.string().nullable(),
  assignee: z.string().nullable(),
  candidateGroups: z.array(z.string()),
  dueAt: timestamp.nullable(),
  createdAt: timestamp,
});
export type InstanceTask = z.infer<typeof instanceTaskSchema>;

export interface InstanceTaskRow {
  id: string;
  element_id: string;
  name: string | null;
  assignee: string | null;
  candidate_groups: string[];
  due_at: Date | string | null;
  created_at: Date | string;
}

export const INSTANCE_TASK_COLUMNS = [
  'id',
  'element_id',
  'name',
  'assignee',
  'candidate_groups',
  'due_at',
  'created_at',
];

export function toInstanceTask(row: InstanceTaskRow): InstanceTask {
  return {
    id: row.id,
    elementId: row.element_id,
    name: row.name,
    assignee: row.assignee,
    candidateGroups: row.candidate_groups,
    dueAt: iso(row.due_at),
    createdAt: iso(row.created_at),
  };
}

/** One activity of an instance's history: when it started and ended, how, and who ended it. */
export const historyEntrySchema = z.object({
  elementId: z.string(),
  elementType: z.string(),
  executionId: z.string(),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
  durationMs: z.number().nullable(),
  outcome: z.string().nullable(),
  actor: z.string().nullable(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export interface HistoryRow {
  element_id: string;
  element_type: string;
  execution_id: string;
  started_at: Date | string;
  ended_at: Date | string | null;
  /** bigint: pg answers it as a string. */
  duration_ms: string | number | null;
  outcome: string | null;
  actor: string | null;
}

export function toHistoryEntry(row: HistoryRow): HistoryEntry {
  return {
    elementId: row.element_id,
    elementType: row.element_type,
    executionId: row.execution_id,
    startedAt: iso(row.started_at),
    endedAt: iso(row.ended_at),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    outcome: row.outcome,
    actor: row.actor,
  };
}

/** Where an instance waits: an open task, a job (timer, service call, async continuation), a message, an external task, a called process. */
export const waitingActivitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user-task'), elementId: z.string(), executionId: z.string() }),
  z.object({
    kind: z.enum(['timer', 'service', 'async-continuation']),
    elementId: z.string(),
    executionId: z.string(),
    dueAt: timestamp,
    retries: z.number().int(),
    suspended: z.boolean(),
    lastError: z.string().nullable(),
  }),
  z.object({ kind: z.literal('message'), elementId: z.string(), executionId: z.string(), messageName: z.string() }),
  /** A Camunda external task waiting for a worker: its topic and, while one holds it, the worker and lock. */
  z.object({
    kind: z.literal('external-task'),
    elementId: z.string(),
    executionId: z.string(),
    externalTaskId: z.guid(),
    topic: z.string(),
    workerId: z.string().nullable(),
    lockExpiresAt: timestamp.nullable(),
    retries: z.number().int().nullable(),
    lastError: z.string().nullable(),
  }),
  z.object({ kind: z.literal('call-activity'), executionId: z.string().nullable(), childInstanceId: z.guid() }),
]);
export type WaitingActivity = z.infer<typeof waitingActivitySchema>;

/** A process an instance called. */
export const childInstanceSchema = z.object({
  id: z.guid(),
  definitionKey: z.string(),
  status: instanceStatusSchema,
  parentExecutionId: z.string().nullable(),
});
export type ChildInstance = z.infer<typeof childInstanceSchema>;

export interface ChildInstanceRow {
  id: string;
  definition_key: string;
  status: Instance['status'];
  parent_execution_id: string | null;
}

export function toChildInstance(row: ChildInstanceRow): ChildInstance {
  return {
    id: row.id,
    definitionKey: row.definition_key,
    status: row.status,
    parentExecutionId: row.parent_execution_id,
  };
}

/** GET /process-instances/:id: the instance with its variables, where it waits, its tasks, history and incidents. */
export const instanceDetailSchema = instanceSchema.extend({
  variables: jsonObject,
  revision: z.number().int(),
  parentExecutionId: z.string().nullable(),
  waitingActivities: z.array(waitingActivitySchema),
  tasks: z.array(instanceTaskSchema),
  history: z.array(historyEntrySchema),
  incidents: z.array(incidentSchema),
  children: z.array(childInstanceSchema),
});
export type InstanceDetail = z.infer<typeof instanceDetailSchema>;

/** One entry of an instance's operation log: who did what to it or its tasks, when. */
export const operationSchema = z.object({
  operation: z.string(),
  /** The username of who did it (the record). */
  actor: z.string(),
  /** Their display name (users.display_name); null for a system actor or an unknown user. */
  actorName: z.string().nullable(),
  at: timestamp,
  taskId: z.guid().nullable(),
  /** What the operation recorded (its reason, the instances it touched, …). */
  details: jsonValue,
});
export type Operation = z.infer<typeof operationSchema>;

export interface OperationRow {
  operation: string;
  actor: string;
  at: Date | string;
  task_id: string | null;
  details: unknown;
  actor_name?: string | null;
}

export function toOperation(row: OperationRow): Operation {
  return {
    operation: row.operation,
    actor: row.actor,
    actorName: row.actor_name ?? null,
    at: iso(row.at),
    taskId: row.task_id,
    details: row.details,
  };
}

/** The states an instance search filters by (`status`, several comma-separated). */
export const instanceSearchStates = ['running', 'completed', 'cancelled', 'failed'] as const;

/** The columns the instance search sorts by. */
export const instanceSortKeys = [
  'startedAt',
  'endedAt',
  'dueAt',
  'businessKey',
  'definitionKey',
  'status',
  'departmentId',
] as const;
export type InstanceSortKey = (typeof instanceSortKeys)[number];

const queryFlag = z.enum(['true', 'false']).transform((v) => v === 'true');
const queryText = z.string().trim().min(1).max(200);

/**
 * GET /process-instances filters (query parameters, all optional, combined with AND). Dates are
 * ISO 8601; `departmentId` covers its subtree; `customer` is an account number, a customer id or
 * the start of a customer's name; `currentElementId` finds instances waiting at that step.
 */
export const instanceSearchSchema = z.object({
  definitionKey: queryText.optional(),
  definitionVersion: z.coerce.number().int().min(1).optional(),
  definitionId: z.guid().optional(),
  status: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(instanceSearchStates)).min(1))
    .optional(),
  hasIncident: queryFlag.optional(),
  suspended: queryFlag.optional(),
  overdue: queryFlag.optional(),
  businessKey: queryText.optional(),
  businessKeyStartsWith: queryText.optional(),
  customer: queryText.optional(),
  currentElementId: queryText.optional(),
  departmentId: z.string().min(1).max(64).optional(),
  parentInstanceId: z.guid().optional(),
  startedAfter: z.coerce.date().optional(),
  startedBefore: z.coerce.date().optional(),
  endedAfter: z.coerce.date().optional(),
  endedBefore: z.coerce.date().optional(),
  sortBy: z.enum(instanceSortKeys).default('startedAt'),
  sortOrder: z.enum(['asc', 'desc']).default('desc'),
});
export type InstanceSearch = z.output<typeof instanceSearchSchema>;
/** The filters as a client sends them (query parameters). */
export type InstanceSearchQuery = z.input<typeof instanceSearchSchema>;
