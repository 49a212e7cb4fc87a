import type { Db } from '../db/index.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { Invalid } from '../lib/errors.js';
import { iso } from '../lib/contract.js';
import { mapPage, page, type Page } from '../workflow/paging.js';
import {
  toDashboardIncident,
  toWaitingInstance,
  type Activities,
  type BacklogEntry,
  type Bottleneck,
  type BottleneckCause,
  type Bottlenecks,
  type Dashboard,
  type DashboardIncidentRow,
  type DefinitionInfo,
  type ElementFigures,
  type Pace,
  type WaitingInstance,
  type WaitingInstanceRow,
  type Workload,
} from './contract.js';
import type { ElementStats, RollupService } from './rollup.js';
import { departmentScope, inScope, selectProcess, type DepartmentScope, type ProcessSelection } from './scope.js';
import { systemClock, type Clock } from '../lib/clock.js';

export interface DashboardQuery {
  definitionKey: string;
  version?: number | undefined;
  departmentId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  bucket?: 'hour' | 'day' | undefined;
}

export interface Period {
  from: Date;
  to: Date;
  bucket: 'hour' | 'day';
}

const HOUR_MS = 3_600_000;
const MAX_BUCKETS = 2_000;
/** Element types that hold tokens and take time; the diagram's other shapes get no figures. */
const TIMED = /Task$|SubProcess$|CallActivity$|IntermediateCatchEvent$|ReceiveTask$|EventBasedGateway$/;

/** An element's waiting tokens, with its open tasks' states when it is a user task. */
interface BacklogRow {
  element_id: string;
  tokens: number | string;
  oldest: Date | string;
  age_ms: number | string;
  unclaimed: number | string | null;
  claimed: number | string | null;
  overdue: number | string | null;
}

interface Context {
  scope: DepartmentScope;
  process: ProcessSelection;
  period: Period;
}

/** A period on the wire: its bounds as ISO timestamps. */
export function wirePeriod(p: Period): Dashboard['period'] {
  return { from: iso(p.from), to: iso(p.to), bucket: p.bucket };
}

export function periodOf(
  q: { from?: Date | undefined; to?: Date | undefined; bucket?: 'hour' | 'day' | undefined },
  now: number,
): Period {
  const to = q.to ?? new Date(now);
  const bucket = q.bucket ?? 'day';
  const from = q.from ?? new Date(to.getTime() - (bucket === 'hour' ? 24 : 30 * 24) * HOUR_MS);
  if (from >= to)
    throw new Invalid('VALIDATION_FAILED', 'from must be before to', [{ field: 'from', reason: 'after to' }]);
  if ((to.getTime() - from.getTime()) / (bucket === 'hour' ? HOUR_MS : 24 * HOUR_MS) > MAX_BUCKETS) {
    throw new Invalid('VALIDATION_FAILED', `the period holds more than ${MAX_BUCKETS} ${bucket}s`, [
      { field: 'bucket', reason: 'too many buckets' },
    ]);
  }
  return { from, to, bucket };
}

/**
 * The process dashboard and the live diagram's figures (issue 8 §1–3), always limited to the
 * actor's `dashboard:read` part of the organisation.
 */
