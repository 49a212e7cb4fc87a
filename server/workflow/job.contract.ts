import { z } from 'zod';
import { iso, timestamp } from '../lib/contract.js';

/**
 * A job of an instance: a timer, a service call, the hand-back of a called process, a signal to
 * deliver to it, or (on the thrower) a process to start by a signal it threw.
 */
export const jobSchema = z.object({
  id: z.guid(),
  type: z.enum(['timer', 'service', 'call-result', 'async-continuation', 'signal', 'signal-start']),
  elementId: z.string(),
  executionId: z.string(),
  dueAt: timestamp,
  retries: z.number().int(),
  attempts: z.number().int(),
  suspended: z.boolean(),
  lastError: z.string().nullable(),
  createdAt: timestamp,
});
export type Job = z.infer<typeof jobSchema>;

export const JOB_COLUMNS = [
  'id',
  'type',
  'element_id',
  'execution_id',
  'due_at',
  'retries',
  'attempts',
  'suspended',
  'last_error',
  'created_at',
];

export interface JobRow {
  id: string;
  type: Job['type'];
  element_id: string;
  execution_id: string;
  due_at: Date | string;
  retries: number;
  attempts: number;
  suspended: boolean;
  last_error: string | null;
  created_at: Date | string;
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    type: row.type,
    elementId: row.element_id,
    executionId: row.execution_id,
    dueAt: iso(row.due_at),
    retries: row.retries,
    attempts: row.attempts,
    suspended: row.suspended,
    lastError: row.last_error,
    createdAt: iso(row.created_at),
  };
}
