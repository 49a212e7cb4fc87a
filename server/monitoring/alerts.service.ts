import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import { auditInTransaction } from '../identity/audit.service.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { Invalid, NotFound } from '../lib/errors.js';
import { addIsoDuration } from '../lib/time.js';
import type { TransactionScope, Transactions } from '../workflow/transactions.js';
import { iso } from '../lib/contract.js';
import {
  toAcknowledgement,
  toAlertInstance,
  toAlertTask,
  type Acknowledgement,
  type AcknowledgementRow,
  type AlertInstanceRow,
  type AlertKind,
  type Alerts,
  type AlertTaskRow,
} from './contract.js';
import { departmentScope, inScope } from './scope.js';
import { systemClock, type Clock } from '../lib/clock.js';

export type { AlertKind };

export interface AlertsQuery {
  horizon?: string | undefined;
  departmentId?: string | undefined;
  definitionKey?: string | undefined;
  limit?: number | undefined;
}

/** Re-examines tasks whose deadline passed a little before the previous scan (clock skew between nodes). */
const SCAN_MARGIN_MS = 5 * 60_000;

/** Subjects one transaction of the scan alerts at most. */
const SCAN_PAGE = 2_000;

/** The alert kind of a deadline column at a moment (binds: now): breached once past, else due soon. */
const kindOf = (dueAt: string) => `CASE WHEN ${dueAt} <= ? THEN 'breached' ELSE 'due-soon' END`;

/** Milliseconds of an ISO 8601 duration such as PT4H or P1D; a clear 400 when unreadable. */
export function horizonMs(horizon: string, field = 'horizon'): number {
  const at = addIsoDuration(new Date(0), horizon);
  if (!at || at.getTime() <= 0) {
    throw new Invalid('VALIDATION_FAILED', `"${horizon}" is not a positive ISO 8601 duration such as PT4H`, [
      { field, reason: 'not an ISO 8601 duration' },
    ]);
  }
  return at.getTime();
}

/**
 * SLA alerts (issue 8 §4): tasks and instances that will breach their deadline within the
 * horizon, or have breached it. A periodic scan on every node raises each (subject, kind) once —
 * the unique key decides which node emits — as `sla:due-soon` / `sla:breached` outbox events,
 * which the realtime layer pushes to the department's rooms.
 */
export class SlaAlertsService {
  private lastScan: Date | null = null;

  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly authorization: Authorization,
    private readonly defaultHorizonMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Raises the alerts that fell due since the last scan; answers how many were raised here.
   *
   * In pages of `pageSize` subjects not yet alerted for their kind, a transaction each: the first
   * scan of a large set (every open deadline since the platform was installed, 200 000 at a
   * million customers) would otherwise be one transaction holding every alert and its event. A
   * page is chosen among the subjects nobody has alerted yet, so each one makes progress even
   * when another node raises some of the same subjects at once (those are skipped by the unique
   * key); the scan ends with a page that was not full.
   */
  async scan(pageSize = SCAN_PAGE): Promise<number> {
    const now = new Date(this.clock.now());
    const until = new Date(now.getTime() + this.defaultHorizonMs);
    // After the first scan, only deadlines that can have crossed a threshold since are read.
    const since = this.lastScan ? new Date(this.lastScan.getTime() - SCAN_MARGIN_MS) : null;
    let raised = 0;
    for (;;) {
      const page = await this.transactions.run((scope) => this.raisePage(scope, now, until, since, pageSize));
      raised += page.raised;
      if (page.candidates < pageSize) break;
    }
    this.lastScan = now;
    return raised;
  }

