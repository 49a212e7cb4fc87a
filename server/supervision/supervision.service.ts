import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import { dec } from '../domain/decimal.js';
import type { AuditService } from '../identity/audit.service.js';
import type { Authorization, Scope } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { utilityToday, type Clock } from '../lib/clock.js';
import { decimal, iso, isoDate } from '../lib/contract.js';
import { Conflict, Invalid, NotFound } from '../lib/errors.js';
import { shiftPeriod } from '../marketing/billing-periods.js';
import { mapPage, page, type Page, type PageRequest } from '../workflow/paging.js';
import { escalationsOf } from './escalation-history.js';
import { assertProvince, provincesInSight } from './provinces.js';
import type {
  CustomerHistory,
  Dashboard,
  Industry,
  IndustryList,
  IndustryLists,
  ProvinceList,
  RegisterEntry,
  WarningDetail,
  WarningSummary,
  WarningTask,
} from './supervision.contract.js';

/** Where the caller's reading is limited to: a column's value must be one of the scope's departments. */
function limit(q: Knex.QueryBuilder, column: string, scope: Scope): Knex.QueryBuilder {
  return scope.all ? q : q.whereIn(column, scope.departmentIds);
}

interface IndustryListRow {
  version: number;
  status: IndustryList['status'];
  industries: Industry[] | string;
  note: string | null;
  updated_by: string | null;
  updated_at: Date | string;
  published_by: string | null;
  published_at: Date | string | null;
}

function toIndustryList(row: IndustryListRow): IndustryList {
  return {
    version: row.version,
    status: row.status,
    industries: typeof row.industries === 'string' ? (JSON.parse(row.industries) as Industry[]) : row.industries,
    note: row.note,
    updatedBy: row.updated_by,
    updatedAt: iso(row.updated_at),
    publishedBy: row.published_by,
    publishedAt: iso(row.published_at),
  };
}

export interface WarningRow {
  id: string;
  customer_id: string;
  account_no: string;
  customer_name: string;
  department_id: string;
  province_id: string | null;
  industry: string | null;
  level: WarningSummary['level'];
  rules: string[] | null;
  arrears_total: string;
  status: WarningSummary['status'];
  overdue: boolean;
  escalations: number;
  tactic: number | null;
  deadline_at: Date | string | null;
  opened_at: Date | string;
  reported_at: Date | string | null;
  closed_at: Date | string | null;
  instance_id: string | null;
  measure: string | null;
  evidence: string | null;
  measure_compliant: boolean | null;
  reported_by: string | null;
}

function toWarningSummary(row: WarningRow): WarningSummary {
  return {
    id: row.id,
    customerId: row.customer_id,
    accountNo: row.account_no,
    customerName: row.customer_name,
    departmentId: row.department_id,
    provinceId: row.province_id,
    industry: row.industry,
    level: row.level,
    rules: row.rules ?? [],
    arrearsTotal: decimal(row.arrears_total),
    status: row.status,
    overdue: row.overdue,
    escalations: row.escalations,
    tactic: row.tactic,
    deadlineAt: iso(row.deadline_at),
    openedAt: iso(row.opened_at),
    reportedAt: iso(row.reported_at),
    closedAt: iso(row.closed_at),
    instanceId: row.instance_id,
  };
}

export type WarningState = 'all' | 'open' | 'overdue' | 'answered' | 'closed';

export interface RegisterFilter {
  date?: string | undefined;
  provinceId?: string | undefined;
  industry?: string | undefined;
  level?: 'A' | 'B' | 'C' | undefined;
  minArrears?: string | undefined;
}

/** (cfg) The daily HQ list's threshold (DOMAIN.md §7). */
export const BIG_ARREARS_YUAN = '1000000';

/**
 * HQ supervision of high-risk customers (DOMAIN.md §7) as the screens read it: the versioned
 * industry list, the register with a customer's history, warning orders with their timeline and
 * the daily dashboard. Reading is `risk:read` over the caller's department subtree (a province
 * its province, a county its county); HQ's changes are `risk:manage` and audited.
 */
export class SupervisionService {
  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private scope(actor: Actor): Promise<Scope> {
    return this.authorization.scope(actor, 'risk', 'read');
  }

  // ---- the industry list ---------------------------------------------------------------------

