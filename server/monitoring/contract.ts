import { z } from 'zod';
import { decisionEvaluationSchema } from '../decisions/decision.contract.js';
import { iso, jsonObject, timestamp } from '../lib/contract.js';
import { incidentSchema } from '../workflow/incident.contract.js';
import { instanceSchema } from '../workflow/instance.contract.js';
import { taskStatusSchema } from '../tasks/tasks.contract.js';

/**
 * The monitoring API's answers (GET /monitoring/*): zod schemas, and the types inferred from them
 * that the browser imports with `import type`. Each mapper turns database rows into its resource.
 */

/** Durations in one period, from a histogram (server/monitoring/histogram.ts). */
export const durationStatsSchema = z.object({
  count: z.number().int(),
  avgMs: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p90Ms: z.number().nullable(),
});
export type DurationStats = z.infer<typeof durationStatsSchema>;

/** Which process (and versions) a dashboard reads, and the version whose diagram it shows. */
export const definitionInfoSchema = z.object({
  key: z.string(),
  /** null: every version. */
  version: z.number().int().nullable(),
  versions: z.array(z.number().int()),
  name: z.string().nullable(),
  shownDefinitionId: z.string(),
  shownVersion: z.number().int(),
});
export type DefinitionInfo = z.infer<typeof definitionInfoSchema>;

export const bucketSchema = z.enum(['hour', 'day']);

export const periodSchema = z.object({ from: timestamp, to: timestamp, bucket: bucketSchema });
export type Period = z.infer<typeof periodSchema>;

/** Tokens waiting at one element now; for user tasks, how many are unclaimed, claimed, overdue. */
export const backlogEntrySchema = z.object({
  elementId: z.string(),
  name: z.string(),
  type: z.string().nullable(),
  tokens: z.number().int(),
  unclaimed: z.number().int(),
  claimed: z.number().int(),
  overdue: z.number().int(),
  oldestStartedAt: timestamp,
  ageMs: z.number(),
});
export type BacklogEntry = z.infer<typeof backlogEntrySchema>;

/** An open incident of the process, newest first, as the dashboard lists it. */
export const dashboardIncidentSchema = z.object({
  id: z.string(),
  instanceId: z.string(),
  elementId: z.string().nullable(),
  message: z.string(),
  createdAt: timestamp,
  businessKey: z.string().nullable(),
  departmentId: z.string().nullable(),
});
export type DashboardIncident = z.infer<typeof dashboardIncidentSchema>;

export interface DashboardIncidentRow {
  id: string;
  instance_id: string;
  element_id: string | null;
  message: string;
  created_at: Date | string;
  business_key: string | null;
  department_id: string | null;
}

export function toDashboardIncident(row: DashboardIncidentRow): DashboardIncident {
  return {
    id: row.id,
    instanceId: row.instance_id,
    elementId: row.element_id,
    message: row.message,
    createdAt: iso(row.created_at),
    businessKey: row.business_key,
    departmentId: row.department_id,
  };
}