  private async raisePage(
    scope: TransactionScope,
    now: Date,
    until: Date,
    since: Date | null,
    pageSize: number,
  ): Promise<{ candidates: number; raised: number }> {
    const trx = scope.trx;
    // Not alerted yet for the kind it has now (a due-soon subject is raised again once breached).
    const notAlerted = (table: string, type: string) =>
      function (this: Knex.QueryBuilder) {
        void this.select(trx.raw('1'))
          .from('sla_alerts as a')
          .where('a.subject_type', type)
          .whereRaw(`a.subject_id = ${table}.id`)
          .whereRaw(`a.kind = ${kindOf(`${table}.due_at`)}`, [now]);
      };
    const tasks = trx('tasks')
      .where('status', 'open')
      .whereNotNull('due_at')
      .where('due_at', '<=', until)
      .whereNotExists(notAlerted('tasks', 'task'));
    const instances = trx('process_instances')
      .where('status', 'running')
      .whereNotNull('due_at')
      .where('due_at', '<=', until)
      .whereNotExists(notAlerted('process_instances', 'instance'));
    if (since) {
      // A deadline crossed a threshold since, or the task or instance is new (it may have been
      // created already overdue).
      tasks.where((w) => {
        void w.where('due_at', '>', since).orWhere('created_at', '>', since);
      });
      instances.where((w) => {
        void w.where('due_at', '>', since).orWhere('started_at', '>', since);
      });
    }
    tasks.select(
      trx.raw(`'task' as subject_type`),
      'id',
      trx.raw(kindOf('tasks.due_at'), [now]),
      'instance_id',
      'department_id',
      'definition_key',
      'element_id',
      'due_at',
    );
    instances.select(
      trx.raw(`'instance'`),
      'id',
      trx.raw(kindOf('process_instances.due_at'), [now]),
      'id',
      'department_id',
      'definition_key',
      trx.raw('NULL'),
      'due_at',
    );
    const select = tasks.unionAll(instances, true).toSQL();
    const result = await trx.raw<{ rows: (AlertRow & { candidates: string })[] }>(
      `WITH candidates AS (${select.sql} LIMIT ?),
       raised AS (
         INSERT INTO sla_alerts (subject_type, subject_id, kind, instance_id, department_id, definition_key, element_id, due_at)
         SELECT * FROM candidates
         ON CONFLICT (subject_type, subject_id, kind) DO NOTHING
         RETURNING *)
       SELECT r.*, t.name, t.assignee, i.business_key, (SELECT count(*) FROM candidates) AS candidates
         FROM (SELECT 1) one
         LEFT JOIN raised r ON true
         LEFT JOIN tasks t ON r.subject_type = 'task' AND t.id = r.subject_id
         LEFT JOIN process_instances i ON i.id = r.instance_id`,
      [...(select.bindings as Knex.RawBinding[]), pageSize],
    );
    const candidates = Number(result.rows[0]?.candidates ?? 0);
    const rows = result.rows.filter((r) => r.subject_id != null);
    for (const r of rows) {
      scope.outbox.add({
        topic: `sla:${r.kind}`,
        departmentId: r.department_id,
        definitionKey: r.definition_key,
        instanceId: r.instance_id,
        payload: {
          kind: r.kind,
          subjectType: r.subject_type,
          taskId: r.subject_type === 'task' ? r.subject_id : null,
          instanceId: r.instance_id,
          businessKey: r.business_key,
          elementId: r.element_id,
          name: r.name,
          assignee: r.assignee,
          dueAt: new Date(r.due_at).toISOString(),
        },
      });
    }
    return { candidates, raised: rows.length };
  }

  /** Open tasks and running instances due within the horizon or overdue, in the actor's scope. */
  async list(q: AlertsQuery, actor: Actor): Promise<Alerts> {
    const scope = await departmentScope(this.authorization, actor, q.departmentId);
    const now = new Date(this.clock.now());
    const horizon = q.horizon ? horizonMs(q.horizon) : this.defaultHorizonMs;
    const until = new Date(now.getTime() + horizon);
    const kind = (column: string) => this.db.raw(kindOf(column), [now]);
    const tasks = this.db('tasks as t')
      .join('process_instances as i', 'i.id', 't.instance_id')
      .leftJoin('sla_acknowledgements as a', function () {
        this.on('a.subject_id', '=', 't.id')
          .andOnVal('a.subject_type', '=', 'task')
          .andOn('a.kind', '=', kind('t.due_at'));
      })
      .leftJoin('users as u', 'u.username', 't.assignee')
      .where('t.status', 'open')
      .whereNotNull('t.due_at')
      .where('t.due_at', '<=', until)
      .where(inScope(scope, 't.department_id'))
      .select(
        't.id as task_id',
        't.instance_id',
        't.name',
        't.element_id',
        't.definition_key',
        't.department_id',
        't.assignee',
        'u.display_name as assignee_name',
        't.candidate_groups',
        't.due_at',
        't.created_at',
        'i.business_key',
        this.db.raw(`${kindOf('t.due_at')} AS kind`, [now]),
        'a.acknowledged_by',
        'a.acknowledged_at',
      )
      .orderBy('t.due_at')
      .limit(q.limit ?? 200);
    if (q.definitionKey) tasks.where('t.definition_key', q.definitionKey);
    const instances = this.db('process_instances as i')
      .leftJoin('sla_acknowledgements as a', function () {
        this.on('a.subject_id', '=', 'i.id')
          .andOnVal('a.subject_type', '=', 'instance')
          .andOn('a.kind', '=', kind('i.due_at'));
      })
      .where('i.status', 'running')
      .whereNotNull('i.due_at')
      .where('i.due_at', '<=', until)
      .where(inScope(scope, 'i.department_id'))
      .select(
        'i.id as instance_id',
        'i.definition_key',
        'i.department_id',
        'i.business_key',
        'i.due_at',
        'i.started_at',
        this.db.raw(`${kindOf('i.due_at')} AS kind`, [now]),
        'a.acknowledged_by',
        'a.acknowledged_at',
      )
      .orderBy('i.due_at')
      .limit(q.limit ?? 200);
    if (q.definitionKey) instances.where('i.definition_key', q.definitionKey);
    // The lists stop at `limit`; the totals count everything in scope.
    const totals = (table: string, status: string) => {
      const query = this.db(table)
        .where('status', status)
        .whereNotNull('due_at')
        .where('due_at', '<=', until)
        .where(inScope(scope, 'department_id'));
      if (q.definitionKey) query.where('definition_key', q.definitionKey);
      return query.first(
        this.db.raw('count(*) FILTER (WHERE due_at <= ?) AS breached', [now]),
        this.db.raw('count(*) FILTER (WHERE due_at > ?) AS due_soon', [now]),
      ) as Promise<{ breached: number | string; due_soon: number | string } | undefined>;
    };
    const [taskRows, instanceRows, taskTotals, instanceTotals] = await Promise.all([
      tasks as Promise<AlertTaskRow[]>,
      instances as Promise<AlertInstanceRow[]>,
      totals('tasks', 'open'),
      totals('process_instances', 'running'),
    ]);
    return {
      now: iso(now),
      horizonMs: horizon,
      breached: Number(taskTotals?.breached ?? 0) + Number(instanceTotals?.breached ?? 0),
      dueSoon: Number(taskTotals?.due_soon ?? 0) + Number(instanceTotals?.due_soon ?? 0),
      tasks: taskRows.map(toAlertTask),
      instances: instanceRows.map(toAlertInstance),
    };
  }

