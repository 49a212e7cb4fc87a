import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, NotFound } from '../lib/errors.js';
import { mapPage, page, type Page, type PageRequest } from './paging.js';
import {
  INCIDENT_COLUMNS,
  toIncidentListItem,
  type IncidentListItem,
  type IncidentListRow,
  type IncidentRetry,
  type IncidentRow,
} from './incident.contract.js';
import type { StepExecutor } from './step-executor.js';
import type { Transactions } from './transactions.js';
import type { Visibility } from './visibility.js';
import type { Authorization } from '../identity/authorization.js';
import { auditInTransaction } from '../identity/audit.service.js';

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

  async list(
    filter: { status?: string | undefined; instanceId?: string | undefined },
    request: PageRequest,
    actor: Actor,
  ): Promise<Page<IncidentListItem>> {
    const q = this.db('incidents as n')
      .join('process_instances as i', 'i.id', 'n.instance_id')
      .select([...INCIDENT_COLUMNS.map((c) => `n.${c}`), 'i.definition_key', 'i.business_key', 'i.department_id'])
      .orderBy([{ column: 'n.created_at', order: 'desc' }, { column: 'n.id' }]);
    q.where(await this.visibility.departmentFilter(actor, 'incident', 'read', 'i.department_id'));
    q.where('n.status', filter.status ?? 'open');
    if (filter.instanceId) q.where('n.instance_id', filter.instanceId);
    return mapPage(await page<IncidentListRow>(q, request), toIncidentListItem);
  }

  /** Gives the failed job its retries back and makes it due now; the incident is resolved. */
  async retry(id: string, actor: Actor): Promise<IncidentRetry> {
    return this.transactions.run(async (scope) => {
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
        .returning<{ id: string; department_id: string | null; definition_key: string; business_key: string | null }[]>(
          ['id', 'department_id', 'definition_key', 'business_key'],
        );
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
    });
  }
}
