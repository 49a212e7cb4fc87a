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
    return mapPage(await page<AuditEntryRow>(this.filtered(filter), request), toAuditEntry);
  }

  /** The newest `max` entries the filter matches, for an export (newest first, as the list). */
  async export(filter: AuditFilter, max: number): Promise<AuditEntry[]> {
    const rows = await this.filtered(filter).limit(max);
    return (rows as AuditEntryRow[]).map(toAuditEntry);
  }

  private filtered(filter: AuditFilter) {
    const q = this.db('audit_log')
      .select('*')
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    if (filter.actorId) q.where('actor_id', filter.actorId);
    // Actions are dotted (task.claim, permission.policy.add): a family name matches the family.
    if (filter.action) {
      const action = filter.action;
      q.where((w) => {
        void w.where('action', action).orWhereLike('action', `${escapeLike(action)}.%`);
      });
    }
    if (filter.objectType) q.where('object_type', filter.objectType);
    if (filter.objectId) q.where('object_id', filter.objectId);
    if (filter.from) q.where('at', '>=', filter.from);
    if (filter.to) q.where('at', '<', filter.to);
    return q;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const CSV_COLUMNS = [
  'at',
  'actorName',
  'actorId',
  'action',
  'objectType',
  'objectId',
  'departmentId',
  'ip',
  'details',
] as const;

/**
 * The audit entries as CSV (RFC 4180, UTF-8 with a byte-order mark so that spreadsheet programs
 * read Chinese names). A cell a spreadsheet would run as a formula (=, +, -, @) is quoted as text.
 */
export function auditCsv(entries: AuditEntry[]): string {
  const cell = (value: unknown): string => {
    let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [CSV_COLUMNS.join(','), ...entries.map((e) => CSV_COLUMNS.map((c) => cell(e[c])).join(','))];
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
