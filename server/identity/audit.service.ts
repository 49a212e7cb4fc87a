import type { Context } from 'koa';
import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { mapPage, page, type Page, type PageRequest } from '../workflow/paging.js';
import { toAuditEntry, type AuditEntry, type AuditEntryRow } from './audit-entry.contract.js';

export interface AuditFilter {
  actorId?: string | undefined;
  action?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** One audit row; `Actor` carries the address and client it acted from. */
export function auditRow(
  actor: Pick<Actor, 'id' | 'displayName' | 'departmentId' | 'ip' | 'userAgent'>,
  action: string,
  objectType: string,
  objectId: string | null,
  details: Record<string, unknown> = {},
) {
  return {
    actor_id: actor.id,
    actor_name: actor.displayName,
    action,
    object_type: objectType,
    object_id: objectId,
    department_id: actor.departmentId,
    details: JSON.stringify(details),
    ip: actor.ip ?? null,
    user_agent: actor.userAgent?.slice(0, 300) ?? null,
  };
}

/** Records an audit row in the same transaction as the change it describes (batched with it). */
export function auditInTransaction(
  scope: { trx: Db; batch: { add(q: ReturnType<Db['insert']>): unknown } },
  ...args: Parameters<typeof auditRow>
): void {
  scope.batch.add(scope.trx('audit_log').insert(auditRow(...args)));
}

/**
 * The append-only audit log (issue 3 §7): logins, failed logins, permission changes,
 * deployments, claims, completions, reassignments, cancellations — who, what, when, from where.
 * The table refuses UPDATE and DELETE by trigger.
 */
export class AuditService {
  constructor(private readonly db: Db) {}

  async record(
    actor: Pick<Actor, 'id' | 'displayName' | 'departmentId'> | null,
    action: string,
    objectType: string | null,
    objectId: string | null,
    details: Record<string, unknown> = {},
    ctx?: Pick<Context, 'ip' | 'get'>,
    trx: Db = this.db,
  ): Promise<void> {
    await trx('audit_log').insert({
      actor_id: actor?.id ?? null,
      actor_name: actor?.displayName ?? null,
      action,
      object_type: objectType,
      object_id: objectId,
      department_id: actor?.departmentId ?? null,
      details: JSON.stringify(details),
      ip: ctx?.ip ?? null,
      user_agent: ctx?.get('user-agent')?.slice(0, 300) || null,
    });
  }

  async list(filter: AuditFilter, request: PageRequest): Promise<Page<AuditEntry>> {
    const q = this.db('audit_log')
      .select('*')
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    if (filter.actorId) q.where('actor_id', filter.actorId);
    if (filter.action) q.where('action', filter.action);
    if (filter.objectType) q.where('object_type', filter.objectType);
    if (filter.objectId) q.where('object_id', filter.objectId);
    if (filter.from) q.where('at', '>=', filter.from);
    if (filter.to) q.where('at', '<', filter.to);
    return mapPage(await page<AuditEntryRow>(q, request), toAuditEntry);
  }
}