  async industries(actor: Actor): Promise<IndustryLists> {
    const rows = (await this.db('risk_industry_lists').orderBy('version', 'desc')) as IndustryListRow[];
    const lists = rows.map(toIndustryList);
    // The draft is HQ's work in progress: only those who may publish it see it.
    const manages = await this.authorization.can(actor, 'risk', 'manage');
    return {
      published: lists.find((l) => l.status === 'published') ?? null,
      draft: manages ? (lists.find((l) => l.status === 'draft') ?? null) : null,
      versions: lists
        .filter((l) => manages || l.status !== 'draft')
        .map(({ version, status, publishedBy, publishedAt }) => ({ version, status, publishedBy, publishedAt })),
    };
  }

  /** Writes HQ's draft (a new version after the published one when there is none yet). */
  async saveDraft(input: { industries: Industry[]; note?: string | undefined }, actor: Actor): Promise<IndustryList> {
    const seen = new Set<string>();
    for (const [i, industry] of input.industries.entries()) {
      if (seen.has(industry.code)) {
        throw new Invalid('DUPLICATE_INDUSTRY', `industry ${industry.code} is listed twice`, [
          { field: `body.industries.${i}.code`, reason: 'duplicate', message: `${industry.code} is listed twice` },
        ]);
      }
      seen.add(industry.code);
    }
    const industries = [...input.industries].sort((a, b) => a.code.localeCompare(b.code));
    return this.db.transaction(async (trx) => {
      const now = new Date(this.clock.now());
      const draft = await trx('risk_industry_lists')
        .where({ status: 'draft' })
        .forUpdate()
        .first<{ version: number } | undefined>('version');
      let version: number;
      if (draft) {
        version = draft.version;
        await trx('risk_industry_lists')
          .where({ version })
          .update({
            industries: JSON.stringify(industries),
            note: input.note ?? null,
            updated_by: actor.username,
            updated_at: now,
          });
      } else {
        const max = (await trx('risk_industry_lists').max({ v: 'version' }).first()) as { v: number | null };
        version = Number(max.v ?? 0) + 1;
        await trx('risk_industry_lists').insert({
          version,
          status: 'draft',
          industries: JSON.stringify(industries),
          note: input.note ?? null,
          updated_by: actor.username,
          updated_at: now,
          created_at: now,
        });
      }
      await this.audit.record(
        actor,
        'risk-industries.draft',
        'risk-industry-list',
        String(version),
        {
          industries: industries.length,
        },
        undefined,
        trx,
      );
      return toIndustryList((await trx('risk_industry_lists').where({ version }).first()) as IndustryListRow);
    });
  }

  /** Publishes HQ's draft: it becomes the list the provinces read and the screening uses. */
  async publish(actor: Actor): Promise<IndustryList> {
    return this.db.transaction(async (trx) => {
      const draft = await trx('risk_industry_lists')
        .where({ status: 'draft' })
        .forUpdate()
        .first<{ version: number } | undefined>('version');
      if (!draft) throw new Conflict('NO_DRAFT', 'there is no draft of the industry list to publish');
      const now = new Date(this.clock.now());
      await trx('risk_industry_lists').where({ status: 'published' }).update({ status: 'superseded' });
      await trx('risk_industry_lists')
        .where({ version: draft.version })
        .update({ status: 'published', published_by: actor.username, published_at: now, updated_at: now });
      await this.audit.record(
        actor,
        'risk-industries.publish',
        'risk-industry-list',
        String(draft.version),
        {},
        undefined,
        trx,
      );
      return toIndustryList(
        (await trx('risk_industry_lists').where({ version: draft.version }).first()) as IndustryListRow,
      );
    });
  }

  // ---- the register --------------------------------------------------------------------------

  /** The provinces of the department tree in the caller's sight (the province filter). */
  async provinces(actor: Actor): Promise<ProvinceList> {
    return { items: await provincesInSight(this.db, await this.scope(actor)) };
  }

  private async latestScreening(): Promise<string | null> {
    const row = await this.db('risk_screenings')
      .max({ d: 'screen_date' })
      .first<{ d: Date | string | null } | undefined>();
    return row?.d ? isoDate(row.d) : null;
  }

