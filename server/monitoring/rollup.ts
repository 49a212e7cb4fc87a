import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import { RepeatedStatements } from '../db/prepared.js';
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

/** The four measures, each as (value in ms, its bin, how many bins) over history (h) or tasks (t). */
const METRICS = {
  duration: { ms: ACTIVITY_MS, bin: binSql(ACTIVITY_MS), binCount: BIN_COUNT },
  wait: { ms: WAIT_MS, bin: binSql(WAIT_MS), binCount: BIN_COUNT },
  work: { ms: WORK_MS, bin: binSql(WORK_MS), binCount: BIN_COUNT },
  sla: { ms: LATE_MS, bin: SLA_BIN, binCount: 2 },
} as const;
export type Metric = keyof typeof METRICS;

/** Per element: how long it took (all activities), and for user tasks waiting, working and SLA. */
export interface ElementStats {
  duration: DurationStats;
  wait: DurationStats;
  work: DurationStats;
  sla: { onTime: number; breached: number };
}

/** The raw tail's statement: a text per set of processes, scope and measures (prepared.ts). */
const MONITOR_TAILS = new RepeatedStatements('monitor_tail', 32);

/** The live tail's rows are kept once they ended this long ago (a step's transaction is long committed). */
const TAIL_SETTLE_MS = 60_000;
/**
 * A kept tail is extended once what settled since is this long: between extensions a request reads
 * a few seconds more raw rows instead of a statement of its own to extend it.
 */
const TAIL_EXTEND_MS = 5_000;
/** A kept tail is read afresh this often: a late-committed row counts within this time. */
const TAIL_REREAD_MS = SETTLE_MS;
/** Kept tails per node: one per process, scope and set of measures asked for today. */
const TAIL_ENTRIES = 256;

interface TailEntry {
  readAt: number;
  /** The kept part is [tailFrom, until). */
  until: Date;
  /** Per measure and element. */
  sums: Map<string, { element_id: string; metric: Metric; histogram: Histogram }>;
  extending: Promise<void>;
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
  /** Kept statistics of today's settled tail, per definitions, scope and measures (settledTail). */
  private readonly tails = new Map<string, TailEntry>();

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
        const alias = metric === 'duration' ? 'h' : 't';
        const q = this.measured(trx, metric, this.source(trx, metric, from, closedUntil), [
          [`${alias}.definition_id`, 'definition_id'],
          [DAY_OF(metric === 'duration' ? 'h.ended_at' : 't.completed_at'), 'day'],
          [`COALESCE(${alias}.department_id, '')`, 'department_id'],
          [`${alias}.element_id`, 'element_id'],
        ]);
        await this.upsert(trx, q);
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

  /**
   * Per group of `keys` ([expression, name]): the measure's count, total and histogram, in
   * columns named as the rollup table's (keys, metric, count, total_ms, bins). The rows are
   * grouped by key and bin first, so the bin is worked out once per row.
   */
  private measured(
    db: Knex,
    metric: Metric,
    source: Knex.QueryBuilder,
    keys: [string, string][],
  ): Knex.QueryBuilder<MetricRow, MetricRow[]> {
    const m = METRICS[metric];
    const byBin = source
      .select(
        ...keys.map(([expression, name]) => db.raw(`${expression} AS ${name}`)),
        db.raw(`${m.bin} AS bin`),
        db.raw('count(*) AS n'),
        db.raw(`sum(${m.ms}) AS ms`),
      )
      .groupByRaw(Array.from({ length: keys.length + 1 }, (_, i) => i + 1).join(', '));
    const names = keys.map(([, name]) => `g.${name}`);
    return db
      .from(byBin.as('g'))
      .select(
        ...names,
        db.raw(`'${metric}' AS metric`),
        db.raw('sum(g.n) AS count'),
        db.raw('COALESCE(sum(g.ms), 0) AS total_ms'),
        db.raw(`${histogramSql('g.bin', 'g.n', m.binCount)} AS bins`),
      )
      .groupBy(names) as Knex.QueryBuilder<MetricRow, MetricRow[]>;
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
    if (tailFrom < to) parts.push(this.tail(definitionIds, scope, metrics, tailFrom, to, rolledUntil));
    return collect((await Promise.all(parts)).flat());
  }

  /**
   * The live tail [tailFrom, to). A tail that starts at the watermark and runs to now is the day
   * so far, asked for by every dashboard of the process: its settled part (what ended more than
   * TAIL_SETTLE_MS ago) is kept per node and extended as time passes, so a request reads only the
   * last minute or so of raw rows, not everything since midnight. Any other tail is read raw.
   */
  private async tail(
    definitionIds: string[],
    scope: DepartmentScope,
    metrics: Metric[],
    tailFrom: Date,
    to: Date,
    rolledUntil: Date | null,
  ): Promise<MetricRow[]> {
    const settled = this.clock.now() - TAIL_SETTLE_MS;
    if (!rolledUntil || tailFrom.getTime() !== rolledUntil.getTime() || to.getTime() < settled) {
      return this.rawTail(definitionIds, scope, metrics, tailFrom, to);
    }
    const key = JSON.stringify([
      [...definitionIds].sort(),
      scope.departmentIds && [...scope.departmentIds].sort(),
      [...metrics].sort(),
      tailFrom.toISOString(),
    ]);
    const kept = await this.settledTail(key, definitionIds, scope, metrics, tailFrom, new Date(settled));
    // Extended past `to` meanwhile by a later request: it holds rows this period ends before.
    if (kept.until > to) return this.rawTail(definitionIds, scope, metrics, tailFrom, to);
    return [...kept.rows, ...(await this.rawTail(definitionIds, scope, metrics, kept.until, to))];
  }

