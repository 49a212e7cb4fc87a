import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { Invalid, NotFound } from '../lib/errors.js';
import type { Authorization } from '../identity/authorization.js';
import { auditInTransaction } from '../identity/audit.service.js';
import { raiseJobIncident, resolveJobIncidents } from '../jobs/incidents.js';
import type { JobRow as StoredJobRow } from '../jobs/jobs.repository.js';
import { mapPage, page, type Page, type PageRequest } from './paging.js';
import { JOB_COLUMNS, toJob, type Job, type JobRow } from './job.contract.js';
import type { StepExecutor } from './step-executor.js';
import type { Transactions } from './transactions.js';

/** Read and force jobs (timers, service calls). Running is delegated to the node's job executor. */
export class JobsService {
  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
    private readonly execute: (jobId: string) => Promise<boolean>,
    private readonly transactions: Transactions,
    private readonly steps: StepExecutor,
  ) {}

  async list(instanceId: string, request: PageRequest, actor: Actor): Promise<Page<Job>> {
    const instance = await this.db('process_instances')
      .where({ id: instanceId })
      .first<{ department_id: string | null } | undefined>('department_id');
    if (!instance || !(await this.authorization.can(actor, 'job', 'read', instance.department_id)))
      throw new NotFound('process instance', instanceId);
    const found = await page<JobRow>(
      this.db('jobs').where({ instance_id: instanceId }).select<JobRow[]>(JOB_COLUMNS).orderBy('due_at'),
      request,
    );
    return mapPage(found, toJob);
  }

  async executeNow(jobId: string, actor: Actor): Promise<void> {
    const job = await this.db('jobs as j')
      .join('process_instances as i', 'i.id', 'j.instance_id')
      .where('j.id', jobId)
      .first<{ id: string; department_id: string | null } | undefined>('j.id', 'i.department_id');
    if (!job || !(await this.authorization.can(actor, 'job', 'read', job.department_id)))
      throw new NotFound('job', jobId);
    await this.authorization.require(actor, 'job', 'execute', job.department_id);
    if (!(await this.execute(jobId))) throw new NotFound('job', jobId);
  }

  /**
   * Sets a job's retries (and due date), as Camunda's "set job retries": a failed job given
   * retries runs again and its incident is resolved; a job set to 0 stops and raises one. Who may
   * read the job may see it; who may retry incidents in its department may do this.
   */
  async setRetries(jobId: string, retries: number, dueAt: Date | null, actor: Actor): Promise<void> {
    if (!Number.isInteger(retries) || retries < 0)
      throw new Invalid('INVALID_RETRIES', `the number of job retries must be a non-negative integer, not ${retries}`);
    const steps = this.steps;
    await this.transactions.run(async (scope) => {
      const job = await scope
        .trx('jobs as j')
        .join('process_instances as i', 'i.id', 'j.instance_id')
        .where('j.id', jobId)
        .forUpdate('j')
        .first<(StoredJobRow & { department_id: string | null }) | undefined>('j.*', 'i.department_id');
      if (!job || !(await this.authorization.can(actor, 'job', 'read', job.department_id)))
        throw new NotFound('job', jobId);
      await this.authorization.require(actor, 'incident', 'retry', job.department_id);
      if (retries === 0) {
        if (job.retries > 0)
          await raiseJobIncident(scope, steps, job, job.last_error ?? 'the job retries were set to 0');
        if (dueAt) await scope.trx('jobs').where({ id: jobId }).update({ due_at: dueAt });
      } else {
        await scope
          .trx('jobs')
          .where({ id: jobId })
          .update({
            retries,
            suspended: false,
            locked_by: null,
            locked_until: null,
            ...(dueAt ? { due_at: dueAt } : {}),
          });
        await resolveJobIncidents(scope, steps, job, actor.username);
        scope.dueJobs = true;
      }
      await scope.trx('operation_log').insert({
        instance_id: job.instance_id,
        operation: 'set-job-retries',
        actor: actor.username,
        details: JSON.stringify({ jobId, retries, dueAt: dueAt?.toISOString() ?? null }),
      });
      auditInTransaction(scope, actor, 'job.retries', 'job', jobId, { retries });
    });
  }
}