  async register(
    filter: RegisterFilter,
    request: PageRequest,
    actor: Actor,
  ): Promise<Page<RegisterEntry> & { date: string | null }> {
    if (filter.provinceId) await assertProvince(this.db, filter.provinceId);
    const date = filter.date ?? (await this.latestScreening());
    if (!date)
      return {
        items: [],
        total: 0,
        totalCapped: false,
        offset: request.offset,
        limit: request.limit,
        hasMore: false,
        date,
      };
    const scope = await this.scope(actor);
    const q = this.db('risk_screenings as s')
      .join('customers as c', 'c.id', 's.customer_id')
      .leftJoin('risk_warnings as w', (j) => {
        j.on('w.customer_id', 's.customer_id').andOn(this.db.raw("w.status <> 'closed'"));
      })
      .where('s.screen_date', date)
      .whereNotNull('s.level')
      .where((w) => {
        w.whereNull('s.group_root_id').orWhereRaw('s.group_root_id = s.customer_id');
      })
      .select(
        's.customer_id',
        'c.account_no',
        'c.name',
        's.department_id',
        's.province_id',
        's.industry',
        's.level',
        's.rules',
        this.db.raw('s.arrears_current_year::text as arrears_current_year'),
        this.db.raw('s.arrears_prior_years::text as arrears_prior_years'),
        this.db.raw('s.arrears_total::text as arrears_total'),
        'w.id as warning_id',
        'w.status as warning_status',
      )
      .orderBy([{ column: 's.level' }, { column: 's.arrears_total', order: 'desc' }, { column: 'c.account_no' }]);
    limit(q, 's.department_id', scope);
    if (filter.provinceId) q.where('s.province_id', filter.provinceId);
    if (filter.industry) q.where('s.industry', filter.industry);
    if (filter.level) q.where('s.level', filter.level);
    if (filter.minArrears) q.where('s.arrears_total', '>=', filter.minArrears);
    type Row = {
      customer_id: string;
      account_no: string;
      name: string;
      department_id: string;
      province_id: string | null;
      industry: string | null;
      level: RegisterEntry['level'];
      rules: string[] | null;
      arrears_current_year: string;
      arrears_prior_years: string;
      arrears_total: string;
      warning_id: string | null;
      warning_status: string | null;
    };
    const found = mapPage(await page<Row>(q, request), (r) => ({
      customerId: r.customer_id,
      accountNo: r.account_no,
      name: r.name,
      departmentId: r.department_id,
      provinceId: r.province_id,
      industry: r.industry,
      level: r.level,
      rules: r.rules ?? [],
      arrearsCurrentYear: decimal(r.arrears_current_year),
      arrearsPriorYears: decimal(r.arrears_prior_years),
      arrearsTotal: decimal(r.arrears_total),
      openWarningId: r.warning_id,
      openWarningStatus: r.warning_status,
    }));
    return { ...found, date };
  }

  /** A customer's consumption and recovery over 24 months, its last screening and its orders. */
  async customer(customerId: string, actor: Actor): Promise<CustomerHistory> {
    const scope = await this.scope(actor);
    const c = await limit(this.db('customers').where({ id: customerId }), 'department_id', scope).first<
      | {
          id: string;
          account_no: string;
          name: string;
          department_id: string;
          hue_trade_type_code: string | null;
          ess_policy: string | null;
          production_status: string | null;
          credit_grade: string;
          group_parent_id: string | null;
        }
      | undefined
    >();
    if (!c) throw new NotFound('customer', customerId);
    const month = utilityToday(this.clock).slice(0, 7);
    const from = shiftPeriod(month, -24);
    const bills = (
      await this.db.raw<{
        rows: {
          period: string;
          kwh: string | null;
          billed: string;
          paid: string;
          due_date: Date | string;
          paid_on: Date | string | null;
          status: string;
        }[];
      }>(
        `SELECT b.period, sum(b.consumption_kwh) FILTER (WHERE b.kind = 'energy')::text AS kwh,
                sum(b.total)::text AS billed, sum(b.paid_amount)::text AS paid, min(b.due_date) AS due_date,
                max((SELECT max(p.paid_at) FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
                      WHERE a.bill_id = b.id AND p.kind = 'payment'))::date AS paid_on,
                CASE WHEN bool_or(b.status IN ('issued', 'partly_paid')) THEN 'open' ELSE 'settled' END AS status
           FROM bills b
          WHERE b.customer_id = ? AND b.period >= ? AND b.period <= ? AND b.status <> 'written_off'
          GROUP BY b.period ORDER BY b.period`,
        [customerId, from, month],
      )
    ).rows;
    const today = utilityToday(this.clock);
    const recovery = bills.map((b) => {
      const due = isoDate(b.due_date);
      const paidOn = b.paid_on ? isoDate(b.paid_on) : null;
      const late = b.status === 'open' ? due < today : paidOn !== null && paidOn > due;
      return { period: b.period, billed: decimal(b.billed), paid: decimal(b.paid), dueDate: due, paidOn, late };
    });
    const screening = await this.db('risk_screenings')
      .where({ customer_id: customerId })
      .orderBy('screen_date', 'desc')
      .first<
        | {
            screen_date: Date | string;
            level: 'A' | 'B' | 'C' | null;
            rules: string[] | null;
            arrears_current_year: string;
            arrears_prior_years: string;
            arrears_total: string;
          }
        | undefined
      >(
        'screen_date',
        'level',
        'rules',
        this.db.raw('arrears_current_year::text as arrears_current_year'),
        this.db.raw('arrears_prior_years::text as arrears_prior_years'),
        this.db.raw('arrears_total::text as arrears_total'),
      );
    const warnings = (await this.warningQuery()
      .where('w.customer_id', customerId)
      .orderBy('w.opened_at', 'desc')) as WarningRow[];
    return {
      customerId: c.id,
      accountNo: c.account_no,
      name: c.name,
      departmentId: c.department_id,
      industry: c.hue_trade_type_code,
      policyCategory: c.ess_policy,
      productionStatus: c.production_status,
      creditGrade: c.credit_grade,
      groupParentId: c.group_parent_id,
      screening: screening
        ? {
            date: isoDate(screening.screen_date),
            level: screening.level,
            rules: screening.rules ?? [],
            arrearsCurrentYear: decimal(screening.arrears_current_year),
            arrearsPriorYears: decimal(screening.arrears_prior_years),
            arrearsTotal: decimal(screening.arrears_total),
          }
        : null,
      consumption: bills
        .filter((b) => b.kwh !== null)
        .map((b) => ({ period: b.period, kwh: decimal(b.kwh as string) })),
      recovery,
      latePayments: recovery.filter((r) => r.late).length,
      warnings: warnings.map(toWarningSummary),
    };
  }

