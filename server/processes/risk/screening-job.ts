import { randomUUID } from 'node:crypto';
import { addDays, chinaWorkingCalendar, endOfShanghaiDay } from '../../domain/calendar/index.js';
import { dec } from '../../domain/decimal.js';
import {
  DEFAULT_RISK_CONFIG,
  groupPlacement,
  provinceOfPath,
  rollUpGroupArrears,
  screenHighRisk,
  type CreditGrade,
  type EssPolicyCode,
  type HueTradeTypeCode,
  type ProductionStatus,
  type RiskLevel,
  type RiskScreeningConfig,
  type RiskScreeningResult,
} from '../../domain/risk/index.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { isoDate } from '../../lib/contract.js';
import { shiftPeriod } from '../../marketing/billing-periods.js';
import type { ProcessContext } from '../context.js';

export const WARNING_PROCESS = 'high-risk-warning';

/** (cfg) Working days to report a measure where DOMAIN.md §7 sets none (levels B and C). */
export const MEASURE_WD: Record<RiskLevel, number> = { A: 10, B: 20, C: 20 };

const LEVEL_ORDER: Record<RiskLevel, number> = { A: 0, B: 1, C: 2 };

/** (cfg) Days after HQ closes a warning before the screening may open one of the same level again. */
export const REOPEN_AFTER_DAYS = 30;

interface ScreenRow {
  id: string;
  account_no: string;
  name: string;
  department_id: string;
  path: string;
  group_parent_id: string | null;
  ess_policy: string | null;
  hue_trade_type_code: string | null;
  production_status: string | null;
  on_dishonest_list: boolean;
  credit_grade: string;
  cy: string;
  py: string;
  oldest_cy_period: string | null;
  late: number;
  kwh1: string | null;
  kwh2: string | null;
  kwh13: string | null;
  kwh14: string | null;
}

export interface Screened {
  row: ScreenRow;
  result: RiskScreeningResult;
  arrears: { currentYear: string; priorYears: string; total: string };
  groupRootId: string | null;
  /**
   * A group's top parent: the provinces its member accounts sit in and the deepest department
   * holding them all (group-rollup.ts groupPlacement); absent for everyone else.
   */
  group?: { provinces: string[]; departmentId: string | null };
}

const provinceOf = provinceOfPath;

/**
 * The nightly high-risk screening at headquarters (DOMAIN.md §7): every non-residential customer
 * is screened against H1–H8 on its arrears, payment record and consumption; a group's arrears
 * roll up to its top parent, which carries the group's order. Writes the day's screening rows,
 * opens one `high-risk-warning` instance per high-risk customer without an open warning, and
 * computes the day's statistics by province, industry and level.
 */
export async function runRiskScreening(ctx: ProcessContext, date: string) {
  const screened = await screenAll(ctx, date);
  await ctx.db.transaction(async (trx) => {
    await trx('risk_screenings').where({ screen_date: date }).delete();
    for (let i = 0; i < screened.length; i += 500) {
      await trx('risk_screenings').insert(
        screened.slice(i, i + 500).map((s) => ({
          screen_date: date,
          customer_id: s.row.id,
          department_id: s.row.department_id,
          province_id: provinceOf(s.row.path),
          industry: s.row.hue_trade_type_code,
          level: s.result.level,
          rules: s.result.rules,
          arrears_current_year: s.arrears.currentYear,
          arrears_prior_years: s.arrears.priorYears,
          arrears_total: s.arrears.total,
          group_root_id: s.groupRootId,
        })),
      );
    }
  });
  let opened = 0;
  for (const s of screened) {
    if (!s.result.level || (s.groupRootId && s.groupRootId !== s.row.id)) continue;
    if (await openWarning(ctx, date, s)) opened += 1;
  }
  await markOverdue(ctx, date);
  await computeStatistics(ctx, date);
  return {
    screened: screened.length,
    highRisk: screened.filter((s) => s.result.level).length,
    warningsOpened: opened,
  };
}

