import type { Db } from '../db/index.js';
import { shanghaiDateOf } from '../domain/calendar/index.js';
import type { AuditService } from '../identity/audit.service.js';
import type { Actor } from '../lib/actor.js';
import type { Clock } from '../lib/clock.js';
import { Conflict } from '../lib/errors.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { TasksService } from '../tasks/tasks.service.js';
import { recordEscalation, REVIEW_STEP } from '../processes/risk/escalation-entries.js';
import type { Escalation, WarningDetail } from './supervision.contract.js';
import type { SupervisionService } from './supervision.service.js';

/** The steps where a province answers an order (its measure, or its supervised rectification). */
export const ANSWER_STEPS = ['RW_MEASURE', 'RW_SUPERVISED', 'RW_PROVINCE_MEASURE', 'RW_PROVINCE_SUPERVISED'];

/** The collaborators escalation needs, and nothing more. */
export interface EscalationPorts {
  db: Db;
  supervision: SupervisionService;
  tasks: Pick<TasksService, 'claim' | 'complete'>;
  notifications: Pick<NotificationsService, 'send'>;
  audit: AuditService;
  clock: Clock;
}

interface OpenTask {
  id: string;
  instance_id: string;
  element_id: string;
  department_id: string | null;
  assignee: string | null;
  candidate_groups: string[] | null;
}

/**
 * DOMAIN.md §7 "HQ closes or escalates (督办)": HQ presses any order not closed, with a reason.
 * - Answered and at HQ's review: the review is decided "escalate" (the process sends the order to
 *   the department manager's supervised rectification and counts it).
 * - Waiting for the province (open, overdue, or already under supervised rectification): the order
 *   is marked escalated and counted, and the staff who may answer it — the roles of its open
 *   answer tasks in the task's department and the departments above it up to the province, and
 *   the task's assignee — get a notice (which is also a `notification:sent` event in their
 *   department's room).
 * - Waiting on HQ itself (a group's provinces all answered): counted and recorded only.
 * Each escalation is audited and kept in the order's history.
 */
export class EscalationsService {
  constructor(private readonly ports: EscalationPorts) {}

  async escalate(warningId: string, reason: string, actor: Actor): Promise<WarningDetail> {
    const { db } = this.ports;
    const before = await this.ports.supervision.warning(warningId, actor);
    if (before.status === 'closed') throw new Conflict('WARNING_CLOSED', 'the warning order is closed');
    const tasks = await this.openTasks(before.instanceId);
    const answering = tasks.filter((t) => ANSWER_STEPS.includes(t.element_id));
    const review = tasks.find((t) => t.element_id === REVIEW_STEP);
    const stage: Escalation['stage'] = answering.length ? 'answer' : review ? 'review' : 'hq';
    if (stage === 'review' && review) {
      // The review's own decision: the process counts it and opens the supervised rectification.
      await this.ports.tasks.claim(review.id, actor);
      await this.ports.tasks.complete(review.id, { reviewDecision: 'escalate', hqComment: reason }, actor);
    }
    const { id, count } = await db.transaction(async (trx) => {
      const row = await trx('risk_warnings')
        .where({ id: warningId })
        .forUpdate()
        .first<{ status: string; escalations: number }>('status', 'escalations');
      if (row.status === 'closed') throw new Conflict('WARNING_CLOSED', 'the warning order is closed');
      if (stage !== 'review') {
        await trx('risk_warnings')
          .where({ id: warningId })
          .update({
            escalations: trx.raw('escalations + 1'),
            ...(stage === 'answer' && ['open', 'escalated'].includes(row.status) ? { status: 'escalated' } : {}),
          });
      }
      // At the review, the process's escalate step records it too (for a review completed from
      // the worklist): the review task makes it one entry, whichever writes first.
      const id = await recordEscalation(trx, {
        warningId,
        stage,
        reason,
        escalatedBy: actor.username,
        escalatedAt: new Date(this.ports.clock.now()),
        notified: stage === 'answer' ? 0 : null,
        ...(stage === 'review' && review ? { taskId: review.id } : {}),
      });
      await this.ports.audit.record(
        actor,
        'risk-warning.escalate',
        'risk-warning',
        warningId,
        { escalationId: id, stage, reason },
        undefined,
        trx,
      );
      return { id, count: Number(row.escalations) + 1 };
    });
    if (stage === 'answer') {
      const notified = await this.notify(id, before, answering, reason, count, actor);
      await db('risk_warning_escalations').where({ id }).update({ notified });
    }
    return this.ports.supervision.warning(warningId, actor);
  }

  /** Open tasks of the order's instance and its children (a group's provinces). */
  private async openTasks(instanceId: string | null): Promise<OpenTask[]> {
    if (!instanceId) return [];
    return this.ports
      .db('tasks as t')
      .join('process_instances as i', 'i.id', 't.instance_id')
      .where((w) => {
        w.where('i.id', instanceId).orWhere('i.root_instance_id', instanceId);
      })
      .where('t.status', 'open')
      .orderBy([{ column: 't.created_at' }, { column: 't.id' }])
      .select<OpenTask[]>(
        't.id',
        't.instance_id',
        't.element_id',
        't.department_id',
        't.assignee',
        't.candidate_groups',
      );
  }

  /** Sends each answering person one notice; how many were sent (or recorded as failed). */
  private async notify(
    escalationId: string,
    order: WarningDetail,
    tasks: OpenTask[],
    reason: string,
    count: number,
    actor: Actor,
  ): Promise<number> {
    const seen = new Set<string>();
    let notified = 0;
    for (const task of tasks) {
      for (const userId of await this.answeringStaff(task)) {
        if (seen.has(userId)) continue;
        seen.add(userId);
        // A gateway failure is recorded on the notice (status failed); the others are still sent.
        await this.ports.notifications
          .send(
            {
              template: 'risk_warning_escalated',
              userId,
              params: {
                customerName: order.customerName,
                accountNo: order.accountNo,
                level: order.level,
                escalations: count,
                reason,
                deadline: order.deadlineAt ? shanghaiDateOf(new Date(order.deadlineAt)) : '—',
              },
            },
            {
              idempotencyKey: `risk-escalation:${escalationId}:${userId}`,
              instanceId: task.instance_id,
              elementId: task.element_id,
              departmentId: task.department_id,
              by: actor.username,
            },
          )
          .catch(() => undefined);
        notified += 1;
      }
    }
    return notified;
  }

  /**
   * Who may answer a task: its assignee, and the active users holding one of its candidate roles
   * in its department or a department above it, below headquarters (the province's own staff).
   */
  private async answeringStaff(task: OpenTask): Promise<string[]> {
    const { db } = this.ports;
    const ids = new Set<string>();
    if (task.assignee) {
      const assignee = await db('users')
        .where({ username: task.assignee, active: true })
        .first<{ id: string } | undefined>('id');
      if (assignee) ids.add(assignee.id);
    }
    const groups = task.candidate_groups ?? [];
    if (task.department_id && groups.length) {
      const rows = await db('user_roles as ur')
        .join('users as u', 'u.id', 'ur.user_id')
        .join('departments as d', 'd.id', 'ur.department_id')
        .joinRaw('JOIN departments t ON left(t.path, length(d.path)) = d.path')
        .where('t.id', task.department_id)
        .whereNot('d.level', 'headquarters')
        .whereIn('ur.role_code', groups)
        .where('u.active', true)
        .orderBy('u.username')
        .distinct<{ id: string }[]>('u.id', 'u.username');
      for (const r of rows) ids.add(r.id);
    }
    return [...ids];
  }
}