  /**
   * The kept statistics of [tailFrom, until), extended to `settled` first once that is
   * TAIL_EXTEND_MS past its end (any end up to `settled` is correct); answers a copy and its
   * end, taken together, so the caller reads raw rows from exactly there. An entry is read afresh
   * after TAIL_REREAD_MS, so a row that committed late (with an end already behind the kept part)
   * counts within that time, and for good once its day is rolled up.
   */
  private async settledTail(
    key: string,
    definitionIds: string[],
    scope: DepartmentScope,
    metrics: Metric[],
    tailFrom: Date,
    settled: Date,
  ): Promise<{ rows: MetricRow[]; until: Date }> {
    const now = this.clock.now();
    let entry = this.tails.get(key);
    if (!entry || now - entry.readAt > TAIL_REREAD_MS || entry.until > settled) {
      entry = { readAt: now, until: tailFrom, sums: new Map(), extending: Promise.resolve() };
      this.tails.delete(key);
      if (this.tails.size >= TAIL_ENTRIES) this.tails.delete(this.tails.keys().next().value as string);
      this.tails.set(key, entry);
    }
    const kept = entry;
    // One extension at a time per entry: two requests never add the same rows twice.
    kept.extending = kept.extending.then(async () => {
      if (kept.until.getTime() > settled.getTime() - TAIL_EXTEND_MS) return;
      for (const row of await this.rawTail(definitionIds, scope, metrics, kept.until, settled)) {
        const id = `${row.metric}:${row.element_id}`;
        const bins = numbers(row.bins);
        const sum = kept.sums.get(id) ?? {
          element_id: row.element_id,
          metric: row.metric,
          histogram: emptyHistogram(bins.length),
        };
        addHistogram(sum.histogram, { count: Number(row.count), totalMs: Number(row.total_ms ?? 0), bins });
        kept.sums.set(id, sum);
      }
      kept.until = settled;
    });
    try {
      await kept.extending;
    } catch (err) {
      if (this.tails.get(key) === kept) this.tails.delete(key);
      throw err;
    }
    const rows = [...kept.sums.values()].map(({ element_id, metric, histogram: h }) => ({
      element_id,
      metric,
      count: h.count,
      total_ms: h.totalMs,
      bins: [...h.bins],
    }));
    return { rows, until: kept.until };
  }

  /** The raw rows' statistics of [tailFrom, to), one row per element and measure. */
  private async rawTail(
    definitionIds: string[],
    scope: DepartmentScope,
    metrics: Metric[],
    tailFrom: Date,
    to: Date,
  ): Promise<MetricRow[]> {
    // Every measure in one statement (one round trip, one snapshot), a branch each. The rows stay
    // one per element and bin, folded into histograms here: the histograms' 92 aggregates made
    // PostgreSQL spend several times longer planning the statement than running it.
    const branches = metrics.map((metric) => {
      const alias = metric === 'duration' ? 'h' : 't';
      const m = METRICS[metric];
      return this.source(this.db, metric, tailFrom, to)
        .whereIn(`${alias}.definition_id`, definitionIds)
        .where(inScope(scope, `${alias}.department_id`))
        .select(
          this.db.raw(`${alias}.element_id AS element_id`),
          this.db.raw(`'${metric}' AS metric`),
          this.db.raw(`${m.bin} AS bin`),
          this.db.raw('count(*) AS n'),
          this.db.raw(`sum(${m.ms}) AS ms`),
        )
        .groupByRaw('1, 3');
    });
    if (branches.length === 0) return [];
    const { sql, bindings } = this.db.queryBuilder().unionAll(branches, true).toSQL();
    return histogramRows(await MONITOR_TAILS.rows<BinRow>(this.db, sql, bindings));
  }
}

/** Rows of one element, measure and bin: how many, and their summed milliseconds (null when none has a value). */
interface BinRow {
  element_id: string;
  metric: Metric;
  bin: number | null;
  n: number | string;
  ms: number | string | null;
}

/**
 * One histogram row per element and measure, as `measured` builds it in SQL: every row counts, a
 * row's bin only when it has one within the measure's bins.
 */
function histogramRows(rows: BinRow[]): MetricRow[] {
  const byKey = new Map<string, MetricRow & { count: number; total_ms: number; bins: number[] }>();
  for (const r of rows) {
    const key = `${r.metric}\u0000${r.element_id}`;
    let row = byKey.get(key);
    if (!row) {
      const bins = new Array<number>(METRICS[r.metric].binCount).fill(0);
      row = { element_id: r.element_id, metric: r.metric, count: 0, total_ms: 0, bins };
      byKey.set(key, row);
    }
    const n = Number(r.n);
    row.count += n;
    row.total_ms += Number(r.ms ?? 0);
    if (r.bin !== null && r.bin >= 0 && r.bin < row.bins.length) row.bins[r.bin] = (row.bins[r.bin] ?? 0) + n;
  }
  return [...byKey.values()];
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