  // ---- warning orders ------------------------------------------------------------------------

  private warningQuery() {
    return this.db('risk_warnings as w')
      .join('customers as c', 'c.id', 'w.customer_id')
      .select(
        'w.id',
        'w.customer_id',
        'w.account_no',
        'c.name as customer_name',
        'w.department_id',
        'w.province_id',
        'w.industry',
        'w.level',
        'w.rules',
        this.db.raw('w.arrears_total::text as arrears_total'),
        'w.status',
        'w.overdue',
        'w.escalations',
        'w.tactic',
        'w.deadline_at',
        'w.opened_at',
        'w.reported_at',
        'w.closed_at',
        'w.instance_id',
        'w.measure',
        'w.evidence',
        'w.measure_compliant',
        'w.reported_by',
      );
  }

  /** A warning in the caller's sight: its department, or (a group's) one of its provinces, in scope. */
  private scoped(q: Knex.QueryBuilder, scope: Scope): Knex.QueryBuilder {
    if (scope.all) return q;
    return q.where((w) => {
      w.whereIn('w.department_id', scope.departmentIds).orWhereExists(
        this.db('risk_warning_provinces as p')
          .whereRaw('p.warning_id = w.id')
          .whereIn('p.province_id', scope.departmentIds)
          .select(this.db.raw('1')),
      );
    });
  }

  async warnings(
    filter: { state: WarningState; provinceId?: string | undefined; level?: 'A' | 'B' | 'C' | undefined },
    request: PageRequest,
    actor: Actor,
  ): Promise<Page<WarningSummary>> {
    if (filter.provinceId) await assertProvince(this.db, filter.provinceId);
    const scope = await this.scope(actor);
    const q = this.scoped(this.warningQuery(), scope).orderBy([
      { column: 'w.opened_at', order: 'desc' },
      { column: 'w.id' },
    ]);
    if (filter.state === 'open') q.whereIn('w.status', ['open', 'escalated']);
    if (filter.state === 'answered') q.where('w.status', 'reported');
    if (filter.state === 'closed') q.where('w.status', 'closed');
    if (filter.state === 'overdue') q.where('w.overdue', true).whereNot('w.status', 'closed');
    if (filter.provinceId) q.where('w.province_id', filter.provinceId);
    if (filter.level) q.where('w.level', filter.level);
    return mapPage(await page<WarningRow>(q, request), toWarningSummary);
  }

