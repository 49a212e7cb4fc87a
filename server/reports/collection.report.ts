import type { Knex } from 'knex';
import { inDepartments } from '../access/department-subtree.js';
import { type Dec, dec } from '../domain/decimal.js';
import type { ElecTypeCode } from '../domain/billing/index.js';
import { arrearsOf, livePayments } from '../marketing/arrears.js';
import { approvedReliefs } from '../marketing/late-fee-reliefs.repository.js';
import type { Db } from '../db/index.js';
import type { Scope } from '../access/department-subtree.js';
import { departmentName, ratio, type ReportDefinition, type ReportParams } from './report.js';
import type { ReportRow } from './report.contract.js';
import { billArrearsSql, queryArrears } from './arrears.sql.js';
import { billSums } from './bill-sums.js';

export interface DepartmentFigures {
  billed: Dec;
  collected: Dec;
  currentMonth: Dec;
  earlierThisYear: Dec;
  priorYears: Dec;
  lateFees: Dec;
}

export function zero(): DepartmentFigures {
  return {
    billed: dec(0),
    collected: dec(0),
    currentMonth: dec(0),
    earlierThisYear: dec(0),
    priorYears: dec(0),
    lateFees: dec(0),
  };
}

interface UnsettledRow {
  id: string;
  customer_id: string;
  department_id: string;
  elec_type_code: string;
  period: string;
  total: string;
  paid_amount: string;
  due_date: string;
}

/**
 * Collection (电费回收) by the customer's department: what the months of the period billed and how
 * much of it has been collected (recovery rate = collected / billed), and the arrears standing on
 * the report's last day by age (DOMAIN.md §1 classes, by bill month) with the late fees accrued to
 * that day. Arrears and late fees follow the customer arrears' own rule (`arrearsOf`, with approved
 * waivers and deferrals), computed in SQL by `billArrearsSql`; the tests hold its cents equal to
 * `arrearsOf`'s.
 */
export const collectionReport: ReportDefinition = {
  id: 'collection',
  name: { zh: '电费回收统计', en: 'Collection and arrears' },
  description: {
    zh: '按单位统计期间应收与实收电费、回收率，截至期末的欠费账龄（当月、本年往月、陈欠）及应收违约金',
    en: 'By department: billed against collected for the months of the period, recovery rate, arrears on the last day by age (current month, earlier this year, prior years) and late fees accrued',
  },
  period: true,
  columns: [
    { id: 'departmentId', label: { zh: '单位代码', en: 'Department code' }, type: 'text' },
    { id: 'department', label: { zh: '单位', en: 'Department' }, type: 'text' },
    { id: 'billed', label: { zh: '应收电费（元）', en: 'Billed (yuan)' }, type: 'money' },
    { id: 'collected', label: { zh: '实收电费（元）', en: 'Collected (yuan)' }, type: 'money' },
    { id: 'recoveryRate', label: { zh: '回收率', en: 'Recovery rate' }, type: 'percent' },
    { id: 'arrearsCurrentMonth', label: { zh: '当月欠费（元）', en: 'Arrears, current month' }, type: 'money' },
    {
      id: 'arrearsEarlierThisYear',
      label: { zh: '本年往月欠费（元）', en: 'Arrears, earlier this year' },
      type: 'money',
    },
    { id: 'arrearsPriorYears', label: { zh: '陈欠（元）', en: 'Arrears, prior years' }, type: 'money' },
    { id: 'arrearsTotal', label: { zh: '欠费合计（元）', en: 'Arrears total' }, type: 'money' },
    { id: 'lateFees', label: { zh: '违约金（元）', en: 'Late fees (yuan)' }, type: 'money' },
  ],
  async rows({ db, scope, tree, params, lang }) {
    const figures = new Map<string, DepartmentFigures>();
    const of = (departmentId: string) => {
      let f = figures.get(departmentId);
      if (!f) figures.set(departmentId, (f = zero()));
      return f;
    };
    for (const r of await billedAndCollected(db, scope, params)) {
      const f = of(r.department_id);
      f.billed = dec(r.billed);
      f.collected = dec(r.collected);
    }
    for (const r of await arrearsByDepartment(db, scope, params.to)) {
      const f = of(r.department_id);
      f.currentMonth = dec(r.current_month);
      f.earlierThisYear = dec(r.earlier_this_year);
      f.priorYears = dec(r.prior_years);
      f.lateFees = dec(r.late_fees);
    }
    return [...figures.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([departmentId, f]) => ({
        departmentId,
        department: departmentName(tree, departmentId, lang),
        billed: f.billed.toFixed(2),
        collected: f.collected.toFixed(2),
        recoveryRate: ratio(f.collected, f.billed),
        arrearsCurrentMonth: f.currentMonth.toFixed(2),
        arrearsEarlierThisYear: f.earlierThisYear.toFixed(2),
        arrearsPriorYears: f.priorYears.toFixed(2),
        arrearsTotal: f.currentMonth.plus(f.earlierThisYear).plus(f.priorYears).toFixed(2),
        lateFees: f.lateFees.toFixed(2),
      }));
  },
  totals: (_rows: ReportRow[], sums: ReportRow) => ({ recoveryRate: ratio(sums.collected ?? 0, sums.billed ?? 0) }),
};

/**
 * Bills of the period's months released to the customer (not held), energy and adjustment alike,
 * from the period sums (`bill-sums.ts`).
 */
