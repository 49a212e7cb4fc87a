import type { Db } from '../db/index.js';

export interface JobRow {
  id: string;
  type: 'timer' | 'service' | 'call-result';
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

/**
 * Leases up to `limit` due jobs to this node. `SKIP LOCKED` lets every node poll the same table
 * without waiting on each other; an expired lease (a node that died) is taken over.
 */
export async function acquireDueJobs(db: Db, nodeId: string, limit: number, lockMs: number): Promise<JobRow[]> {
  const result = await db.raw(
    `UPDATE jobs SET locked_by = ?, locked_until = now() + (? * interval '1 millisecond'), attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM jobs
         WHERE NOT suspended AND due_at <= now() AND (locked_until IS NULL OR locked_until < now())
         ORDER BY due_at
         LIMIT ?
         FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    [nodeId, lockMs, limit],
  );
  return (result.rows as JobRow[]).sort((a, b) => new Date(a.due_at).getTime() - new Date(b.due_at).getTime());
}
