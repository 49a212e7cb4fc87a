import type { Db } from '../../db/index.js';
import type { Authorization } from '../../identity/authorization.js';
import type { Actor } from '../../lib/actor.js';
import { isoDate } from '../../lib/contract.js';
import { wholeList } from '../../workflow/paging.js';
import {
  toRiskRegisterEntry,
  toRiskStatistic,
  type RiskRegister,
  type RiskRegisterEntry,
  type RiskRegisterRow,
  type RiskStatisticRow,
  type RiskStatistics as DailyRiskStatistics,
} from './statistics.contract.js';

/**
 * HQ statistics of the high-risk register (DOMAIN.md §7): daily counts of high-risk customers and
 * of open / overdue warnings by province, industry and level, from `risk_daily_stats` (written by
 * the nightly screening). A reader sees the provinces in its dashboard:read scope.
 */
export class RiskStatistics {
  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
  ) {}

  async daily(date: string | undefined, actor: Actor): Promise<DailyRiskStatistics> {
    const day =
      date ??
      ((await this.db('risk_daily_stats').max({ d: 'stat_date' }).first()) as { d: Date | string | null } | undefined)
        ?.d;
    const statDate = day ? isoDate(day) : null;
    if (!statDate) {
      return { ...wholeList([]), date: null, totals: { highRisk: 0, openWarnings: 0, overdueWarnings: 0 } };
    }
    const scope = await this.authorization.scope(actor, 'dashboard', 'read');
    const q = this.db('risk_daily_stats')
      .where({ stat_date: statDate })
      .select(
        'province_id',
        'industry',
        'level',
        'high_risk',
        'open_warnings',
        'overdue_warnings',
        this.db.raw('arrears_total::text as arrears_total'),
      )
      .orderBy(['province_id', 'industry', 'level']);
    // A province's figures are for those who read dashboards for the whole province (or HQ).
    if (!scope.all) q.whereIn('province_id', scope.departmentIds);
    const items = (await q) as RiskStatisticRow[];
    return {
      ...wholeList(items.map(toRiskStatistic)),
      date: statDate,
      totals: {
        highRisk: items.reduce((n, i) => n + i.high_risk, 0),
        openWarnings: items.reduce((n, i) => n + i.open_warnings, 0),
        overdueWarnings: items.reduce((n, i) => n + i.overdue_warnings, 0),
      },
    };
  }

  /**
   * The daily HQ list (DOMAIN.md §7): customers whose arrears (a group's rolled up to its parent)
   * reach `minArrears` (default 1 000 000 yuan), split current-year / old, grouped by industry;
   * only customers of departments where the reader may read dashboards.
   */
  async register(date: string | undefined, minArrears: string, actor: Actor): Promise<RiskRegister> {
    const statDate = date ?? (await this.latestScreening());
    if (!statDate) return { date: null, minArrears, industries: [] };
    const scope = await this.authorization.scope(actor, 'dashboard', 'read');
    const q = this.db('risk_screenings as s')
      .join('customers as c', 'c.id', 's.customer_id')
      .where('s.screen_date', statDate)
      .where('s.arrears_total', '>=', minArrears)
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
      )
      .orderBy([{ column: 's.industry' }, { column: 's.arrears_total', order: 'desc' }])
      .limit(1000);
    if (!scope.all) q.whereIn('s.department_id', scope.departmentIds);
    const rows = ((await q) as RiskRegisterRow[]).map(toRiskRegisterEntry);
    const industries = new Map<string, RiskRegisterEntry[]>();
    for (const r of rows) industries.set(r.industry ?? '-', [...(industries.get(r.industry ?? '-') ?? []), r]);
    return {
      date: statDate,
      minArrears,
      industries: [...industries].map(([industry, customers]) => ({ industry, customers })),
    };
  }

  private async latestScreening(): Promise<string | null> {
    const row = (await this.db('risk_screenings').max({ d: 'screen_date' }).first()) as
      { d: Date | string | null } | undefined;
    return row?.d ? isoDate(row.d) : null;
  }
}