  async warning(id: string, actor: Actor): Promise<WarningDetail> {
    const scope = await this.scope(actor);
    const row = (await this.scoped(this.warningQuery().where('w.id', id), scope).first()) as WarningRow | undefined;
    if (!row) throw new NotFound('warning', id);
    type TaskRow = {
      id: string;
      instance_id: string;
      element_id: string;
      name: string | null;
      status: string;
      department_id: string | null;
      assignee: string | null;
      candidate_groups: string[] | null;
      created_at: Date | string;
      due_at: Date | string | null;
      completed_at: Date | string | null;
      completed_by: string | null;
    };
    const tasks = row.instance_id
      ? ((await limit(
          this.db('tasks as t')
            .join('process_instances as i', 'i.id', 't.instance_id')
            .where((w) => {
              w.where('i.id', row.instance_id).orWhere('i.root_instance_id', row.instance_id);
            })
            .whereNot('t.status', 'cancelled')
            .orderBy([{ column: 't.created_at' }, { column: 't.id' }])
            .select(
              't.id',
              't.instance_id',
              't.element_id',
              't.name',
              't.status',
              't.department_id',
              't.assignee',
              't.candidate_groups',
              't.created_at',
              't.due_at',
              't.completed_at',
              't.completed_by',
            ),
          't.department_id',
          scope,
        )) as TaskRow[])
      : [];
    const toTask = (t: TaskRow): WarningTask => ({
      id: t.id,
      instanceId: t.instance_id,
      elementId: t.element_id,
      name: t.name,
      status: t.status,
      departmentId: t.department_id,
      assignee: t.assignee,
      candidateGroups: t.candidate_groups ?? [],
      createdAt: iso(t.created_at),
      dueAt: iso(t.due_at),
      completedAt: iso(t.completed_at),
      completedBy: t.completed_by,
    });
    const provinces = (await limit(
      this.db('risk_warning_provinces').where({ warning_id: id }).orderBy('province_id'),
      'province_id',
      scope,
    )) as { province_id: string; status: string; overdue: boolean; tactic: number | null }[];
    const timeline: WarningDetail['timeline'] = [
      { at: iso(row.opened_at), kind: 'opened', what: row.level, who: null },
    ];
    for (const t of tasks) {
      timeline.push({
        at: iso(t.created_at),
        kind: 'task-created',
        what: t.name ?? t.element_id,
        who: t.department_id,
      });
      if (t.completed_at)
        timeline.push({
          at: iso(t.completed_at),
          kind: 'task-completed',
          what: t.name ?? t.element_id,
          who: t.completed_by,
        });
    }
    const escalationHistory = await escalationsOf(this.db, id);
    for (const e of escalationHistory)
      timeline.push({ at: e.escalatedAt, kind: 'escalated', what: e.reason, who: e.escalatedBy });
    if (row.closed_at) timeline.push({ at: iso(row.closed_at), kind: 'closed', what: null, who: null });
    timeline.sort((a, b) => a.at.localeCompare(b.at));
    return {
      ...toWarningSummary(row),
      measure: row.measure,
      evidence: row.evidence,
      measureCompliant: row.measure_compliant,
      reportedBy: row.reported_by,
      openTasks: tasks.filter((t) => t.status === 'open').map(toTask),
      provinces: provinces.map((p) => ({
        provinceId: p.province_id,
        status: p.status,
        overdue: p.overdue,
        tactic: p.tactic,
      })),
      timeline,
      escalationHistory,
    };
  }

  /** The register entry HQ may issue an order for (in scope, on the latest screening, high-risk). */
  async issuable(customerId: string, actor: Actor): Promise<void> {
    const scope = await this.scope(actor);
    const date = await this.latestScreening();
    const entry = date
      ? await limit(
          this.db('risk_screenings').where({ screen_date: date, customer_id: customerId }).whereNotNull('level'),
          'department_id',
          scope,
        ).first<{ customer_id: string } | undefined>('customer_id')
      : undefined;
    if (!entry) throw new NotFound('register entry', customerId);
    const open = await this.db('risk_warnings')
      .where({ customer_id: customerId })
      .whereNot('status', 'closed')
      .first<{ id: string } | undefined>('id');
    if (open)
      throw new Conflict('WARNING_OPEN', 'the customer already has an open warning order', { warningId: open.id });
  }

  // ---- the dashboard -------------------------------------------------------------------------

