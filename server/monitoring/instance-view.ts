import type { Db } from '../db/index.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { NotFound } from '../lib/errors.js';
import { iso } from '../lib/contract.js';
import { instanceHistory } from '../workflow/history.repository.js';
import { INCIDENT_COLUMNS, toIncident, type IncidentRow } from '../workflow/incident.contract.js';
import { toInstance, type InstanceSummaryRow } from '../workflow/instance.contract.js';
import { INSTANCE_SUMMARY_COLUMNS } from '../workflow/instances.repository.js';
import { displayNames } from '../workflow/user-names.js';
import type { InstanceView, TimelineTask } from './contract.js';
import { instanceReadable } from '../access/instance-readable.js';
import { instanceEvaluations } from '../decisions/decisions.repository.js';

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

  async get(id: string, actor: Actor): Promise<InstanceView> {
    // The same rule as the instance page: an instance the actor may not read does not exist.
    const readable = await instanceReadable(this.authorization, actor);
    const instance = await this.db('process_instances')
      .where({ id })
      .where(readable.where('process_instances'))
      .first<(InstanceSummaryRow & { variables: Record<string, unknown> | string | null }) | undefined>(
        ...INSTANCE_SUMMARY_COLUMNS,
        'variables',
      );
    if (!instance) throw new NotFound('process instance', id);
    const [history, tasks, incidents, definition, decisionEvaluations] = await Promise.all([
      instanceHistory(this.db, id) as Promise<HistoryRow[]>,
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
        ) as Promise<TaskRow[]>,
      this.db('incidents')
        .where({ instance_id: id })
        .select(...INCIDENT_COLUMNS)
        .orderBy('created_at') as Promise<IncidentRow[]>,
      this.db('process_definitions').where({ id: instance.definition_id }).first('xml', 'meta', 'name') as Promise<
        DefinitionRow | undefined
      >,
      instanceEvaluations(this.db, id),
    ]);
    const meta = (typeof definition?.meta === 'string' ? JSON.parse(definition.meta) : definition?.meta) as
      { elements: Record<string, { type: string; name: string | null }> } | undefined;
    const taskByExecution = new Map(tasks.map((t) => [t.execution_id, t]));
    const ms = (a: Time | null, b: Time | null) => (a && b ? new Date(b).getTime() - new Date(a).getTime() : null);
    const timeline = history.map((h) => {
      const task = taskByExecution.get(h.execution_id);
      const claimedAt = task ? (task.claimed_at ?? (task.completed_at ? task.created_at : null)) : null;
      return {
        elementId: h.element_id,
        elementType: h.element_type,
        name: meta?.elements[h.element_id]?.name ?? task?.name ?? h.element_id,
        startedAt: iso(h.started_at),
        endedAt: iso(h.ended_at),
        durationMs: h.duration_ms === null ? ms(h.started_at, h.ended_at) : Number(h.duration_ms),
        outcome: h.outcome,
        actor: h.actor ?? task?.completed_by ?? task?.assignee ?? null,
        task: task
          ? {
              id: task.id,
              status: task.status,
              assignee: task.assignee,
              candidateGroups: task.candidate_groups ?? [],
              dueAt: iso(task.due_at),
              claimedAt: iso(task.claimed_at),
              waitingMs: ms(task.created_at, claimedAt),
              workingMs: claimedAt ? ms(claimedAt, task.completed_at) : null,
              breached: task.due_at
                ? new Date(task.completed_at ?? Date.now()).getTime() > new Date(task.due_at).getTime()
                : null,
            }
          : null,
      };
    });
    const { variables } = instance;
    const starter = await displayNames(this.db, [instance.started_by]);
    return {
      instance: toInstance({ ...instance, started_by_name: starter.get(instance.started_by) }),
      variables: (typeof variables === 'string' ? JSON.parse(variables) : (variables ?? {})) as Record<string, unknown>,
      timeline,
      incidents: incidents.map((n) => ({ ...toIncident(n), retryable: n.status === 'open' && !!n.job_id })),
      path: {
        completedElementIds: [
          ...new Set(history.filter((h) => h.ended_at && h.outcome === 'completed').map((h) => h.element_id)),
        ],
        activeElementIds: [...new Set(history.filter((h) => !h.ended_at).map((h) => h.element_id))],
      },
      diagram: { xml: definition?.xml ?? null, name: definition?.name ?? null },
      decisionEvaluations,
    };
  }
}

type Time = Date | string;

interface HistoryRow {
  element_id: string;
  element_type: string;
  execution_id: string;
  started_at: Time;
  ended_at: Time | null;
  /** bigint: a string from pg. */
  duration_ms: string | number | null;
  outcome: string | null;
  actor: string | null;
}

interface TaskRow {
  id: string;
  execution_id: string;
  name: string | null;
  assignee: string | null;
  candidate_groups: string[] | null;
  status: TimelineTask['status'];
  created_at: Time;
  claimed_at: Time | null;
  completed_at: Time | null;
  completed_by: string | null;
  due_at: Time | null;
}

interface DefinitionRow {
  xml: string | null;
  meta: unknown;
  name: string | null;
}
