import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import {
  addHistogram,
  BIN_COUNT,
  binSql,
  durationStats,
  emptyHistogram,
  histogramSql,
  type DurationStats,
  type Histogram,
} from './histogram.js';
import { inScope, type DepartmentScope } from './scope.js';
import { systemClock, type Clock } from '../lib/clock.js';

const DAY_MS = 86_400_000;
/** A day is rolled up once it ended this long ago: no step still in flight can end inside it. */
const SETTLE_MS = 10 * 60_000;

const ACTIVITY_MS = `COALESCE(h.duration_ms, (EXTRACT(EPOCH FROM (h.ended_at - h.started_at)) * 1000)::bigint)`;
const WAIT_MS = `(EXTRACT(EPOCH FROM (COALESCE(t.claimed_at, t.created_at) - t.created_at)) * 1000)::bigint`;
const WORK_MS = `(EXTRACT(EPOCH FROM (t.completed_at - COALESCE(t.claimed_at, t.created_at))) * 1000)::bigint`;
const LATE_MS = `GREATEST(0, (EXTRACT(EPOCH FROM (t.completed_at - t.due_at)) * 1000)::bigint)`;
/** SLA "histogram": bin 0 on time, bin 1 breached. */
const SLA_BIN = `(CASE WHEN t.completed_at > t.due_at THEN 1 ELSE 0 END)`;
/** Element-wise sum of the stored histograms, as text (parsed faster than a bigint[] of strings). */
const SUM_BINS = `ARRAY[${Array.from({ length: BIN_COUNT }, (_, i) => `COALESCE(sum(s.bins[${i + 1}]), 0)`).join(', ')}]::bigint[]::text`;
const DAY_OF = (column: string) => `(${column} AT TIME ZONE 'UTC')::date`;

/** The four measures, each as (value in ms, histogram aggregate) over history (h) or tasks (t). */
const METRICS = {
  duration: { ms: ACTIVITY_MS, bins: histogramSql(binSql(ACTIVITY_MS)) },
  wait: { ms: WAIT_MS, bins: histogramSql(binSql(WAIT_MS)) },
  work: { ms: WORK_MS, bins: histogramSql(binSql(WORK_MS)) },
  sla: { ms: LATE_MS, bins: histogramSql(SLA_BIN, 2) },
} as const;
export type Metric = keyof typeof METRICS;

/** Per element: how long it took (all activities), and for user tasks waiting, working and SLA. */
export interface ElementStats {
  duration: DurationStats;
  wait: DurationStats;
  work: DurationStats;
  sla: { onTime: number; breached: number };
}

interface MetricRow {
  element_id: string;
  metric: Metric;
  count: number | string;
  total_ms: number | string | null;
  bins: (number | string)[] | string;
}

/**
 * The daily rollup of history (issue 8 §7): closed UTC days are aggregated once into
 * `monitoring_element_stats`, one histogram row per day, department, element and measure;
 * statistics read the rollup for those days and the raw rows only for the open tail since, so a
 * dashboard reads a few thousand rows however long the history grows.
 */
