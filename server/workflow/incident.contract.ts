import { z } from 'zod';
import { iso, timestamp } from '../lib/contract.js';

/**
 * An incident: a failure whose retries ran out (failed-job), an external task a worker failed with
 * no retries left (failed-external-task: set its retries to retry), or an instance that failed
 * (failed-instance).
 */
export const incidentSchema = z.object({
  id: z.guid(),
  instanceId: z.guid(),
  /** The job to retry; null when the instance itself failed. */
  jobId: z.guid().nullable(),
  type: z.enum(['failed-job', 'failed-external-task', 'failed-instance']),
  elementId: z.string().nullable(),
  executionId: z.string().nullable(),
  message: z.string(),
  status: z.enum(['open', 'resolved']),
  createdAt: timestamp,
  resolvedAt: timestamp.nullable(),
  resolvedBy: z.string().nullable(),
});
export type Incident = z.infer<typeof incidentSchema>;

export const INCIDENT_COLUMNS = [
  'id',
  'instance_id',
  'job_id',
  'type',
  'element_id',
  'execution_id',
  'message',
  'status',
  'created_at',
  'resolved_at',
  'resolved_by',
];

export interface IncidentRow {
  id: string;
  instance_id: string;
  job_id: string | null;
  type: Incident['type'];
  element_id: string | null;
  execution_id: string | null;
  message: string;
  status: Incident['status'];
  created_at: Date | string;
  resolved_at: Date | string | null;
  resolved_by: string | null;
}

export function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    instanceId: row.instance_id,
    jobId: row.job_id,
    type: row.type,
    elementId: row.element_id,
    executionId: row.execution_id,
    message: row.message,
    status: row.status,
    createdAt: iso(row.created_at),
    resolvedAt: iso(row.resolved_at),
    resolvedBy: row.resolved_by,
  };
}

/** An incident as GET /incidents lists it: with the process and business key of its instance. */
export const incidentListItemSchema = incidentSchema.extend({
  definitionKey: z.string(),
  businessKey: z.string().nullable(),
  departmentId: z.string().nullable(),
});
export type IncidentListItem = z.infer<typeof incidentListItemSchema>;

export interface IncidentListRow extends IncidentRow {
  definition_key: string;
  business_key: string | null;
  department_id: string | null;
}

export function toIncidentListItem(row: IncidentListRow): IncidentListItem {
  return {
    ...toIncident(row),
    definitionKey: row.definition_key,
    businessKey: row.business_key,
    departmentId: row.department_id,
  };
}

/** POST /incidents/:id/retry: the job that runs again. */
export const incidentRetrySchema = z.object({ jobId: z.guid() });
export type IncidentRetry = z.infer<typeof incidentRetrySchema>;

const incidentTypes = ['failed-job', 'failed-external-task', 'failed-instance'] as const;

/** GET /incidents and /incidents/groups filters (query parameters, combined with AND). */
export const incidentSearchSchema = z.object({
  status: z.enum(['open', 'resolved']).optional(),
  instanceId: z.guid().optional(),
  definitionKey: z.string().min(1).max(200).optional(),
  type: z.enum(incidentTypes).optional(),
  elementId: z.string().min(1).max(200).optional(),
  /** The exact error message (as a group names it). */
  message: z.string().min(1).max(4000).optional(),
  /** A fragment of the error message, any case. */
  messageContains: z.string().min(1).max(200).optional(),
  /** The instance's department and its subtree. */
  departmentId: z.string().min(1).max(64).optional(),
  createdAfter: z.coerce.date().optional(),
  createdBefore: z.coerce.date().optional(),
});
export type IncidentSearch = z.output<typeof incidentSearchSchema>;

/** One group of the incidents page: incidents of one process with the same error, at the same element. */
export const incidentGroupSchema = z.object({
  definitionKey: z.string(),
  type: z.enum(incidentTypes),
  elementId: z.string().nullable(),
  message: z.string(),
  count: z.number().int(),
  firstAt: timestamp,
  lastAt: timestamp,
});
export type IncidentGroup = z.infer<typeof incidentGroupSchema>;

export interface IncidentGroupRow {
  definition_key: string;
  type: IncidentGroup['type'];
  element_id: string | null;
  message: string;
  count: string | number;
  first_at: Date | string;
  last_at: Date | string;
}

export function toIncidentGroup(row: IncidentGroupRow): IncidentGroup {
  return {
    definitionKey: row.definition_key,
    type: row.type,
    elementId: row.element_id,
    message: row.message,
    count: Number(row.count),
    firstAt: iso(row.first_at),
    lastAt: iso(row.last_at),
  };
}

/** POST /incidents/retry: these incidents, or (at most 500 of) the open ones a filter finds. */
export const incidentBulkRetrySchema = z
  .object({
    incidentIds: z.array(z.guid()).min(1).max(500).optional(),
    filter: incidentSearchSchema.omit({ status: true }).optional(),
  })
  .refine((b) => (b.incidentIds ? !b.filter : !!b.filter), {
    message: 'give either incidentIds or filter',
    path: ['incidentIds'],
  });
export type IncidentBulkRetry = z.input<typeof incidentBulkRetrySchema>;

/** What happened to each incident of a bulk retry: one transaction each, so some may fail. */
export const incidentBulkRetryResultSchema = z.object({
  retried: z.number().int(),
  failed: z.number().int(),
  results: z.array(
    z.object({
      incidentId: z.guid(),
      ok: z.boolean(),
      jobId: z.guid().nullable(),
      errorCode: z.string().nullable(),
      error: z.string().nullable(),
    }),
  ),
});
export type IncidentBulkRetryResult = z.infer<typeof incidentBulkRetryResultSchema>;
