import { z } from 'zod';
import { iso, jsonObject, timestamp } from '../lib/contract.js';

/** One row of the append-only audit log (GET /admin/audit-log). */
export const auditEntrySchema = z.object({
  /** A bigint sequence; a string so that no reader rounds it. */
  id: z.string(),
  at: timestamp,
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  departmentId: z.string().nullable(),
  /** What the action recorded about itself; its keys depend on the action. */
  details: jsonObject,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export interface AuditEntryRow {
  id: string | number;
  at: Date | string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  department_id: string | null;
  details: Record<string, unknown> | string;
  ip: string | null;
  user_agent: string | null;
}

export function toAuditEntry(row: AuditEntryRow): AuditEntry {
  return {
    id: String(row.id),
    at: iso(row.at),
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    departmentId: row.department_id,
    details: typeof row.details === 'string' ? (JSON.parse(row.details) as Record<string, unknown>) : row.details,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}