export class RollupService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Rolls up every closed day not yet rolled. Safe on every node at once: the state row is taken
   * with SKIP LOCKED, so one node works and the others return. Answers the new watermark.
   */
  async refresh(): Promise<Date | null> {
    const closedUntil = new Date(Math.floor((this.clock.now() - SETTLE_MS) / DAY_MS) * DAY_MS);
    return this.db.transaction(async (trx) => {
      const state = await trx('monitoring_rollup_state')
        .where({ id: 1 })
        .forUpdate()
        .skipLocked()
        .first<{ rolled_until: Date | string | null } | undefined>('rolled_until');
      if (!state) return null;
      const from = state.rolled_until ? new Date(state.rolled_until) : null;
      if (from && from.getTime() >= closedUntil.getTime()) return from;
      for (const metric of Object.keys(METRICS) as Metric[]) {
        const q = this.source(trx, metric, from, closedUntil).select(
          metric === 'duration' ? 'h.definition_id' : 't.definition_id',
          trx.raw(`${DAY_OF(metric === 'duration' ? 'h.ended_at' : 't.completed_at')} AS day`),
          trx.raw(`COALESCE(${metric === 'duration' ? 'h' : 't'}.department_id, '') AS department_id`),
          metric === 'duration' ? 'h.element_id' : 't.element_id',
          trx.raw(`'${metric}' AS metric`),
          ...this.aggregates(trx, metric),
        );
        await this.upsert(trx, q.groupByRaw('1, 2, 3, 4'));
      }
      await trx('monitoring_rollup_state')
        .where({ id: 1 })
        .update({ rolled_until: closedUntil, refreshed_at: new Date(this.clock.now()) });
      return closedUntil;
    });
  }

  /** The rows a measure is taken over, ended in [from, until). */
  private source(db: Knex, metric: Metric, from: Date | null, until: Date): Knex.QueryBuilder {
    if (metric === 'duration') {
      const q = db('activity_history as h').whereNotNull('h.ended_at').where('h.ended_at', '<', until);
      if (from) q.where('h.ended_at', '>=', from);
      return q;
    }
    const q = db('tasks as t').where('t.status', 'completed').where('t.completed_at', '<', until);
    if (from) q.where('t.completed_at', '>=', from);
    if (metric === 'sla') q.whereNotNull('t.due_at');
    return q;
  }

  private aggregates(db: Knex, metric: Metric) {
    const m = METRICS[metric];
    return [db.raw('count(*) AS count'), db.raw(`COALESCE(sum(${m.ms}), 0) AS total_ms`), db.raw(`${m.bins} AS bins`)];
  }

  /** The same aggregates with the histogram as text, for reading. */
  private readAggregates(db: Knex, metric: Metric) {
    const m = METRICS[metric];
    return [
      db.raw('count(*) AS count'),
      db.raw(`COALESCE(sum(${m.ms}), 0) AS total_ms`),
      db.raw(`(${m.bins})::text AS bins`),
    ];
  }

  /** Adds the aggregated rows: each day is rolled exactly once, so adding is exact. */
  private async upsert(trx: Knex, select: Knex.QueryBuilder): Promise<void> {
    const compiled = select.toSQL();
    await trx.raw(
      `INSERT INTO monitoring_element_stats (definition_id, day, department_id, element_id, metric, count, total_ms, bins)
       ${compiled.sql}
       ON CONFLICT (definition_id, day, department_id, element_id, metric)
       DO UPDATE SET count = monitoring_element_stats.count + EXCLUDED.count,
                     total_ms = monitoring_element_stats.total_ms + EXCLUDED.total_ms,
                     bins = ARRAY(SELECT a + b FROM unnest(monitoring_element_stats.bins, EXCLUDED.bins) AS x(a, b))`,
      compiled.bindings as Knex.RawBinding[],
    );
  }

  async watermark(): Promise<Date | null> {
    const row = await this.db('monitoring_rollup_state')
      .where({ id: 1 })
      .first<{ rolled_until: Date | string | null } | undefined>('rolled_until');
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
    metrics: Metric[] = Object.keys(METRICS) as Metric[],
  ): Promise<Map<string, ElementStats>> {
    const rolledUntil = await this.watermark();
    const parts: Promise<MetricRow[]>[] = [];
    if (rolledUntil && from < rolledUntil) {
      const firstDay = utcDay(Math.floor(from.getTime() / DAY_MS) * DAY_MS);
      const endDay = utcDay(Math.min(rolledUntil.getTime(), Math.ceil(to.getTime() / DAY_MS) * DAY_MS));
      // Summed in the database, bin by bin: a few dozen rows come back, not one per day and department.
      const rolled = this.db('monitoring_element_stats as s')
        .select(
          's.element_id',
          's.metric',
          this.db.raw('sum(s.count) AS count'),
          this.db.raw('sum(s.total_ms) AS total_ms'),
          this.db.raw(`${SUM_BINS} AS bins`),
        )
        .groupBy('s.element_id', 's.metric')
        .whereIn('s.definition_id', definitionIds)
        .whereIn('s.metric', metrics)
        .where('s.day', '>=', firstDay)
        .where('s.day', '<', endDay);
      if (scope.departmentIds !== null) {
        rolled.whereIn('s.department_id', scope.departmentIds);
      }
      parts.push(rolled);
    }
    const tailFrom = rolledUntil && rolledUntil > from ? rolledUntil : from;
    if (tailFrom < to) {
      for (const metric of metrics) {
        const alias = metric === 'duration' ? 'h' : 't';
        const q = this.source(this.db, metric, tailFrom, to)
          .whereIn(`${alias}.definition_id`, definitionIds)
          .where(inScope(scope, `${alias}.department_id`))
          .select(`${alias}.element_id`, this.db.raw(`'${metric}' AS metric`), ...this.readAggregates(this.db, metric))
          .groupBy(`${alias}.element_id`);
        parts.push(q);
      }
    }
    return collect((await Promise.all(parts)).flat());
  }
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Histograms are read as text ('{1,0,2}'); arrays are accepted too. */
function numbers(bins: MetricRow['bins']): number[] {
  const list = typeof bins === 'string' ? bins.replace(/[{}]/g, '').split(',') : bins;
  return list.map((n) => Number(n));
}

function collect(rows: MetricRow[]): Map<string, ElementStats> {
  const sums = new Map<string, Map<Metric, Histogram>>();
  for (const r of rows) {
    const byMetric = sums.get(r.element_id) ?? new Map<Metric, Histogram>();
    const bins = numbers(r.bins);
    const h = byMetric.get(r.metric) ?? emptyHistogram(bins.length);
    addHistogram(h, { count: Number(r.count), totalMs: Number(r.total_ms ?? 0), bins });
    byMetric.set(r.metric, h);
    sums.set(r.element_id, byMetric);
  }
  const result = new Map<string, ElementStats>();
  for (const [elementId, byMetric] of sums) {
    const sla = byMetric.get('sla');
    result.set(elementId, {
      duration: durationStats(byMetric.get('duration') ?? emptyHistogram()),
      wait: durationStats(byMetric.get('wait') ?? emptyHistogram()),
      work: durationStats(byMetric.get('work') ?? emptyHistogram()),
      sla: { onTime: sla?.bins[0] ?? 0, breached: sla?.bins[1] ?? 0 },
    });
  }
  return result;
}