/** A process's dashboard in the caller's part of the organisation (GET /monitoring/dashboard). */
export const dashboardSchema = z.object({
  definition: definitionInfoSchema,
  period: periodSchema,
  /** The departments in scope; null = every department. */
  departmentIds: z.array(z.string()).nullable(),
  /** The departments a filter may choose, in tree order, by name (every department when the scope is all). */
  departments: z.array(
    z.object({ id: z.string(), name: z.string(), nameEn: z.string().nullable(), depth: z.number().int() }),
  ),
  counts: z.object({
    running: z.number().int(),
    started: z.number().int(),
    completed: z.number().int(),
    cancelled: z.number().int(),
    failed: z.number().int(),
    openIncidents: z.number().int(),
  }),
  throughput: z.array(
    z.object({
      at: timestamp,
      started: z.number().int(),
      completed: z.number().int(),
      cancelled: z.number().int(),
      failed: z.number().int(),
    }),
  ),
  backlog: z.array(backlogEntrySchema),
  sla: z.object({
    onTime: z.number().int(),
    breached: z.number().int(),
    compliance: z.number().nullable(),
    openOverdue: z.number().int(),
    openDueSoon: z.number().int(),
  }),
  incidents: z.array(dashboardIncidentSchema),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

/** One timed element of the diagram: tokens now, durations and SLA in the period (GET /monitoring/activities). */
export const elementFiguresSchema = z.object({
  elementId: z.string(),
  name: z.string(),
  type: z.string().nullable(),
  userTask: z.boolean(),
  tokens: z.number().int(),
  unclaimed: z.number().int(),
  claimed: z.number().int(),
  overdue: z.number().int(),
  oldestStartedAt: timestamp.nullable(),
  ageMs: z.number(),
  duration: durationStatsSchema,
  waiting: durationStatsSchema,
  working: durationStatsSchema,
  sla: z.object({ onTime: z.number().int(), breached: z.number().int(), breachShare: z.number().nullable() }),
});
export type ElementFigures = z.infer<typeof elementFiguresSchema>;

export const activitiesSchema = z.object({
  definition: definitionInfoSchema,
  period: periodSchema,
  elements: z.array(elementFiguresSchema),
});
export type Activities = z.infer<typeof activitiesSchema>;

/** An instance with a token waiting at one element now (GET /monitoring/activities/:elementId/instances). */
export const waitingInstanceSchema = z.object({
  instanceId: z.string(),
  startedAt: timestamp,
  businessKey: z.string().nullable(),
  departmentId: z.string().nullable(),
  definitionVersion: z.number().int(),
  /** The open user task holding the token, when the element is one. */
  taskId: z.string().nullable(),
  assignee: z.string().nullable(),
  candidateGroups: z.array(z.string()).nullable(),
  dueAt: timestamp.nullable(),
});
export type WaitingInstance = z.infer<typeof waitingInstanceSchema>;

export interface WaitingInstanceRow {
  instance_id: string;
  started_at: Date | string;
  business_key: string | null;
  department_id: string | null;
  definition_version: number;
  task_id: string | null;
  assignee: string | null;
  candidate_groups: string[] | null;
  due_at: Date | string | null;
}

export function toWaitingInstance(row: WaitingInstanceRow): WaitingInstance {
  return {
    instanceId: row.instance_id,
    startedAt: iso(row.started_at),
    businessKey: row.business_key,
    departmentId: row.department_id,
    definitionVersion: Number(row.definition_version),
    taskId: row.task_id,
    assignee: row.assignee,
    candidateGroups: row.candidate_groups,
    dueAt: iso(row.due_at),
  };
}

/** A first reading of where time goes at a step. */
export const bottleneckCauseSchema = z.object({
  kind: z.enum(['capacity', 'slow-person', 'process-step', 'none']),
  /** The slow person, for `slow-person`. */
  username: z.string().optional(),
});
export type BottleneckCause = z.infer<typeof bottleneckCauseSchema>;

/** A person's pace at a step: tasks completed there in the period and the mean working time. */
export const paceSchema = z.object({ username: z.string(), completed: z.number().int(), avgWorkMs: z.number() });
export type Pace = z.infer<typeof paceSchema>;

/** A step with time lost, the people's pace there and the likely cause (GET /monitoring/bottlenecks). */
export const bottleneckSchema = elementFiguresSchema.extend({
  timeLostMs: z.number(),
  people: z.array(paceSchema),
  cause: bottleneckCauseSchema,
});
export type Bottleneck = z.infer<typeof bottleneckSchema>;

export const bottlenecksSchema = z.object({
  definition: definitionInfoSchema,
  period: periodSchema,
  steps: z.array(bottleneckSchema),
});
export type Bottlenecks = z.infer<typeof bottlenecksSchema>;

/** Open tasks per person and per candidate group in scope (GET /monitoring/workload). */
export const workloadSchema = z.object({
  /** The departments in scope; null = every department. */
  departmentIds: z.array(z.string()).nullable(),
  people: z.array(
    z.object({
      username: z.string(),
      displayName: z.string().nullable(),
      open: z.number().int(),
      overdue: z.number().int(),
      oldestCreatedAt: timestamp,
    }),
  ),
  /** `group` is the candidate group (a role code); `name`/`nameEn` the role's names, null for a non-role group. */
  groups: z.array(
    z.object({
      group: z.string(),
      name: z.string().nullable(),
      nameEn: z.string().nullable(),
      unclaimed: z.number().int(),
      overdue: z.number().int(),
      oldestCreatedAt: timestamp,
    }),
  ),
});
export type Workload = z.infer<typeof workloadSchema>;

export const alertKindSchema = z.enum(['due-soon', 'breached']);
export type AlertKind = z.infer<typeof alertKindSchema>;

export const alertSubjectTypeSchema = z.enum(['task', 'instance']);
export type AlertSubjectType = z.infer<typeof alertSubjectTypeSchema>;

/** An open task due within the horizon or overdue, with its acknowledgement (GET /monitoring/alerts). */
export const alertTaskSchema = z.object({
  subjectType: z.literal('task'),
  taskId: z.string(),
  instanceId: z.string(),
  name: z.string().nullable(),
  elementId: z.string(),
  definitionKey: z.string(),
  departmentId: z.string().nullable(),
  assignee: z.string().nullable(),
  assigneeName: z.string().nullable(),
  candidateGroups: z.array(z.string()),
  dueAt: timestamp,
  createdAt: timestamp,
  businessKey: z.string().nullable(),
  kind: alertKindSchema,
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: timestamp.nullable(),
});
export type AlertTask = z.infer<typeof alertTaskSchema>;

export interface AlertTaskRow {
  task_id: string;
  instance_id: string;
  name: string | null;
  element_id: string;
  definition_key: string;
  department_id: string | null;
  assignee: string | null;
  assignee_name: string | null;
  candidate_groups: string[] | null;
  due_at: Date | string;
  created_at: Date | string;
  business_key: string | null;
  kind: AlertKind;
  acknowledged_by: string | null;
  acknowledged_at: Date | string | null;
}

export function toAlertTask(row: AlertTaskRow): AlertTask {
  return {
    subjectType: 'task',
    taskId: row.task_id,
    instanceId: row.instance_id,
    name: row.name,
    elementId: row.element_id,
    definitionKey: row.definition_key,
    departmentId: row.department_id,
    assignee: row.assignee,
    assigneeName: row.assignee_name,
    candidateGroups: row.candidate_groups ?? [],
    dueAt: iso(row.due_at),
    createdAt: iso(row.created_at),
    businessKey: row.business_key,
    kind: row.kind,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: iso(row.acknowledged_at),
  };
}

/** A running instance due within the horizon or overdue. */
export const alertInstanceSchema = z.object({
  subjectType: z.literal('instance'),
  instanceId: z.string(),
  definitionKey: z.string(),
  departmentId: z.string().nullable(),
  businessKey: z.string().nullable(),
  dueAt: timestamp,
  startedAt: timestamp,
  kind: alertKindSchema,
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: timestamp.nullable(),
});
export type AlertInstance = z.infer<typeof alertInstanceSchema>;

export interface AlertInstanceRow {
  instance_id: string;
  definition_key: string;
  department_id: string | null;
  business_key: string | null;
  due_at: Date | string;
  started_at: Date | string;
  kind: AlertKind;
  acknowledged_by: string | null;
  acknowledged_at: Date | string | null;
}

export function toAlertInstance(row: AlertInstanceRow): AlertInstance {
  return {
    subjectType: 'instance',
    instanceId: row.instance_id,
    definitionKey: row.definition_key,
    departmentId: row.department_id,
    businessKey: row.business_key,
    dueAt: iso(row.due_at),
    startedAt: iso(row.started_at),
    kind: row.kind,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: iso(row.acknowledged_at),
  };
}

/** The lists stop at the query's limit; `breached` and `dueSoon` count everything in scope. */
export const alertsSchema = z.object({
  now: timestamp,
  horizonMs: z.number(),
  breached: z.number().int(),
  dueSoon: z.number().int(),
  tasks: z.array(alertTaskSchema),
  instances: z.array(alertInstanceSchema),
});
export type Alerts = z.infer<typeof alertsSchema>;

/** An acknowledged alert: who saw it and when (POST /monitoring/alerts/:id/ack). */
export const acknowledgementSchema = z.object({
  subjectType: alertSubjectTypeSchema,
  subjectId: z.string(),
  kind: alertKindSchema,
  acknowledgedBy: z.string(),
  acknowledgedAt: timestamp,
  note: z.string().nullable(),
});
export type Acknowledgement = z.infer<typeof acknowledgementSchema>;

export interface AcknowledgementRow {
  subject_type: AlertSubjectType;
  subject_id: string;
  kind: AlertKind;
  acknowledged_by: string;
  acknowledged_at: Date | string;
  note: string | null;
}

export function toAcknowledgement(row: AcknowledgementRow): Acknowledgement {
  return {
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    kind: row.kind,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: iso(row.acknowledged_at),
    note: row.note,
  };
}

/** A user task's part in a timeline step: waiting (created → claimed) and working (claimed → completed). */
export const timelineTaskSchema = z.object({
  id: z.string(),
  status: taskStatusSchema,
  assignee: z.string().nullable(),
  candidateGroups: z.array(z.string()),
  dueAt: timestamp.nullable(),
  claimedAt: timestamp.nullable(),
  waitingMs: z.number().nullable(),
  workingMs: z.number().nullable(),
  /** null: the task has no deadline. */
  breached: z.boolean().nullable(),
});
export type TimelineTask = z.infer<typeof timelineTaskSchema>;

/** One activity the instance went through, with its actor and times. */
export const timelineStepSchema = z.object({
  elementId: z.string(),
  elementType: z.string(),
  name: z.string(),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
  durationMs: z.number().nullable(),
  outcome: z.string().nullable(),
  actor: z.string().nullable(),
  task: timelineTaskSchema.nullable(),
});
export type TimelineStep = z.infer<typeof timelineStepSchema>;

/** One instance as a manager investigates it (GET /monitoring/instances/:id). */
export const instanceViewSchema = z.object({
  instance: instanceSchema,
  /** The instance's process variables, under their own names. */
  variables: jsonObject,
  timeline: z.array(timelineStepSchema),
  incidents: z.array(incidentSchema.extend({ retryable: z.boolean() })),
  path: z.object({ completedElementIds: z.array(z.string()), activeElementIds: z.array(z.string()) }),
  diagram: z.object({ xml: z.string().nullable(), name: z.string().nullable() }),
  /** What its business rule tasks decided: each evaluation with inputs, matched rules and outputs. */
  decisionEvaluations: z.array(decisionEvaluationSchema),
});
export type InstanceView = z.infer<typeof instanceViewSchema>;