async function billedAndCollected(db: Db, scope: Scope, params: ReportParams) {
  return await billSums(db, scope, params.from, params.to)
    .whereNot('s.status', 'held')
    .groupBy('s.department_id')
    .havingRaw('sum(s.bills) <> 0')
    .select<{ department_id: string; billed: string; collected: string }[]>(
      's.department_id',
      db.raw('coalesce(sum(s.total), 0) as billed'),
      db.raw('coalesce(sum(s.paid_amount), 0) as collected'),
    );
}

/**
 * Arrears by age and late fees on `asOf`, by department, summed in the database over every
 * unsettled bill of the scope (`billArrearsSql`): a headquarters report over a million customers
 * answers in one statement instead of carrying their bills through the server.
 */
export async function arrearsByDepartment(db: Db, scope: Scope, asOf: string) {
  const { sql, bindings } = billArrearsSql(scope, asOf);
  return await queryArrears<{
    department_id: string;
    current_month: string;
    earlier_this_year: string;
    prior_years: string;
    late_fees: string;
  }>(
    db,
    {
      sql: `${sql}
select department_id,
       coalesce(sum(outstanding) filter (where bucket = 'currentMonth'), 0) as current_month,
       coalesce(sum(outstanding) filter (where bucket = 'earlierThisYear'), 0) as earlier_this_year,
       coalesce(sum(outstanding) filter (where bucket = 'priorYears'), 0) as prior_years,
       coalesce(sum(late_fee), 0) as late_fees
  from bill_arrears
 group by department_id`,
      bindings,
    },
    true,
  );
}

/** Customers per round of the arrears: their bills, payments and waivers are read together. */
const CUSTOMERS_PER_ROUND = 500;

/**
 * Arrears and late fees on `asOf`, customer by customer through `arrearsOf`, added to each
 * department: the customer arrears' own computation, kept as the reference the SQL form
 * (`arrearsByDepartment`) is tested against. Customers with unsettled bills are read in rounds (keyset on the customer id), so a
 * headquarters report holds one round of bills at a time, not every unsettled bill of the country.
 */
export async function addArrears(
  db: Db,
  scope: Scope,
  asOf: string,
  of: (departmentId: string) => DepartmentFigures,
  perRound = CUSTOMERS_PER_ROUND,
) {
  const unsettled = () =>
    db('bills as b')
      .join('customers as c', 'c.id', 'b.customer_id')
      .whereIn('b.status', ['issued', 'partly_paid'])
      .whereNot('c.elec_type_code', '000')
      .where('b.period', '<=', asOf.slice(0, 7))
      .where(inDepartments(scope, 'c.department_id'));
  let after: string | null = null;
  for (;;) {
    const page = unsettled().orderBy('b.customer_id').limit(perRound);
    if (after !== null) page.where('b.customer_id', '>', after);
    const rows = await page.select<{ customer_id: string }[]>(db.raw('distinct b.customer_id'));
    const customerIds = rows.map((r) => r.customer_id);
    if (!customerIds.length) return;
    after = customerIds[customerIds.length - 1] ?? null;
    await addRound(db, unsettled().whereIn('b.customer_id', customerIds), asOf, of);
    if (customerIds.length < perRound) return;
  }
}

async function addRound(
  db: Db,
  unsettled: Knex.QueryBuilder,
  asOf: string,
  of: (departmentId: string) => DepartmentFigures,
) {
  const bills = await unsettled
    .orderBy([{ column: 'b.customer_id' }, { column: 'b.period' }, { column: 'b.due_date' }])
    .select<UnsettledRow[]>(
      'b.id',
      'b.customer_id',
      'c.department_id',
      'c.elec_type_code',
      'b.period',
      'b.total',
      'b.paid_amount',
      db.raw(`to_char(b.due_date, 'YYYY-MM-DD') as due_date`),
    );
  const ids = bills.map((b) => b.id);
  const payments = await livePayments(db, ids);
  const reliefs = await approvedReliefs(db, ids);
  const paymentsOf = new Map<string, { date: string; amount: string }[]>();
  for (const p of payments) paymentsOf.set(p.bill_id, [...(paymentsOf.get(p.bill_id) ?? []), p]);
  const byCustomer = new Map<string, UnsettledRow[]>();
  for (const b of bills) byCustomer.set(b.customer_id, [...(byCustomer.get(b.customer_id) ?? []), b]);
  for (const customerBills of byCustomer.values()) {
    const first = customerBills[0];
    if (!first) continue;
    const report = arrearsOf(
      customerBills.map((b) => ({
        id: b.id,
        period: b.period,
        dueDate: b.due_date,
        total: b.total,
        paidAmount: b.paid_amount,
        payments: (paymentsOf.get(b.id) ?? []).map((p) => ({ date: p.date, amount: p.amount })),
        relief: reliefs.get(b.id),
      })),
      first.elec_type_code as ElecTypeCode,
      dec(0),
      asOf,
    );
    const f = of(first.department_id);
    f.currentMonth = f.currentMonth.plus(report.ageing.currentMonth);
    f.earlierThisYear = f.earlierThisYear.plus(report.ageing.earlierThisYear);
    f.priorYears = f.priorYears.plus(report.ageing.priorYears);
    f.lateFees = f.lateFees.plus(report.lateFees);
  }
}
