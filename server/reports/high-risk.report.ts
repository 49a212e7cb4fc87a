import { inDepartments } from '../access/department-subtree.js';
import { HUE_TRADE_TYPE_CODE } from '../domain/risk/codes.js';
import { count, departmentName, fixed, type ReportDefinition } from './report.js';

/**
 * High-risk arrears customers (DOMAIN.md §7) day by day, by province, industry and level, from the
 * nightly screening's daily statistics (`risk_daily_stats`): high-risk customers, open and overdue
 * warnings, their arrears. The figures are kept per province, so a caller sees the provinces in
 * their scope (a city or county manager none). Totals add the rows: over several days they add up
 * customer-days, not customers.
 */
export const highRiskReport: ReportDefinition = {
  id: 'high-risk',
  name: { zh: '高风险欠费客户统计', en: 'High-risk arrears customers' },
  description: {
    zh: '每日按省公司、高耗能行业和风险等级统计高风险客户数、在办及超期预警数和欠费金额',
    en: 'Daily counts of high-risk customers, open and overdue warnings and their arrears by province, industry and level',
  },
  period: true,
  columns: [
    { id: 'date', label: { zh: '统计日期', en: 'Date' }, type: 'date' },
    { id: 'provinceId', label: { zh: '省公司代码', en: 'Province code' }, type: 'text' },
    { id: 'province', label: { zh: '省公司', en: 'Province' }, type: 'text' },
    { id: 'industry', label: { zh: '行业代码', en: 'Industry code' }, type: 'text' },
    { id: 'industryName', label: { zh: '行业', en: 'Industry' }, type: 'text' },
    { id: 'level', label: { zh: '风险等级', en: 'Level' }, type: 'text' },
    { id: 'highRisk', label: { zh: '高风险客户数', en: 'High-risk customers' }, type: 'number' },
    { id: 'openWarnings', label: { zh: '在办预警数', en: 'Open warnings' }, type: 'number' },
    { id: 'overdueWarnings', label: { zh: '超期预警数', en: 'Overdue warnings' }, type: 'number' },
    { id: 'arrears', label: { zh: '欠费金额（元）', en: 'Arrears (yuan)' }, type: 'money' },
  ],
  async rows({ db, scope, tree, params, lang }) {
    const rows = await db('risk_daily_stats as s')
      .where('s.stat_date', '>=', params.from)
      .where('s.stat_date', '<=', params.to)
      .where(inDepartments(scope, 's.province_id'))
      .orderBy([
        { column: 's.stat_date' },
        { column: 's.province_id' },
        { column: 's.industry' },
        { column: 's.level' },
      ])
      .select<
        {
          stat_date: string;
          province_id: string;
          industry: string;
          level: string;
          high_risk: number;
          open_warnings: number;
          overdue_warnings: number;
          arrears_total: string;
        }[]
      >(
        db.raw(`to_char(s.stat_date, 'YYYY-MM-DD') as stat_date`),
        's.province_id',
        's.industry',
        's.level',
        's.high_risk',
        's.open_warnings',
        's.overdue_warnings',
        's.arrears_total',
      );
    const industries = HUE_TRADE_TYPE_CODE as Record<string, { zh: string; en: string } | undefined>;
    return rows.map((r) => ({
      date: r.stat_date,
      provinceId: r.province_id,
      province: departmentName(tree, r.province_id, lang),
      industry: r.industry,
      industryName: industries[r.industry]?.[lang] ?? (r.industry === '-' ? '' : r.industry),
      level: r.level,
      highRisk: count(r.high_risk),
      openWarnings: count(r.open_warnings),
      overdueWarnings: count(r.overdue_warnings),
      arrears: fixed(r.arrears_total),
    }));
  },
};
