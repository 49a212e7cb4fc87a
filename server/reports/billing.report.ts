import type { Knex } from 'knex';
import { inDepartments } from '../access/department-subtree.js';
import { count, fixed, type Lang, type ReportDefinition } from './report.js';
import { billSums } from './bill-sums.js';

/** ELEC_TYPE_CODE (DOMAIN.md §1); 000 (internal/assessment) is left out of every figure. */
export const CATEGORIES: Record<string, { zh: string; en: string }> = {
  '100': { zh: '大工业', en: 'Large industry' },
  '200': { zh: '居民生活', en: 'Residential' },
  '201': { zh: '居民生活（乡村）', en: 'Residential (rural)' },
  '202': { zh: '居民生活（城镇）', en: 'Residential (urban)' },
  '300': { zh: '农业生产', en: 'Agricultural' },
  '400': { zh: '一般工商业', en: 'General industrial and commercial' },
};

export function categoryName(code: string, lang: Lang): string {
  return CATEGORIES[code]?.[lang] ?? code;
}

/** Months of the period: a bill belongs to it by its billing month (YYYY-MM). */
function inPeriod(q: Knex.QueryBuilder, from: string, to: string): void {
  q.where('b.period', '>=', from.slice(0, 7)).where('b.period', '<=', to.slice(0, 7));
}

/**
 * Energy billed by electricity category and tariff for the months of the period: the energy bills
 * released (issued, paid or written off) with their kWh and amount, and the bills still held for
 * audit beside them (their figures are not revenue yet). Adjustment bills (退补) are not energy
 * sold in the month and are left out. A bill's kWh is what the billing run recorded, else the
 * quantities of its energy lines (01); all of it is read from the period sums (`bill-sums.ts`).
 */
export const billingReport: ReportDefinition = {
  id: 'billing',
  name: { zh: '电量电费统计', en: 'Energy and revenue billed' },
  description: {
    zh: '期间各月电费按用电类别和电价统计：发行户数、电量、电费，及仍在审核中暂挂的电费',
    en: 'Energy bills of the months in the period by electricity category and tariff: bills issued, kWh, revenue, and bills still held for audit',
  },
  period: true,
  columns: [
    { id: 'category', label: { zh: '用电类别代码', en: 'Category code' }, type: 'text' },
    { id: 'categoryName', label: { zh: '用电类别', en: 'Category' }, type: 'text' },
    { id: 'tariff', label: { zh: '电价', en: 'Tariff' }, type: 'text' },
    { id: 'bills', label: { zh: '发行笔数', en: 'Bills issued' }, type: 'number' },
    { id: 'kwh', label: { zh: '电量（千瓦时）', en: 'Energy (kWh)' }, type: 'number', decimals: 2 },
    { id: 'revenue', label: { zh: '电费（元）', en: 'Revenue (yuan)' }, type: 'money' },
    { id: 'heldBills', label: { zh: '暂挂笔数', en: 'Bills held' }, type: 'number' },
    { id: 'heldAmount', label: { zh: '暂挂电费（元）', en: 'Held amount (yuan)' }, type: 'money' },
  ],
  async rows({ db, scope, params, lang }) {
    const rows = await billSums(db, scope, params.from, params.to)
      .where('s.kind', 'energy')
      .groupBy('s.elec_type_code', 's.tariff_code')
      .havingRaw('sum(s.bills) <> 0')
      .orderByRaw('1, 2')
      .select<
        {
          elec_type_code: string;
          tariff: string;
          bills: unknown;
          kwh: string | number;
          revenue: string | number;
          held_bills: unknown;
          held_amount: string | number;
        }[]
      >(
        's.elec_type_code',
        's.tariff_code as tariff',
        db.raw(`coalesce(sum(s.bills) filter (where s.status <> 'held'), 0) as bills`),
        db.raw(`coalesce(sum(s.kwh) filter (where s.status <> 'held'), 0) as kwh`),
        db.raw(`coalesce(sum(s.total) filter (where s.status <> 'held'), 0) as revenue`),
        db.raw(`coalesce(sum(s.bills) filter (where s.status = 'held'), 0) as held_bills`),
        db.raw(`coalesce(sum(s.total) filter (where s.status = 'held'), 0) as held_amount`),
      );
    return rows.map((r) => ({
      category: r.elec_type_code,
      categoryName: categoryName(r.elec_type_code, lang),
      tariff: r.tariff,
      bills: count(r.bills),
      kwh: fixed(r.kwh),
      revenue: fixed(r.revenue),
      heldBills: count(r.held_bills),
      heldAmount: fixed(r.held_amount),
    }));
  },
};

