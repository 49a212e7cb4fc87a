import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { NotFound } from '../lib/errors.js';
import type { Visibility } from '../workflow/visibility.js';

/**
 * Who may see what hangs off an instance (its comments, attachments): whoever may read the
 * instance (as InstancesService decides: `instance:read` in its department, or its starter), or
 * whoever may see one of its tasks. Any other id answers 404.
 */
export class InstanceAccess {
  constructor(
    private readonly db: Db,
    private readonly visibility: Visibility,
  ) {}

  async require(instanceId: string, actor: Actor): Promise<{ id: string; department_id: string | null }> {
    const readable = await this.visibility.departmentFilter(actor, 'instance', 'read', 'department_id', (q) =>
      q.where('started_by', actor.username),
    );
    const instance = await this.db('process_instances')
      .where({ id: instanceId })
      .where(readable)
      .first('id', 'department_id');
    if (instance) return instance;
    const taskFilter = await this.visibility.taskFilter(actor);
    const viaTask = await this.db('tasks').where({ instance_id: instanceId }).where(taskFilter).first('instance_id');
    if (!viaTask) throw new NotFound('process instance', instanceId);
    return this.db('process_instances').where({ id: instanceId }).first('id', 'department_id');
  }
}
