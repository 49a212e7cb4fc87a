import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import { binSql, durationStats, type BinCount, type DurationStats } from './histogram.js';
import { inScope, type DepartmentScope } from './scope.js';

const DAY_MS = 86_400_000;
/** A day is rolled up once it ended this long ago: no step still in flight can end inside it. */
const SETTLE_MS = 10 * 60_000;

const ACTIVITY_MS = `COALESCE(h.duration_ms, (EXTRACT(EPOCH FROM (h.ended_at - h.started_at)) * 1000)::bigint)`;
const WAIT_MS = `(EXTRACT(EPOCH FROM (COALESCE(t.claimed_at, t.created_at) - t.created_at)) * 1000)::bigint`;
const WORK_MS = `(EXTRACT(EPOCH FROM (t.completed_at - COALESCE(t.claimed_at, t.created_at))) * 1000)::bigint`;
const LATE_MS = `GREATEST(0, (EXTRACT(EPOCH FROM (t.completed_at - t.due_at)) * 1000)::bigint)`;
const DAY_OF = (column: string) => `(${column} AT TIME ZONE 'UTC')::date`;

/** Per element: how long it took (all activities), and for user tasks waiting, working and SLA. */
export interface ElementStats {
  duration: DurationStats;
  wait: DurationStats;
  work: DurationStats;
  sla: { onTime: number; breached: number };
}

interface MetricRow {
  element_id: string;
  metric: string;
  bin: number;
  count: number | string;
  total_ms: number | string;
}

/**
 * The daily rollup of history (issue 8 §7): closed UTC days are aggregated once into
 * `monitoring_element_stats`; statistics read the rollup for those days and the raw rows only
 * for the open tail since, so a dashboard reads thousands of rows whatever the history holds.
 */
export class RollupService {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Rolls up every closed day not yet rolled. Safe on every node at once: the state row is taken
   * with SKIP LOCKED, so one node works and the others return. Answers the new watermark.
   */
  async refresh(): Promise<Date | null> {
    const closedUntil = new Date(Math.floor((this.clock() - SETTLE_MS) / DAY_MS) * DAY_MS);
    return this.db.transaction(async (trx) => {
      const state = await trx('monitoring_rollup_state')
        .where({ id: 1 })
        .forUpdate()
        .skipLocked()
        .first('rolled_until');
      if (!state) return null;
      const from = state.rolled_until ? new Date(state.rolled_until) : null;
      if (from && from.getTime() >= closedUntil.getTime()) return from;
      await this.rollActivities(trx, from, closedUntil);
      await this.rollTasks(trx, from, closedUntil);
      await trx('monitoring_rollup_state')
        .where({ id: 1 })
        .update({ rolled_until: closedUntil, refreshed_at: new Date(this.clock()) });
      return closedUntil;
    });
  }

  private async rollActivities(trx: Knex, from: Date | null, until: Date): Promise<void> {
    const q = trx('activity_history as h')
      .select(
        'h.definition_id',
        trx.raw(`${DAY_OF('h.ended_at')} AS day`),
        trx.raw(`COALESCE(h.department_id, '') AS department_id`),
        'h.element_id',
        trx.raw(`'duration' AS metric`),
        trx.raw(`${binSql(ACTIVITY_MS)} AS bin`),
        trx.raw('count(*) AS count'),
        trx.raw(`sum(${ACTIVITY_MS}) AS total_ms`),
      )
      .whereNotNull('h.ended_at')
      .where('h.ended_at', '<', until)
      .groupByRaw('1, 2, 3, 4, 5, 6');
    if (from) q.where('h.ended_at', '>=', from);
    await this.upsert(trx, q);
  }

  private async rollTasks(trx: Knex, from: Date | null, until: Date): Promise<void> {
    for (const [metric, ms] of [
      ['wait', WAIT_MS],
      ['work', WORK_MS],
    ] as const) {
      const q = this.completedTasks(trx, from, until).select(
        trx.raw(`'${metric}' AS metric`),
        trx.raw(`${binSql(ms)} AS bin`),
        trx.raw('count(*) AS count'),
        trx.raw(`sum(${ms}) AS total_ms`),
      );
      await this.upsert(trx, q);
    }
    const sla = this.completedTasks(trx, from, until)
      .whereNotNull('t.due_at')
      .select(
        trx.raw(`'sla' AS metric`),
        trx.raw(`CASE WHEN t.completed_at > t.due_at THEN 1 ELSE 0 END AS bin`),
        trx.raw('count(*) AS count'),
        trx.raw(`sum(${LATE_MS}) AS total_ms`),
      );
    await this.upsert(trx, sla);
  }

  private completedTasks(trx: Knex, from: Date | null, until: Date) {
    const q = trx('tasks as t')
      .select(
        't.definition_id',
        trx.raw(`${DAY_OF('t.completed_at')} AS day`),
        trx.raw(`COALESCE(t.department_id, '') AS department_id`),
        't.element_id',
      )
      .where('t.status', 'completed')
      .whereNotNull('t.completed_at')
      .where('t.completed_at', '<', until)
      .groupByRaw('1, 2, 3, 4, 5, 6');
    if (from) q.where('t.completed_at', '>=', from);
    return q;
  }