/** DOMAIN.md §4's audit rules, as the bills record them (`audit_flags`). */
const RULE_NAMES: Record<number, { zh: string; en: string }> = {
  1: { zh: '示数倒走', en: 'Reading went backwards' },
  2: { zh: '同比电量异常', en: 'Year-on-year deviation' },
  3: { zh: '环比电量异常', en: 'Month-on-month deviation' },
  4: { zh: '较近三月均值异常', en: 'Deviation from the 3-month average' },
  5: { zh: '总与分时示数不符', en: 'Total differs from the TOU sum' },
  6: { zh: '超类别电量上限', en: 'Above the class limit' },
  7: { zh: '利用小时数异常', en: 'Implausible utilisation' },
  8: { zh: '总表小于分表之和', en: 'Main meter below its sub-meters' },
  9: { zh: '无功电量异常', en: 'Suspect reactive energy' },
  10: { zh: '零电量', en: 'Zero consumption' },
  11: { zh: '连续估抄', en: 'Repeated estimates' },
  12: { zh: '功率因数标准错误', en: 'Wrong PF standard' },
  13: { zh: '首次发行', en: 'First bill' },
};

/**
 * Energy bills an audit rule flagged: a few of a month's bills, found through the partial index
 * on this very predicate (bills_flagged_period_idx), written as literals so the plan can use it.
 */
const FLAGGED_ENERGY = `b.kind = 'energy' and jsonb_array_length(b.audit_flags) > 0`;

/**
 * The energy bills of the period that an audit rule held (DOMAIN.md §4), by rule: how many tripped
 * it, how many are still held today, and their amount. A bill that tripped two rules is in both
 * rows and once in the totals.
 */
export const billingHoldsReport: ReportDefinition = {
  id: 'billing-holds',
  name: { zh: '电费审核暂挂统计', en: 'Bills held by audit rule' },
  description: {
    zh: '期间各月电费按触发的审核规则统计：触发笔数、仍暂挂笔数及涉及电费',
    en: 'Energy bills of the months in the period by the audit rule that held them: bills flagged, still held, and their amount',
  },
  period: true,
  columns: [
    { id: 'rule', label: { zh: '规则编号', en: 'Rule' }, type: 'number', total: 'none' },
    { id: 'code', label: { zh: '规则代码', en: 'Rule code' }, type: 'text' },
    { id: 'ruleName', label: { zh: '审核规则', en: 'Audit rule' }, type: 'text' },
    { id: 'flaggedBills', label: { zh: '触发笔数', en: 'Bills flagged' }, type: 'number' },
    { id: 'stillHeld', label: { zh: '仍暂挂笔数', en: 'Still held' }, type: 'number' },
    { id: 'amount', label: { zh: '涉及电费（元）', en: 'Amount (yuan)' }, type: 'money' },
  ],
  async rows({ db, scope, params, lang }) {
    const rows = await flagged(db, scope, params)
      .groupByRaw(`(f ->> 'rule')::int, f ->> 'code'`)
      .orderByRaw('1, 2')
      .select<{ rule: number; code: string; flagged: unknown; held: unknown; amount: string | number }[]>(
        db.raw(`(f ->> 'rule')::int as rule`),
        db.raw(`f ->> 'code' as code`),
        db.raw('count(distinct b.id) as flagged'),
        db.raw(`count(distinct b.id) filter (where b.status = 'held') as held`),
        db.raw('coalesce(sum(b.total), 0) as amount'),
      );
    return rows.map((r) => ({
      rule: Number(r.rule),
      code: r.code,
      ruleName: RULE_NAMES[Number(r.rule)]?.[lang] ?? r.code,
      flaggedBills: count(r.flagged),
      stillHeld: count(r.held),
      amount: fixed(r.amount),
    }));
  },
  // Bills, not (bill, rule) pairs: a bill that tripped several rules counts once.
  async totals(_rows, _sums, { db, scope, params }) {
    const bills = db('bills as b')
      .join('customers as c', 'c.id', 'b.customer_id')
      .whereRaw(FLAGGED_ENERGY)
      .whereNot('c.elec_type_code', '000')
      .where((q) => inPeriod(q, params.from, params.to))
      .where(inDepartments(scope, 'c.department_id'));
    const row = await bills.first<{ flagged: unknown; held: unknown; amount: string | number }>(
      db.raw('count(*) as flagged'),
      db.raw(`count(*) filter (where b.status = 'held') as held`),
      db.raw('coalesce(sum(b.total), 0) as amount'),
    );
    return { flaggedBills: count(row.flagged), stillHeld: count(row.held), amount: fixed(row.amount) };
  },
};

function flagged(db: Knex, scope: Parameters<typeof inDepartments>[0], params: { from: string; to: string }) {
  return db('bills as b')
    .join('customers as c', 'c.id', 'b.customer_id')
    .joinRaw('cross join jsonb_array_elements(b.audit_flags) as f')
    .whereRaw(FLAGGED_ENERGY)
    .whereNot('c.elec_type_code', '000')
    .where((q) => inPeriod(q, params.from, params.to))
    .where(inDepartments(scope, 'c.department_id'));
}