async function screenAll(ctx: ProcessContext, date: string): Promise<Screened[]> {
  const month = date.slice(0, 7);
  const year = date.slice(0, 4);
  const p = (n: number) => shiftPeriod(month, -n);
  const kwh = (alias: string) =>
    `(SELECT consumption_kwh::text FROM bills k WHERE k.customer_id = c.id AND k.period = ? AND k.kind = 'energy' AND k.status <> 'written_off') AS ${alias}`;
  const rows = await ctx.db.raw<{ rows: ScreenRow[] }>(
    `SELECT c.id, c.account_no, c.name, c.department_id, d.path, c.group_parent_id, c.ess_policy, c.hue_trade_type_code,
            c.production_status, c.credit_grade,
            coalesce(c.dishonest_listed_on <= ?::date, false) AS on_dishonest_list,
            coalesce(sum(b.total - b.paid_amount) FILTER (WHERE substr(b.period, 1, 4) >= ?), 0)::text AS cy,
            coalesce(sum(b.total - b.paid_amount) FILTER (WHERE substr(b.period, 1, 4) < ?), 0)::text AS py,
            min(b.period) FILTER (WHERE substr(b.period, 1, 4) >= ? AND b.due_date < ?::date) AS oldest_cy_period,
            (SELECT count(*)::int FROM bills l
              WHERE l.customer_id = c.id AND l.due_date >= (?::date - 365) AND l.due_date < ?::date
                AND ((l.status IN ('issued', 'partly_paid'))
                     OR (SELECT max(p.paid_at) FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
                          WHERE a.bill_id = l.id AND p.kind = 'payment') > (l.due_date + 1)::timestamptz)) AS late,
            ${kwh('kwh1')}, ${kwh('kwh2')}, ${kwh('kwh13')}, ${kwh('kwh14')}
       FROM customers c
       JOIN departments d ON d.id = c.department_id
       LEFT JOIN bills b ON b.customer_id = c.id AND b.status IN ('issued', 'partly_paid')
      WHERE c.status <> 'closed' AND c.elec_type_code NOT IN ('000', '200', '201', '202')
      GROUP BY c.id, d.path`,
    [date, year, year, year, date, date, date, p(1), p(2), p(13), p(14)],
  );
  const config = await screeningConfig(ctx);
  const byId = new Map(rows.rows.map((r) => [r.id, r]));
  // DOMAIN.md §7: a group's arrears roll up the parent/child tree to the top parent.
  const members = rows.rows.filter(
    (r) => r.group_parent_id !== null || rows.rows.some((o) => o.group_parent_id === r.id),
  );
  const inGroup = members.filter((m) => m.group_parent_id === null || byId.has(m.group_parent_id));
  const rolled = new Map(
    rollUpGroupArrears(
      inGroup.map((m) => ({
        customerId: m.id,
        parentId: m.group_parent_id && byId.has(m.group_parent_id) ? m.group_parent_id : null,
        arrears: { currentYear: m.cy, priorYears: m.py },
      })),
    ).map((r) => [r.customerId, r]),
  );
  const screened = rows.rows.map((row): Screened => {
    const group = rolled.get(row.id);
    const arrears = group
      ? group.subtree
      : { currentYear: row.cy, priorYears: row.py, total: dec(row.cy).plus(row.py).toFixed(2) };
    const result = screenHighRisk(
      {
        policyCategory: (row.ess_policy as EssPolicyCode | null) ?? null,
        industry: (row.hue_trade_type_code as HueTradeTypeCode | null) ?? null,
        productionStatus: (row.production_status as ProductionStatus | null) ?? 'normal',
        arrears: { currentYear: arrears.currentYear, priorYears: arrears.priorYears },
        currentYearArrearsAgeMonths: row.oldest_cy_period ? monthsBetween(row.oldest_cy_period, month) : 0,
        creditGrade: row.credit_grade as CreditGrade,
        latePaymentsLast12Months: Number(row.late),
        consumption: [
          { kwh: row.kwh1 ?? '0', sameMonthLastYearKwh: row.kwh13 ?? '0' },
          { kwh: row.kwh2 ?? '0', sameMonthLastYearKwh: row.kwh14 ?? '0' },
        ],
        onDishonestList: row.on_dishonest_list,
      },
      config,
    );
    return { row, result, arrears, groupRootId: group ? group.rootId : null };
  });
  // DOMAIN.md §7: the group's order fans out to every province its member accounts sit in.
  const placement = groupPlacement(
    inGroup.flatMap((m) => {
      const group = rolled.get(m.id);
      return group ? [{ rootId: group.rootId, departmentPath: m.path }] : [];
    }),
  );
  for (const s of screened) {
    const group = s.groupRootId === s.row.id ? placement.get(s.row.id) : undefined;
    if (group) s.group = group;
  }
  // The top parent carries the group's order: the most severe level and every rule of its members.
  for (const s of screened) {
    if (!s.groupRootId || s.groupRootId === s.row.id || !s.result.level) continue;
    const root = screened.find((r) => r.row.id === s.groupRootId);
    if (!root) continue;
    const level: RiskLevel =
      root.result.level && LEVEL_ORDER[root.result.level] <= LEVEL_ORDER[s.result.level]
        ? root.result.level
        : s.result.level;
    const rules = [...new Set([...root.result.rules, ...s.result.rules])].sort();
    root.result = {
      ...root.result,
      highRisk: true,
      level,
      rules,
      requiredMeasure: DEFAULT_RISK_CONFIG.measures[level],
    };
  }
  return screened;
}

