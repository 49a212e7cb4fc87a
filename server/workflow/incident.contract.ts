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
