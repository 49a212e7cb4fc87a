import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { NotFound } from '../lib/errors.js';
import type { Authorization } from '../identity/authorization.js';
import { mapPage, page, type Page, type PageRequest } from './paging.js';
import { JOB_COLUMNS, toJob, type Job, type JobRow } from './job.contract.js';

/** Read and force jobs (timers, service calls). Running is delegated to the node's job executor. */
export class JobsService {
  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
    private readonly execute: (jobId: string) => Promise<boolean>,
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
}