export class DashboardService {
  /** The departments of a scope by name, in tree order, for the department filter. */
  private async departmentNames(ids: string[] | null) {
    const tree = await this.authorization.tree();
    const wanted = ids ? new Set(ids) : null;
    return tree
      .all()
      .filter((d) => !wanted || wanted.has(d.id))
      .map((d) => ({ id: d.id, name: d.name, nameEn: d.nameEn, depth: d.path.split('/').filter(Boolean).length - 1 }));
  }

  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
    private readonly rollup: RollupService,
    private readonly clock: Clock = systemClock,
    /** "Due soon" on the dashboard means within the SLA alert horizon (SLA_HORIZON). */
    private readonly horizonMs = 4 * HOUR_MS,
  ) {}

  private async context(q: DashboardQuery, actor: Actor): Promise<Context> {
    const scope = await departmentScope(this.authorization, actor, q.departmentId);
    const process = await selectProcess(this.db, q.definitionKey, q.version);
    return { scope, process, period: periodOf(q, this.clock.now()) };
  }

  private instances(c: Context) {
    const q = this.db('process_instances')
      .where('definition_key', c.process.key)
      .where(inScope(c.scope, 'department_id'));
    if (c.process.version !== null) q.where('definition_version', c.process.version);
    return q;
  }

  async dashboard(q: DashboardQuery, actor: Actor): Promise<Dashboard> {
    const c = await this.context(q, actor);
    const now = new Date(this.clock.now());
    const raw = (sql: string, bindings: string[] = []) => this.db.raw(sql, bindings);
    const bucketOf = (column: string) =>
      raw(`date_trunc(?, ${column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS at`, [c.period.bucket]);
    // Running now, and ended and started per bucket: one statement, one row kind each.
    const instanceCounts = this.instances(c)
      .where('status', 'running')
      .select(
        raw(`'running' AS kind`),
        raw('NULL::timestamptz AS at'),
        raw('NULL::text AS status'),
        raw('count(*) AS n'),
      )
      .unionAll(
        [
          this.instances(c)
            .where('ended_at', '>=', c.period.from)
            .where('ended_at', '<', c.period.to)
            .select(raw(`'ended' AS kind`), bucketOf('ended_at'), raw('status::text AS status'), raw('count(*) AS n'))
            .groupByRaw('2, 3'),
          this.instances(c)
            .where('started_at', '>=', c.period.from)
            .where('started_at', '<', c.period.to)
            .select(raw(`'started' AS kind`), bucketOf('started_at'), raw('NULL::text AS status'), raw('count(*) AS n'))
            .groupByRaw('2'),
        ],
        true,
      ) as Promise<
      { kind: 'running' | 'ended' | 'started'; at: Date | string | null; status: string | null; n: number | string }[]
    >;
    const [counted, backlog, stats, openSla, incidents] = await Promise.all([
      instanceCounts,
      this.backlog(c, now),
      this.rollup.elementStats(c.process.definitionIds, c.scope, c.period.from, c.period.to, ['sla']),
      this.openTasks(c)
        .select(
          this.db.raw('count(*) FILTER (WHERE due_at < ?) AS overdue', [now]),
          this.db.raw('count(*) FILTER (WHERE due_at >= ? AND due_at < ?) AS due_soon', [
            now,
            new Date(now.getTime() + this.horizonMs),
          ]),
        )
        .first<{ overdue: number | string; due_soon: number | string } | undefined>(),
      this.openIncidents(c),
    ]);
    const series = new Map<
      string,
      { at: string; started: number; completed: number; cancelled: number; failed: number }
    >();
    const point = (at: Date | string) => {
      const key = new Date(at).toISOString();
      const p = series.get(key) ?? { at: key, started: 0, completed: 0, cancelled: 0, failed: 0 };
      series.set(key, p);
      return p;
    };
    const totals = { completed: 0, cancelled: 0, failed: 0 };
    let running = 0;
    let startedTotal = 0;
    for (const r of counted) {
      if (r.kind === 'running') running += Number(r.n);
      else if (r.kind === 'started' && r.at !== null) {
        point(r.at).started += Number(r.n);
        startedTotal += Number(r.n);
      } else if (r.kind === 'ended' && r.at !== null && r.status !== null && isEndStatus(r.status)) {
        point(r.at)[r.status] += Number(r.n);
        totals[r.status] += Number(r.n);
      }
    }
    let onTime = 0;
    let breached = 0;
    for (const s of stats.values()) {
      onTime += s.sla.onTime;
      breached += s.sla.breached;
    }
    return {
      definition: this.describe(c.process),
      period: wirePeriod(c.period),
      departmentIds: c.scope.departmentIds,
      departments: await this.departmentNames(c.scope.departmentIds),
      counts: {
        running,
        started: startedTotal,
        ...totals,
        openIncidents: incidents.count,
      },
      throughput: [...series.values()].sort((a, b) => a.at.localeCompare(b.at)),
      backlog,
      sla: {
        onTime,
        breached,
        compliance: onTime + breached ? onTime / (onTime + breached) : null,
        openOverdue: Number(openSla?.overdue ?? 0),
        openDueSoon: Number(openSla?.due_soon ?? 0),
      },
      incidents: incidents.latest,
    };
  }

  private describe(p: ProcessSelection): DefinitionInfo {
    return {
      key: p.key,
      version: p.version,
      versions: p.versions,
      name: p.shown.name,
      shownDefinitionId: p.shown.id,
      shownVersion: p.shown.version,
    };
  }

  private openTasks(c: Context) {
    return this.db('tasks')
      .where('status', 'open')
      .whereIn('definition_id', c.process.definitionIds)
      .where(inScope(c.scope, 'department_id'));
  }

  private async openIncidents(c: Context): Promise<{ count: number; latest: Dashboard['incidents'] }> {
    const q = this.db('incidents as n')
      .join('process_instances as i', 'i.id', 'n.instance_id')
      .where('n.status', 'open')
      .where('i.definition_key', c.process.key)
      .where(inScope(c.scope, 'i.department_id'));
    if (c.process.version !== null) q.where('i.definition_version', c.process.version);
    // The total rides on each of the latest rows (a window counts before LIMIT): one statement.
    const latest = (await q
      .select(
        'n.id',
        'n.instance_id',
        'n.element_id',
        'n.message',
        'n.created_at',
        'i.business_key',
        'i.department_id',
        this.db.raw('count(*) OVER () AS total'),
      )
      .orderBy('n.created_at', 'desc')
      .limit(20)) as (DashboardIncidentRow & { total: number | string })[];
    return { count: Number(latest[0]?.total ?? 0), latest: latest.map(toDashboardIncident) };
  }

  /** Tokens waiting at each element now; for user tasks, how many are unclaimed, claimed, overdue. */
  private async backlog(c: Context, now: Date): Promise<BacklogEntry[]> {
    // One statement (one snapshot): the tokens per element, their open tasks' states beside them.
    const tokensAt = this.db('activity_history')
      .whereIn('definition_id', c.process.definitionIds)
      .whereNull('ended_at')
      .where(inScope(c.scope, 'department_id'))
      .select(
        'element_id',
        this.db.raw('count(*) AS tokens'),
        this.db.raw('min(started_at) AS oldest'),
        this.db.raw('sum(EXTRACT(EPOCH FROM (? - started_at)) * 1000) AS age_ms', [now]),
      )
      .groupBy('element_id');
    const tasksAt = this.openTasks(c)
      .select(
        'element_id',
        this.db.raw('count(*) FILTER (WHERE assignee IS NULL) AS unclaimed'),
        this.db.raw('count(*) FILTER (WHERE assignee IS NOT NULL) AS claimed'),
        this.db.raw('count(*) FILTER (WHERE due_at < ?) AS overdue', [now]),
      )
      .groupBy('element_id');
    const tokens = await this.db
      .from(tokensAt.as('h'))
      .leftJoin(tasksAt.as('t'), 't.element_id', 'h.element_id')
      .select<BacklogRow[]>(
        'h.element_id',
        'h.tokens',
        'h.oldest',
        'h.age_ms',
        't.unclaimed',
        't.claimed',
        't.overdue',
      );
    const elements = c.process.shown.meta.elements;
    return tokens
      .filter((t) => TIMED.test(elements[t.element_id]?.type ?? 'bpmn:Task'))
      .map((t) => ({
        elementId: t.element_id,
        name: elements[t.element_id]?.name ?? t.element_id,
        type: elements[t.element_id]?.type ?? null,
        tokens: Number(t.tokens),
        unclaimed: Number(t.unclaimed ?? 0),
        claimed: Number(t.claimed ?? 0),
        overdue: Number(t.overdue ?? 0),
        oldestStartedAt: iso(t.oldest),
        ageMs: Math.round(Number(t.age_ms)),
      }))
      .sort((a, b) => b.tokens - a.tokens);
  }

  /** Per element of the diagram: tokens now, and waiting / working / total durations in the period. */
  async activities(q: DashboardQuery, actor: Actor): Promise<Activities> {
    const c = await this.context(q, actor);
    const [backlog, stats] = await Promise.all([
      this.backlog(c, new Date(this.clock.now())),
      this.rollup.elementStats(c.process.definitionIds, c.scope, c.period.from, c.period.to),
    ]);
    return {
      definition: this.describe(c.process),
      period: wirePeriod(c.period),
      elements: this.elementRows(c, backlog, stats),
    };
  }

  private elementRows(c: Context, backlog: BacklogEntry[], stats: Map<string, ElementStats>): ElementFigures[] {
    const elements = c.process.shown.meta.elements;
    const now = new Map(backlog.map((b) => [b.elementId, b]));
    // Start and end events, gateways: no figures (an unknown element, e.g. of another version, keeps its own).
    const timed = (id: string) => TIMED.test(elements[id]?.type ?? 'bpmn:Task');
    const ids = new Set([...Object.keys(elements), ...now.keys(), ...stats.keys()].filter(timed));
    return [...ids].map((id) => {
      const s = stats.get(id);
      const b = now.get(id);
      const decided = (s?.sla.onTime ?? 0) + (s?.sla.breached ?? 0);
      return {
        elementId: id,
        name: elements[id]?.name ?? id,
        type: elements[id]?.type ?? null,
        userTask: elements[id]?.type === 'bpmn:UserTask',
        tokens: b?.tokens ?? 0,
        unclaimed: b?.unclaimed ?? 0,
        claimed: b?.claimed ?? 0,
        overdue: b?.overdue ?? 0,
        oldestStartedAt: b?.oldestStartedAt ?? null,
        ageMs: b?.ageMs ?? 0,
        duration: s?.duration ?? { count: 0, avgMs: null, p50Ms: null, p90Ms: null },
        waiting: s?.wait ?? { count: 0, avgMs: null, p50Ms: null, p90Ms: null },
        working: s?.work ?? { count: 0, avgMs: null, p50Ms: null, p90Ms: null },
        sla: {
          onTime: s?.sla.onTime ?? 0,
          breached: s?.sla.breached ?? 0,
          breachShare: decided ? (s?.sla.breached ?? 0) / decided : null,
        },
      };
    });
  }

  /** The instances with a token at one element now, oldest first. */
  async activityInstances(
    elementId: string,
    q: DashboardQuery & { limit?: number | undefined },
    actor: Actor,
  ): Promise<Page<WaitingInstance>> {
    const c = await this.context(q, actor);
    const rows = this.db('activity_history as h')
      .join('process_instances as i', 'i.id', 'h.instance_id')
      .leftJoin('tasks as t', function () {
        this.on('t.execution_id', '=', 'h.execution_id').andOnVal('t.status', '=', 'open');
      })
      .whereIn('h.definition_id', c.process.definitionIds)
      .where('h.element_id', elementId)
      .whereNull('h.ended_at')
      .where(inScope(c.scope, 'h.department_id'))
      .select(
        'h.instance_id',
        'h.started_at',
        'i.business_key',
        'i.department_id',
        'i.definition_version',
        't.id as task_id',
        't.assignee',
        't.candidate_groups',
        't.due_at',
      )
      .orderBy('h.started_at');
    return mapPage(await page<WaitingInstanceRow>(rows, { offset: 0, limit: q.limit ?? 100 }), toWaitingInstance);
  }

  /**
   * Steps ranked by time lost now (the summed age of their waiting tokens), with waiting versus
   * working time and each person's pace there, so that a manager can tell too few people (long
   * waits to claim), one slow person (one pace far off the others) and a bad step (everyone slow).
   */
  async bottlenecks(q: DashboardQuery, actor: Actor): Promise<Bottlenecks> {
    const c = await this.context(q, actor);
    const [backlog, stats, pace] = await Promise.all([
      this.backlog(c, new Date(this.clock.now())),
      this.rollup.elementStats(c.process.definitionIds, c.scope, c.period.from, c.period.to),
      this.paceByPerson(c),
    ]);
    const rows = this.elementRows(c, backlog, stats)
      .filter((r) => r.tokens > 0 || r.duration.count > 0 || r.working.count > 0)
      .map((r): Bottleneck => {
        const people = pace.get(r.elementId) ?? [];
        return { ...r, timeLostMs: r.ageMs, people, cause: diagnose(r, people) };
      })
      .sort((a, b) => b.timeLostMs - a.timeLostMs || (b.duration.p90Ms ?? 0) - (a.duration.p90Ms ?? 0));
    return { definition: this.describe(c.process), period: wirePeriod(c.period), steps: rows };
  }

  private async paceByPerson(c: Context) {
    const rows = await this.db('tasks')
      .where('status', 'completed')
      .whereIn('definition_id', c.process.definitionIds)
      .where('completed_at', '>=', c.period.from)
      .where('completed_at', '<', c.period.to)
      .where(inScope(c.scope, 'department_id'))
      .whereNotNull('completed_by')
      .select<{ element_id: string; completed_by: string; completed: number | string; avg_work_ms: number | string }[]>(
        'element_id',
        'completed_by',
        this.db.raw('count(*) AS completed'),
        this.db.raw('avg(EXTRACT(EPOCH FROM (completed_at - COALESCE(claimed_at, created_at))) * 1000) AS avg_work_ms'),
      )
      .groupBy('element_id', 'completed_by');
    const result = new Map<string, Pace[]>();
    for (const r of rows) {
      const list = result.get(r.element_id) ?? [];
      list.push({
        username: r.completed_by,
        completed: Number(r.completed),
        avgWorkMs: Math.round(Number(r.avg_work_ms)),
      });
      result.set(r.element_id, list);
    }
    for (const list of result.values()) list.sort((a, b) => b.avgWorkMs - a.avgWorkMs);
    return result;
  }

  /** Open tasks per person and per candidate group in scope (optionally of one process). */
  async workload(
    q: { definitionKey?: string | undefined; departmentId?: string | undefined },
    actor: Actor,
  ): Promise<Workload> {
    const scope = await departmentScope(this.authorization, actor, q.departmentId);
    const now = new Date(this.clock.now());
    const base = () => {
      const b = this.db('tasks as t').where('t.status', 'open').where(inScope(scope, 't.department_id'));
      if (q.definitionKey) b.where('t.definition_key', q.definitionKey);
      return b;
    };
    const [people, groups] = await Promise.all([
      base()
        .whereNotNull('t.assignee')
        .leftJoin('users as u', 'u.username', 't.assignee')
        .select<
          {
            username: string;
            display_name: string | null;
            open: number | string;
            overdue: number | string;
            oldest: Date | string;
          }[]
        >(
          't.assignee as username',
          this.db.raw('max(u.display_name) AS display_name'),
          this.db.raw('count(*) AS open'),
          this.db.raw('count(*) FILTER (WHERE t.due_at < ?) AS overdue', [now]),
          this.db.raw('min(t.created_at) AS oldest'),
        )
        .groupBy('t.assignee')
        .orderBy('open', 'desc')
        .limit(200),
      base()
        .whereNull('t.assignee')
        .select<
          { candidate_group: string; unclaimed: number | string; overdue: number | string; oldest: Date | string }[]
        >(
          this.db.raw('unnest(t.candidate_groups) AS candidate_group'),
          this.db.raw('count(*) AS unclaimed'),
          this.db.raw('count(*) FILTER (WHERE t.due_at < ?) AS overdue', [now]),
          this.db.raw('min(t.created_at) AS oldest'),
        )
        .groupByRaw('1')
        .orderBy('unclaimed', 'desc'),
    ]);
    const num = (v: unknown) => Number(v ?? 0);
    // Candidate groups are role codes; the screen shows the role's name in the reader's language.
    const roles = new Map(
      (
        await this.db('roles')
          .whereIn(
            'code',
            groups.map((g) => g.candidate_group),
          )
          .select<{ code: string; name: string; name_en: string | null }[]>('code', 'name', 'name_en')
      ).map((r) => [r.code, r]),
    );
    return {
      departmentIds: scope.departmentIds,
      people: people.map((p) => ({
        username: p.username,
        displayName: p.display_name,
        open: num(p.open),
        overdue: num(p.overdue),
        oldestCreatedAt: iso(p.oldest),
      })),
      groups: groups.map((g) => ({
        group: g.candidate_group,
        name: roles.get(g.candidate_group)?.name ?? null,
        nameEn: roles.get(g.candidate_group)?.name_en ?? null,
        unclaimed: num(g.unclaimed),
        overdue: num(g.overdue),
        oldestCreatedAt: iso(g.oldest),
      })),
    };
  }
}

const END_STATUSES = ['completed', 'cancelled', 'failed'] as const;
function isEndStatus(status: string): status is (typeof END_STATUSES)[number] {
  return (END_STATUSES as readonly string[]).includes(status);
}

/** A first reading of where time goes at a step; the figures beside it are the evidence. */
export function diagnose(
  step: {
    tokens: number;
    unclaimed: number;
    waiting: { p50Ms: number | null };
    working: { p50Ms: number | null };
    duration: { p50Ms: number | null };
  },
  people: Pace[],
): BottleneckCause {
  const wait = step.waiting.p50Ms ?? 0;
  const work = step.working.p50Ms ?? step.duration.p50Ms ?? 0;
  const counted = people.filter((p) => p.completed >= 2);
  if (counted.length >= 2) {
    const [slowest, ...others] = counted;
    const typical = others.reduce((n, p) => n + p.avgWorkMs, 0) / others.length;
    if (slowest && typical > 0 && slowest.avgWorkMs > 2 * typical)
      return { kind: 'slow-person', username: slowest.username };
  }
  if (wait > work && (step.unclaimed > 0 || wait > 0)) return { kind: 'capacity' };
  if (work > 0) return { kind: 'process-step' };
  return { kind: 'none' };
}