  /**
   * Acknowledges the alert on a task (or instance) the actor watches: recorded once with who and
   * when, announced to the others who watch it. Defaults to the alert's current kind.
   */
  async acknowledge(
    subjectId: string,
    input: { kind?: AlertKind | undefined; note?: string | undefined; subjectType?: 'task' | 'instance' | undefined },
    actor: Actor,
  ): Promise<Acknowledgement> {
    const scope = await departmentScope(this.authorization, actor);
    const subjectType = input.subjectType ?? 'task';
    const subject = await this.db(subjectType === 'task' ? 'tasks' : 'process_instances')
      .where({ id: subjectId })
      .where(inScope(scope, 'department_id'))
      .first<
        | { id: string; department_id: string | null; definition_key: string; due_at: Date | null; instance_id: string }
        | undefined
      >(
        'id',
        'department_id',
        'definition_key',
        'due_at',
        subjectType === 'task' ? 'instance_id' : this.db.raw('id AS instance_id'),
      );
    if (!subject || !subject.due_at) throw new NotFound(subjectType, subjectId);
    const kind: AlertKind =
      input.kind ?? (new Date(subject.due_at).getTime() <= this.clock.now() ? 'breached' : 'due-soon');
    return this.transactions.run(async (tx) => {
      await tx
        .trx('sla_acknowledgements')
        .insert({
          subject_type: subjectType,
          subject_id: subjectId,
          kind,
          acknowledged_by: actor.username,
          note: input.note ?? null,
        })
        .onConflict(['subject_type', 'subject_id', 'kind'])
        .ignore();
      const ack = await tx
        .trx('sla_acknowledgements')
        .where({ subject_type: subjectType, subject_id: subjectId, kind })
        .first<AcknowledgementRow>('subject_type', 'subject_id', 'kind', 'acknowledged_by', 'acknowledged_at', 'note');
      auditInTransaction(tx, actor, 'sla.acknowledge', subjectType, subjectId, { kind });
      tx.outbox.add({
        topic: 'sla:acknowledged',
        departmentId: subject.department_id,
        definitionKey: subject.definition_key,
        instanceId: subject.instance_id,
        payload: {
          kind,
          subjectType,
          taskId: subjectType === 'task' ? subjectId : null,
          instanceId: subject.instance_id,
          by: ack.acknowledged_by,
        },
      });
      return toAcknowledgement(ack);
    });
  }
}

interface AlertRow {
  subject_type: 'task' | 'instance';
  subject_id: string;
  kind: AlertKind;
  instance_id: string;
  department_id: string | null;
  definition_key: string | null;
  element_id: string | null;
  due_at: Date;
  name: string | null;
  assignee: string | null;
  business_key: string | null;
}
