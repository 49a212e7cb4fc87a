import type { Db } from '../db/index.js';
import { Prepared } from '../db/prepared.js';

export interface JobRow {
  id: string;
  type: 'timer' | 'service' | 'call-result' | 'async-continuation' | 'signal' | 'signal-start';
  instance_id: string;
  execution_id: string;
  element_id: string;
  due_at: Date;
  locked_by: string | null;
  locked_until: Date | null;
  retries: number;
  attempts: number;
  payload: Record<string, unknown>;
  last_error: string | null;
  suspended: boolean;
}

// Every node polls with it: a fixed text, planned once per connection.
const ACQUIRE_DUE_JOBS = new Prepared<JobRow>(
  'jobs_acquire_due',
  `UPDATE jobs SET locked_by = ?, locked_until = ?::timestamptz + (? * interval '1 millisecond'), attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM jobs
       WHERE NOT suspended AND due_at <= ?::timestamptz AND (locked_until IS NULL OR locked_until < ?::timestamptz)
         -- Camunda 7: the jobs of a suspended instance are not acquired; once resumed, due ones run.
         AND NOT EXISTS (SELECT 1 FROM process_instances p WHERE p.id = jobs.instance_id AND p.suspended_at IS NOT NULL)
       ORDER BY due_at
       LIMIT ?
       FOR UPDATE SKIP LOCKED)
    RETURNING *`,
);

/**
 * Leases up to `limit` due jobs to this node. `SKIP LOCKED` lets every node poll the same table
 * without waiting on each other; an expired lease (a node that died) is taken over.
 */
export async function acquireDueJobs(
  db: Db,
  nodeId: string,
  limit: number,
  lockMs: number,
  now: Date = new Date(),
): Promise<JobRow[]> {
  // "Now" is the platform clock's (a bound parameter, not SQL now()), so a test clock decides what
  // is due; the lease is measured on the same clock, so it expires lockMs of that clock later.
  const rows = await ACQUIRE_DUE_JOBS.rows(db, [nodeId, now, lockMs, now, now, limit]);
  return rows.sort((a, b) => new Date(a.due_at).getTime() - new Date(b.due_at).getTime());
}