/**
 * The screening's thresholds with H2's differential-price industries taken from the industry list
 * HQ published (risk_industry_lists); DOMAIN.md's list when none is published.
 */
async function screeningConfig(ctx: ProcessContext): Promise<RiskScreeningConfig> {
  const published = await ctx
    .db('risk_industry_lists')
    .where({ status: 'published' })
    .first<{ industries: { code: string; differentialPrice: boolean }[] | string } | undefined>('industries');
  if (!published) return DEFAULT_RISK_CONFIG;
  const list =
    typeof published.industries === 'string'
      ? (JSON.parse(published.industries) as { code: string; differentialPrice: boolean }[])
      : published.industries;
  return {
    ...DEFAULT_RISK_CONFIG,
    differentialIndustries: list.filter((i) => i.differentialPrice).map((i) => i.code as HueTradeTypeCode),
  };
}

function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  return ((ty ?? 0) - (fy ?? 0)) * 12 + ((tm ?? 0) - (fm ?? 0));
}

const calendar = chinaWorkingCalendar({ unconfiguredYears: 'weekends-only' });

/**
 * Opens the warning order of a screened customer; the id of the order, or null when it already
 * has an open one (or, at night, HQ closed one of this level lately; HQ issuing it by hand is not
 * held back by that).
 */
async function openWarning(ctx: ProcessContext, date: string, s: Screened, byHand = false): Promise<string | null> {
  const level = s.result.level as RiskLevel;
  const open = await ctx
    .db('risk_warnings')
    .where({ customer_id: s.row.id })
    .whereNot('status', 'closed')
    .first<{ id: string } | undefined>('id');
  if (open) return null;
  // HQ closed a warning of this level (or a more severe one) lately: not reopened every night.
  const closed = (await ctx
    .db('risk_warnings')
    .where({ customer_id: s.row.id, status: 'closed' })
    .where('closed_at', '>=', endOfShanghaiDay(addDays(date, -REOPEN_AFTER_DAYS)))
    .pluck('level')) as RiskLevel[];
  if (!byHand && closed.some((l) => LEVEL_ORDER[l] <= LEVEL_ORDER[level])) return null;
  // Provisional: the process decides the level and the measure's deadline (processes/decisions/high-risk-level.dmn).
  const measureDueAt = measureDueAtFor(date, measureDeadlineWd(level));
  const warningId = randomUUID();
  await ctx.db('risk_warnings').insert({
    id: warningId,
    customer_id: s.row.id,
    account_no: s.row.account_no,
    department_id: s.row.department_id,
    province_id: provinceOf(s.row.path),
    industry: s.row.hue_trade_type_code,
    level,
    rules: s.result.rules,
    arrears_total: s.arrears.total,
    screen_date: date,
    deadline_at: measureDueAt,
    opened_at: new Date(ctx.clock.now()),
  });
  // A group across provinces is HQ's order (the department holding them all), one child per province.
  const provinces = s.group?.provinces ?? [provinceOf(s.row.path)];
  const departmentId = provinces.length > 1 ? (s.group?.departmentId ?? s.row.department_id) : s.row.department_id;
  const started = await ctx.ports.instances.start(
    {
      definitionKey: WARNING_PROCESS,
      businessKey: s.row.account_no,
      departmentId,
      variables: {
        warningId,
        customerId: s.row.id,
        accountNo: s.row.account_no,
        customerName: s.row.name,
        screenedLevel: level,
        rules: s.result.rules.join(', '),
        // What the process's level table reads (DOMAIN.md §7 rules H1–H8 and the total arrears).
        ruleCodes: s.result.rules,
        totalArrears: Number(s.arrears.total),
        arrears: s.arrears.total,
        arrearsCurrentYear: s.arrears.currentYear,
        arrearsPriorYears: s.arrears.priorYears,
        screenedOn: date,
        industry: s.row.hue_trade_type_code,
        provinceId: provinceOf(s.row.path),
        provinces,
        provinceCount: provinces.length,
        escalations: 0,
      },
    },
    SYSTEM_ACTOR,
  );
  await ctx.db('risk_warnings').where({ id: warningId }).update({ instance_id: started.id });
  return warningId;
}

/**
 * HQ issues a warning order by hand for a customer on the day's register (its latest screening,
 * high-risk): the same order the nightly screening opens, with the same level, rules, arrears and
 * (for a group's top parent) provinces. The order's id, or null when the customer already has one open.
 */
