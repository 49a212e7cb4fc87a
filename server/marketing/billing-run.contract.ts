import { z } from 'zod';
import { iso, timestamp } from '../lib/contract.js';

/** A billing run as the API answers it (GET /billing/runs/:id). */
export const billingRunSchema = z.object({
  id: z.guid(),
  period: z.string(),
  /** null: every department the starter could bill. */
  departmentId: z.string().nullable(),
  status: z.enum(['running', 'completed', 'failed']),
  nodeId: z.string(),
  startedBy: z.string(),
  startedAt: timestamp,
  heartbeatAt: timestamp,
  finishedAt: timestamp.nullable(),
  customers: z.number().int(),
  processed: z.number().int(),
  billed: z.number().int(),
  held: z.number().int(),
  skippedWithoutReadings: z.number().int(),
  keptPaid: z.number().int(),
  errors: z.number().int(),
  errorSamples: z.array(z.unknown()),
  failure: z.string().nullable(),
});
export type BillingRun = z.infer<typeof billingRunSchema>;

export interface BillingRunRow {
  id: string;
  period: string;
  department_id: string | null;
  status: BillingRun['status'];
  node_id: string;
  started_by: string;
  started_at: Date | string;
  heartbeat_at: Date | string;
  finished_at: Date | string | null;
  customers: number;
  processed: number;
  billed: number;
  held: number;
  skipped_without_readings: number;
  kept_paid: number;
  errors: number;
  error_samples: unknown[];
  failure: string | null;
}

export function toBillingRun(row: BillingRunRow): BillingRun {
  return {
    id: row.id,
    period: row.period,
    departmentId: row.department_id,
    status: row.status,
    nodeId: row.node_id,
    startedBy: row.started_by,
    startedAt: iso(row.started_at),
    heartbeatAt: iso(row.heartbeat_at),
    finishedAt: iso(row.finished_at),
    customers: row.customers,
    processed: row.processed,
    billed: row.billed,
    held: row.held,
    skippedWithoutReadings: row.skipped_without_readings,
    keptPaid: row.kept_paid,
    errors: row.errors,
    errorSamples: row.error_samples,
    failure: row.failure,
  };
}