  /** Adds the aggregated rows: each day is rolled exactly once, so adding is exact. */
  private async upsert(trx: Knex, select: Knex.QueryBuilder): Promise<void> {
    const compiled = select.toSQL();
    await trx.raw(
      `INSERT INTO monitoring_element_stats (definition_id, day, department_id, element_id, metric, bin, count, total_ms)
       ${compiled.sql}
       ON CONFLICT (definition_id, day, department_id, element_id, metric, bin)
       DO UPDATE SET count = monitoring_element_stats.count + EXCLUDED.count,
                     total_ms = monitoring_element_stats.total_ms + EXCLUDED.total_ms`,
      compiled.bindings as Knex.RawBinding[],
    );
  }

  async watermark(): Promise<Date | null> {
    const row = await this.db('monitoring_rollup_state').where({ id: 1 }).first('rolled_until');
    return row?.rolled_until ? new Date(row.rolled_until) : null;
  }

  /**
   * Duration, waiting, working and SLA statistics per element of these definitions over
   * [from, to): rolled days (day resolution at the period's start) plus the live tail.
   */
  async elementStats(
    definitionIds: string[],
    scope: DepartmentScope,
    from: Date,
    to: Date,
  ): Promise<Map<string, ElementStats>> {
    const rolledUntil = await this.watermark();
    const parts: Knex.QueryBuilder[] = [];
    if (rolledUntil && from < rolledUntil) {
      const firstDay = utcDay(Math.floor(from.getTime() / DAY_MS) * DAY_MS);
      const endDay = utcDay(Math.min(rolledUntil.getTime(), Math.ceil(to.getTime() / DAY_MS) * DAY_MS));
      const rolled = this.db('monitoring_element_stats as s')
        .select(
          's.element_id',
          's.metric',
          's.bin',
          this.db.raw('sum(s.count) AS count'),
          this.db.raw('sum(s.total_ms) AS total_ms'),
        )
        .whereIn('s.definition_id', definitionIds)
        .where('s.day', '>=', firstDay)
        .where('s.day', '<', endDay)
        .groupBy('s.element_id', 's.metric', 's.bin');
      if (scope.departmentIds !== null)
        rolled.whereIn('s.department_id', scope.departmentIds.length ? scope.departmentIds : ['\u0000']);
      parts.push(rolled);
    }
    const tailFrom = rolledUntil && rolledUntil > from ? rolledUntil : from;
    if (tailFrom < to) parts.push(...this.tail(definitionIds, scope, tailFrom, to));
    const rows: MetricRow[] = [];
    for (const part of parts) rows.push(...((await part) as MetricRow[]));
    return collect(rows);
  }

  private tail(definitionIds: string[], scope: DepartmentScope, from: Date, to: Date): Knex.QueryBuilder[] {
    const db = this.db;
    const history = db('activity_history as h')
      .select(
        'h.element_id',
        db.raw(`'duration' AS metric`),
        db.raw(`${binSql(ACTIVITY_MS)} AS bin`),
        db.raw('count(*) AS count'),
        db.raw(`sum(${ACTIVITY_MS}) AS total_ms`),
      )
      .whereIn('h.definition_id', definitionIds)
      .where('h.ended_at', '>=', from)
      .where('h.ended_at', '<', to)
      .where(inScope(scope, 'h.department_id'))
      .groupByRaw('1, 2, 3');
    const tasks = (metric: string, bin: string, total: string) =>
      db('tasks as t')
        .select(
          't.element_id',
          db.raw(`'${metric}' AS metric`),
          db.raw(`${bin} AS bin`),
          db.raw('count(*) AS count'),
          db.raw(`sum(${total}) AS total_ms`),
        )
        .where('t.status', 'completed')
        .whereIn('t.definition_id', definitionIds)
        .where('t.completed_at', '>=', from)
        .where('t.completed_at', '<', to)
        .where(inScope(scope, 't.department_id'))
        .groupByRaw('1, 2, 3');
    return [
      history,
      tasks('wait', binSql(WAIT_MS), WAIT_MS),
      tasks('work', binSql(WORK_MS), WORK_MS),
      tasks('sla', 'CASE WHEN t.completed_at > t.due_at THEN 1 ELSE 0 END', LATE_MS).whereNotNull('t.due_at'),
    ];
  }
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function collect(rows: MetricRow[]): Map<string, ElementStats> {
  const bins = new Map<string, Map<string, BinCount[]>>();
  for (const r of rows) {
    const byMetric = bins.get(r.element_id) ?? new Map<string, BinCount[]>();
    const list = byMetric.get(r.metric) ?? [];
    list.push({ bin: Number(r.bin), count: Number(r.count), totalMs: Number(r.total_ms) });
    byMetric.set(r.metric, list);
    bins.set(r.element_id, byMetric);
  }
  const result = new Map<string, ElementStats>();
  for (const [elementId, byMetric] of bins) {
    const sla = byMetric.get('sla') ?? [];
    result.set(elementId, {
      duration: durationStats(byMetric.get('duration') ?? []),
      wait: durationStats(byMetric.get('wait') ?? []),
      work: durationStats(byMetric.get('work') ?? []),
      sla: {
        onTime: sla.filter((b) => b.bin === 0).reduce((n, b) => n + b.count, 0),
        breached: sla.filter((b) => b.bin === 1).reduce((n, b) => n + b.count, 0),
      },
    });
  }
  return result;
}
