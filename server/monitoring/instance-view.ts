import type { Db } from '../db/index.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { NotFound } from '../lib/errors.js';
import { instanceHistory } from '../workflow/history.repository.js';
import { departmentScope, inScope } from './scope.js';

/**
 * One instance as a manager investigates it (issue 8 §5): every step with its actor and times
 * (for user tasks split into waiting and working), variables, incidents, and the diagram with the
 * elements the instance went through and where it stands now.
 */
export class InstanceViewService {
  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
  ) {}

  async get(id: string, actor: Actor) {
    const scope = await departmentScope(this.authorization, actor);
    const instance = await this.db('process_instances')
      .where({ id })
      .where(inScope(scope, 'department_id'))
      .first(
        'id',
        'definition_id',
        'definition_key',
        'definition_version',
        'business_key',
        'department_id',
        'status',
        'variables',
        'started_by',
        'started_at',
        'ended_at',
        'end_reason',
        'open_incidents',
        'due_at',
        'parent_instance_id',
      );
    if (!instance) throw new NotFound('process instance', id);
    const [history, tasks, incidents, definition] = await Promise.all([
      instanceHistory(this.db, id),
      this.db('tasks')
        .where({ instance_id: id })
        .select(
          'id',
          'execution_id',
          'name',
          'assignee',
          'candidate_groups',
          'status',
          'created_at',
          'claimed_at',
          'completed_at',
          'completed_by',
          'due_at',
        ),
      this.db('incidents')
        .where({ instance_id: id })
        .select('id', 'type', 'element_id', 'message', 'status', 'job_id', 'created_at', 'resolved_at', 'resolved_by')
        .orderBy('created_at'),
      this.db('process_definitions').where({ id: instance.definition_id }).first('xml', 'meta', 'name'),
    ]);
    const meta = (typeof definition?.meta === 'string' ? JSON.parse(definition.meta) : definition?.meta) as
      { elements: Record<string, { type: string; name: string | null }> } | undefined;
    const taskByExecution = new Map(tasks.map((t) => [t.execution_id as string, t]));
    const ms = (a: Date | null, b: Date | null) => (a && b ? new Date(b).getTime() - new Date(a).getTime() : null);
    const timeline = history.map((h) => {
      const task = taskByExecution.get(h.execution_id);
      const claimedAt = task ? (task.claimed_at ?? (task.completed_at ? task.created_at : null)) : null;
      return {
        elementId: h.element_id,
        elementType: h.element_type,
        name: meta?.elements[h.element_id]?.name ?? task?.name ?? h.element_id,
        startedAt: h.started_at,
        endedAt: h.ended_at,
        durationMs: h.duration_ms ?? ms(h.started_at, h.ended_at),
        outcome: h.outcome,
        actor: h.actor ?? task?.completed_by ?? task?.assignee ?? null,
        task: task
          ? {
              id: task.id,
              status: task.status,
              assignee: task.assignee,
              candidateGroups: task.candidate_groups,
              dueAt: task.due_at,
              claimedAt: task.claimed_at,
              waitingMs: ms(task.created_at, claimedAt),
              workingMs: claimedAt ? ms(claimedAt, task.completed_at) : null,
              breached: task.due_at
                ? new Date(task.completed_at ?? Date.now()).getTime() > new Date(task.due_at).getTime()
                : null,
            }
          : null,
      };
    });
    const { variables, ...summary } = instance;
    return {
      instance: summary,
      variables: typeof variables === 'string' ? JSON.parse(variables) : variables,
      timeline,
      incidents: incidents.map((n) => ({ ...n, retryable: n.status === 'open' && !!n.job_id })),
      path: {
        completedElementIds: [
          ...new Set(history.filter((h) => h.ended_at && h.outcome === 'completed').map((h) => h.element_id)),
        ],
        activeElementIds: [...new Set(history.filter((h) => !h.ended_at).map((h) => h.element_id))],
      },
      diagram: { xml: definition?.xml ?? null, name: definition?.name ?? null },
    };
  }
}
