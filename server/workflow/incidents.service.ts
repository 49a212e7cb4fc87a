import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { AppError, Conflict, Invalid, NotFound } from '../lib/errors.js';
import { mapPage, page, type Page, type PageRequest } from './paging.js';
import {
  INCIDENT_COLUMNS,
  toIncidentGroup,
  toIncidentListItem,
  type IncidentBulkRetryResult,
  type IncidentGroup,
  type IncidentGroupRow,
  type IncidentSearch,
  type IncidentListItem,
  type IncidentListRow,
  type IncidentRetry,
  type IncidentRow,
} from './incident.contract.js';
import type { StepExecutor } from './step-executor.js';
import type { Transactions, TransactionScope } from './transactions.js';
import type { Visibility } from './visibility.js';
import type { Authorization } from '../identity/authorization.js';
import { auditInTransaction } from '../identity/audit.service.js';

/** POST /incidents/retry, parsed. */
export interface IncidentBulkRetryInput {
  incidentIds?: string[] | undefined;
  filter?: Partial<IncidentSearch> | undefined;
}

/** Incidents: failures whose retries ran out, visible and retryable (ARCHITECTURE.md Service tasks). */
export class IncidentsService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly steps: StepExecutor,
    private readonly visibility: Visibility,
    private readonly authorization: Authorization,
    private readonly defaultRetries = 3,
  ) {}

  async list(filter: Partial<IncidentSearch>, request: PageRequest, actor: Actor): Promise<Page<IncidentListItem>> {
    const q = this.incidents(await this.search(filter, actor))
      .select([...INCIDENT_COLUMNS.map((c) => `n.${c}`), 'i.definition_key', 'i.business_key', 'i.department_id'])
      .orderBy([{ column: 'n.created_at', order: 'desc' }, { column: 'n.id' }]);
    return mapPage(await page<IncidentListRow>(q, request), toIncidentListItem);
  }

  /** The incidents page grouped: how many of each error, per process and element, largest first. */
  async groups(filter: Partial<IncidentSearch>, actor: Actor): Promise<IncidentGroup[]> {
    const rows = await this.incidents(await this.search(filter, actor))
      .select<IncidentGroupRow[]>(
        'i.definition_key',
        'n.type',
        'n.element_id',
        'n.message',
        this.db.raw('count(*) as count'),
        this.db.raw('min(n.created_at) as first_at'),
        this.db.raw('max(n.created_at) as last_at'),
      )
      .groupBy('i.definition_key', 'n.type', 'n.element_id', 'n.message')
      .orderBy([{ column: 'count', order: 'desc' }, { column: 'i.definition_key' }, { column: 'n.message' }])
      .limit(500);
    return rows.map(toIncidentGroup);
  }

  /** Incidents the actor may read (`incident:read` in the instance's department) that the filter finds. */
  private async search(filter: Partial<IncidentSearch>, actor: Actor): Promise<(q: Knex.QueryBuilder) => void> {
    const permitted = await this.visibility.departmentFilter(actor, 'incident', 'read', 'i.department_id');
    const tree = filter.departmentId ? await this.authorization.tree() : null;
    const department = filter.departmentId ? tree?.get(filter.departmentId) : undefined;
    if (filter.departmentId && !department)
      throw new Invalid('VALIDATION_FAILED', `unknown department ${filter.departmentId}`, [
        { field: 'query.departmentId', reason: 'unknown' },
      ]);
    return (q) => {
      q.where(permitted);
      q.where('n.status', filter.status ?? 'open');
      if (filter.instanceId) q.where('n.instance_id', filter.instanceId);
      if (filter.definitionKey) q.where('i.definition_key', filter.definitionKey);
      if (filter.type) q.where('n.type', filter.type);
      if (filter.elementId) q.where('n.element_id', filter.elementId);
      if (filter.message) q.where('n.message', filter.message);
      if (filter.messageContains)
        q.whereRaw(`lower(n.message) like ?`, [
          `%${filter.messageContains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
        ]);
      if (tree && department) q.whereIn('i.department_id', tree.subtreeIds(department.path));
      if (filter.createdAfter) q.where('n.created_at', '>=', filter.createdAfter);
      if (filter.createdBefore) q.where('n.created_at', '<', filter.createdBefore);
    };
  }

  /** Incidents joined with their instances, filtered. */
  private incidents(filter: (q: Knex.QueryBuilder) => void): Knex.QueryBuilder {
    return this.db('incidents as n').join('process_instances as i', 'i.id', 'n.instance_id').where(filter);
  }

  /**
   * Retries many incidents, one transaction each (one that cannot be retried does not hold back
   * the others): the given ids, or the open incidents a filter finds (at most 500).
   */
  async retryMany(input: IncidentBulkRetryInput, actor: Actor): Promise<IncidentBulkRetryResult> {
    const ids =
      input.incidentIds ??
      (await this.incidents(await this.search({ ...input.filter, status: 'open' }, actor))
        .orderBy('n.created_at')
        .limit(500)
        .pluck<string[]>('n.id'));
    const results: IncidentBulkRetryResult['results'] = [];
    for (const incidentId of [...new Set(ids)]) {
      try {
        const { jobId } = await this.retry(incidentId, actor);
        results.push({ incidentId, ok: true, jobId, errorCode: null, error: null });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results.push({ incidentId, ok: false, jobId: null, errorCode: err.code, error: err.message });
      }
    }
    const retried = results.filter((r) => r.ok).length;
    return { retried, failed: results.length - retried, results };
  }

  /** Retries the open incidents of one instance (a batch's retry), in the caller's transaction. */
  async retryInstanceIn(scope: TransactionScope, instanceId: string, actor: Actor): Promise<number> {
    const open = await scope
      .trx('incidents')
      .where({ instance_id: instanceId, status: 'open' })
      .whereNotNull('job_id')
      .orderBy('created_at')
      .pluck<string[]>('id');
    if (open.length === 0) throw new Conflict('NO_RETRYABLE_INCIDENT', 'the instance has no open incident to retry');
    for (const id of open) await this.retryIn(scope, id, actor);
    return open.length;
  }

  /** Gives the failed job its retries back and makes it due now; the incident is resolved. */
  async retry(id: string, actor: Actor): Promise<IncidentRetry> {
    return this.transactions.run((scope) => this.retryIn(scope, id, actor));
  }

  private async retryIn(scope: TransactionScope, id: string, actor: Actor): Promise<IncidentRetry> {
    const incident = await scope
      .trx('incidents')
      .where({ id })
      .forUpdate()
      .first<IncidentRow | undefined>(INCIDENT_COLUMNS);
    if (!incident) throw new NotFound('incident', id);
    const owner = await scope
      .trx('process_instances')
      .where({ id: incident.instance_id })
      .first<{ department_id: string | null } | undefined>('department_id');
    if (!(await this.authorization.can(actor, 'incident', 'read', owner?.department_id)))
      throw new NotFound('incident', id);
    await this.authorization.require(actor, 'incident', 'retry', owner?.department_id);
    if (incident.status !== 'open')
      throw new Conflict('INCIDENT_NOT_OPEN', `the incident is already ${incident.status}`);
    if (!incident.job_id)
      throw new Conflict('INCIDENT_NOT_RETRYABLE', 'this incident has no job to retry: the instance itself failed');
    const updated = await scope.trx('jobs').where({ id: incident.job_id }).update({
      suspended: false,
      retries: this.defaultRetries,
      due_at: this.steps.now(),
      locked_by: null,
      locked_until: null,
    });
    if (!updated) throw new Conflict('INCIDENT_NOT_RETRYABLE', 'the failed job no longer exists');
    await scope
      .trx('incidents')
      .where({ id })
      .update({ status: 'resolved', resolved_at: this.steps.now(), resolved_by: actor.username });
    const [instance] = await scope
      .trx('process_instances')
      .where({ id: incident.instance_id })
      .decrement('open_incidents', 1)
      .returning<{ id: string; department_id: string | null; definition_key: string; business_key: string | null }[]>([
        'id',
        'department_id',
        'definition_key',
        'business_key',
      ]);
    await scope.trx('operation_log').insert({
      instance_id: incident.instance_id,
      operation: 'retry-incident',
      actor: actor.username,
      details: JSON.stringify({ incidentId: id }),
    });
    if (instance)
      scope.outbox.add(this.steps.event('incident:resolved', instance, { incidentId: id, by: actor.username }));
    auditInTransaction(scope, actor, 'incident.retry', 'incident', id, { jobId: incident.job_id });
    scope.dueJobs = true;
    return { jobId: incident.job_id };
  }
}