export async function issueWarning(ctx: ProcessContext, customerId: string): Promise<string | null> {
  const found = await ctx
    .db('risk_screenings as s')
    .join('customers as c', 'c.id', 's.customer_id')
    .join('departments as d', 'd.id', 'c.department_id')
    .where('s.customer_id', customerId)
    .whereNotNull('s.level')
    .orderBy('s.screen_date', 'desc')
    .first<
      | {
          screen_date: Date | string;
          level: RiskLevel;
          rules: string[];
          group_root_id: string | null;
          cy: string;
          py: string;
          total: string;
          id: string;
          account_no: string;
          name: string;
          department_id: string;
          path: string;
          hue_trade_type_code: string | null;
        }
      | undefined
    >(
      's.screen_date',
      's.level',
      's.rules',
      's.group_root_id',
      ctx.db.raw('s.arrears_current_year::text as cy'),
      ctx.db.raw('s.arrears_prior_years::text as py'),
      ctx.db.raw('s.arrears_total::text as total'),
      'c.id',
      'c.account_no',
      'c.name',
      'c.department_id',
      'd.path',
      'c.hue_trade_type_code',
    );
  if (!found) return null;
  const date = isoDate(found.screen_date);
  const screened: Screened = {
    row: {
      id: found.id,
      account_no: found.account_no,
      name: found.name,
      department_id: found.department_id,
      path: found.path,
      hue_trade_type_code: found.hue_trade_type_code,
    } as ScreenRow,
    result: {
      highRisk: true,
      rules: found.rules as RiskScreeningResult['rules'],
      level: found.level,
      requiredMeasure: DEFAULT_RISK_CONFIG.measures[found.level],
      totalArrears: found.total,
    },
    arrears: { currentYear: found.cy, priorYears: found.py, total: found.total },
    groupRootId: found.group_root_id,
  };
  if (found.group_root_id === found.id) {
    const members = (await ctx
      .db('risk_screenings as s')
      .join('departments as d', 'd.id', 's.department_id')
      .where({ 's.screen_date': date, 's.group_root_id': found.id })
      .pluck('d.path')) as string[];
    const group = groupPlacement(members.map((departmentPath) => ({ rootId: found.id, departmentPath }))).get(found.id);
    if (group) screened.group = group;
  }
  return openWarning(ctx, date, screened, true);
}

/** Working days to report a measure at a level, where the decision table sets none (cfg). */
export function measureDeadlineWd(level: RiskLevel, withinWd?: number | null): number {
  if (typeof withinWd === 'number' && Number.isInteger(withinWd) && withinWd > 0) return withinWd;
  return DEFAULT_RISK_CONFIG.measures[level].withinWd ?? MEASURE_WD[level];
}

/** The end of the working day the measure is due, counting WD from the day after screening. */
export function measureDueAtFor(screenedOn: string, withinWd: number): string {
  return endOfShanghaiDay(calendar.addWorkingDays(screenedOn, withinWd)).toISOString();
}

async function markOverdue(ctx: ProcessContext, date: string) {
  await ctx
    .db('risk_warnings')
    .whereIn('status', ['open', 'escalated'])
    .where('deadline_at', '<', endOfShanghaiDay(date))
    .update({ overdue: true });
}

/** The day's counts by province, industry and level: high-risk customers, open and overdue warnings. */
async function computeStatistics(ctx: ProcessContext, date: string) {
  await ctx.db.transaction(async (trx) => {
    await trx('risk_daily_stats').where({ stat_date: date }).delete();
    await trx.raw(
      `INSERT INTO risk_daily_stats (stat_date, province_id, industry, level, high_risk, open_warnings, overdue_warnings, arrears_total)
       SELECT ?::date, province_id, industry, level, sum(high_risk)::int, sum(open_warnings)::int, sum(overdue_warnings)::int, sum(arrears)
         FROM (SELECT coalesce(province_id, 'HQ') AS province_id, coalesce(industry, '-') AS industry, level,
                      1 AS high_risk, 0 AS open_warnings, 0 AS overdue_warnings, arrears_total AS arrears
                 FROM risk_screenings WHERE screen_date = ?::date AND level IS NOT NULL
                  AND (group_root_id IS NULL OR group_root_id = customer_id)
               UNION ALL
               SELECT coalesce(province_id, 'HQ'), coalesce(industry, '-'), level, 0, 1, CASE WHEN overdue THEN 1 ELSE 0 END, 0
                 FROM risk_warnings WHERE status <> 'closed') x
        GROUP BY province_id, industry, level`,
      [date, date],
    );
  });
}
