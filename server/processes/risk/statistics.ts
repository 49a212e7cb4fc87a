import type { Db } from '../../db/index.js';
import type { Authorization } from '../../identity/authorization.js';
import type { Actor } from '../../lib/actor.js';

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

  async daily(date: string | undefined, actor: Actor) {
    const day =
      date ??
      ((await this.db('risk_daily_stats').max({ d: 'stat_date' }).first()) as { d: Date | string | null } | undefined)
        ?.d;
    const statDate = day ? (typeof day === 'string' ? day : new Date(day).toISOString().slice(0, 10)) : null;
    if (!statDate) return { date: null, items: [], totals: { highRisk: 0, openWarnings: 0, overdueWarnings: 0 } };
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
    if (!scope.all) q.whereIn('province_id', scope.departmentIds.length ? scope.departmentIds : ['\u0000']);
    const items = (await q) as {
      province_id: string;
      industry: string;
      level: string;
      high_risk: number;
      open_warnings: number;
      overdue_warnings: number;
      arrears_total: string;
    }[];
    return {
      date: statDate,
      items: items.map((i) => ({
        provinceId: i.province_id,
        industry: i.industry,
        level: i.level,
        highRisk: i.high_risk,
        openWarnings: i.open_warnings,
        overdueWarnings: i.overdue_warnings,
        arrearsTotal: i.arrears_total,
      })),
      totals: {
        highRisk: items.reduce((n, i) => n + i.high_risk, 0),
        openWarnings: items.reduce((n, i) => n + i.open_warnings, 0),
        overdueWarnings: items.reduce((n, i) => n + i.overdue_warnings, 0),
      },
    };
  }
}