  async dashboard(date: string | undefined, actor: Actor): Promise<Dashboard> {
    const day =
      date ??
      ((await this.db('risk_daily_stats').max({ d: 'stat_date' }).first()) as { d: Date | string | null } | undefined)
        ?.d;
    const statDate = day ? isoDate(day) : null;
    const zero = { highRisk: 0, openWarnings: 0, overdueWarnings: 0 };
    if (!statDate)
      return { date: null, totals: zero, byProvince: [], byIndustry: [], byLevel: [], trend: [], bigArrears: [] };
    const scope = await this.scope(actor);
    type StatRow = {
      key: string;
      high_risk: string | number;
      open_warnings: string | number;
      overdue_warnings: string | number;
    };
    const sums = (column: string) =>
      limit(
        this.db('risk_daily_stats')
          .where({ stat_date: statDate })
          .groupBy(column)
          .orderBy(column)
          .select(
            `${column} as key`,
            this.db.raw('sum(high_risk)::int as high_risk'),
            this.db.raw('sum(open_warnings)::int as open_warnings'),
            this.db.raw('sum(overdue_warnings)::int as overdue_warnings'),
          ),
        'province_id',
        scope,
      ) as Promise<StatRow[]>;
    const counts = (r: StatRow) => ({
      key: r.key,
      highRisk: Number(r.high_risk),
      openWarnings: Number(r.open_warnings),
      overdueWarnings: Number(r.overdue_warnings),
    });
    const [provinceRows, industryRows, levelRows] = await Promise.all([
      sums('province_id'),
      sums('industry'),
      sums('level'),
    ]);
    const byProvince = provinceRows.map(counts);
    const byIndustry = industryRows.map(counts);
    const byLevel = levelRows.map(counts);
    const trendFrom = new Date(Date.parse(`${statDate}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    const trend = (await limit(
      this.db('risk_daily_stats')
        .whereBetween('stat_date', [trendFrom, statDate])
        .groupBy('stat_date')
        .orderBy('stat_date')
        .select(
          'stat_date as key',
          this.db.raw('sum(high_risk)::int as high_risk'),
          this.db.raw('sum(open_warnings)::int as open_warnings'),
          this.db.raw('sum(overdue_warnings)::int as overdue_warnings'),
        ),
      'province_id',
      scope,
    )) as (Omit<StatRow, 'key'> & { key: Date | string })[];
    const big = (await limit(
      this.db('risk_screenings as s')
        .join('customers as c', 'c.id', 's.customer_id')
        .where('s.screen_date', statDate)
        .where('s.arrears_total', '>=', BIG_ARREARS_YUAN)
        .where((w) => {
          w.whereNull('s.group_root_id').orWhereRaw('s.group_root_id = s.customer_id');
        })
        .orderBy([{ column: 's.industry' }, { column: 's.arrears_total', order: 'desc' }, { column: 'c.account_no' }])
        .limit(1000)
        .select(
          's.customer_id',
          'c.account_no',
          'c.name',
          's.province_id',
          's.industry',
          's.level',
          this.db.raw('s.arrears_current_year::text as cy'),
          this.db.raw('s.arrears_prior_years::text as py'),
          this.db.raw('s.arrears_total::text as total'),
        ),
      's.department_id',
      scope,
    )) as {
      customer_id: string;
      account_no: string;
      name: string;
      province_id: string | null;
      industry: string | null;
      level: 'A' | 'B' | 'C' | null;
      cy: string;
      py: string;
      total: string;
    }[];
    const groups = new Map<string, Dashboard['bigArrears'][number]>();
    for (const r of big) {
      const key = r.industry ?? '-';
      const g = groups.get(key) ?? {
        industry: key,
        arrearsCurrentYear: '0.00',
        arrearsPriorYears: '0.00',
        customers: [],
      };
      g.arrearsCurrentYear = dec(g.arrearsCurrentYear).plus(r.cy).toFixed(2);
      g.arrearsPriorYears = dec(g.arrearsPriorYears).plus(r.py).toFixed(2);
      g.customers.push({
        customerId: r.customer_id,
        accountNo: r.account_no,
        name: r.name,
        provinceId: r.province_id,
        level: r.level,
        arrearsCurrentYear: decimal(r.cy),
        arrearsPriorYears: decimal(r.py),
        arrearsTotal: decimal(r.total),
      });
      groups.set(key, g);
    }
    const sum = (k: 'highRisk' | 'openWarnings' | 'overdueWarnings') => byLevel.reduce((n, r) => n + r[k], 0);
    return {
      date: statDate,
      totals: { highRisk: sum('highRisk'), openWarnings: sum('openWarnings'), overdueWarnings: sum('overdueWarnings') },
      byProvince,
      byIndustry,
      byLevel,
      trend: trend.map((r) => ({
        date: isoDate(r.key),
        highRisk: Number(r.high_risk),
        openWarnings: Number(r.open_warnings),
        overdueWarnings: Number(r.overdue_warnings),
      })),
      bigArrears: [...groups.values()],
    };
  }
}
