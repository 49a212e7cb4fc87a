import type { Db } from '../db/index.js';
import { dec } from '../domain/decimal.js';
import type { Scope } from '../access/department-subtree.js';
import { billArrearsSql, cursorArrears, queryArrears, type Sql } from './arrears.sql.js';
import { departmentName, fixed, type ReportContext, type ReportDefinition } from './report.js';
import type { ReportRow } from './report.contract.js';

/** Rows of the JSON answer; the file holds every row. */
const ROW_LIMIT = 500;

interface DetailRow {
  customer_id: string;
  account_no: string;
  name: string;
  department_id: string;
  elec_type_code: string;
  bills: number;
  oldest_period: string;
  oldest_due: string;
  days_overdue: number;
  arrears: string;
  late_fees: string;
}

/**
 * The first `limit` customers in (department, account) order of the scope (and category) with an
 * unsettled bill billed up to `asOf`'s month, internal ones excepted: the JSON answer's rows. A
 * scope of several departments is read department by department (the first `limit` of each, then
 * the first `limit` of them): one index range per department in account order, where a list of
 * departments would make the answer read and sort the whole scope's customers.
 */
function firstCustomers(scope: Scope, asOf: string, category: string | undefined, limit: number): Sql | null {
  const n = Math.floor(limit);
  const customers = (inScope: string) => `
      select pc.id, pc.department_id, pc.account_no from customers pc
       where pc.elec_type_code <> '000' and ${inScope}
         ${category ? 'and pc.elec_type_code = ?' : ''}
         and exists (select 1 from bills pb where pb.customer_id = pc.id
                      and pb.status in ('issued', 'partly_paid') and pb.period <= ?)
       order by pc.department_id, pc.account_no
       limit ${n}`;
  const bindings = [...(category ? [category] : []), asOf.slice(0, 7)];
  if (scope.all) return { sql: `select p.id from (${customers('true')}) p`, bindings };
  if (!scope.departmentIds.length) return null;
  const departments = scope.departmentIds.map(() => '(?)').join(', ');
  return {
    sql: `select p.id from (values ${departments}) as d(id)
       cross join lateral (${customers('pc.department_id = d.id')}) p
       order by p.department_id, p.account_no
       limit ${n}`,
    bindings: [...scope.departmentIds, ...bindings],
  };
}

/** The detail's statement: the unsettled bills (`billArrearsSql`) summed per customer, in (department, account) order. */
function detailSql(ctx: ReportContext, customers?: Sql, page = false): Sql {
  const asOf = ctx.params.to;
  const { sql, bindings } = billArrearsSql(ctx.scope, asOf, customers, page);
  return {
    sql: `${sql}
select c.id as customer_id, c.account_no, c.name, c.department_id, c.elec_type_code,
       count(*) as bills, min(ba.period) as oldest_period, to_char(min(ba.due), 'YYYY-MM-DD') as oldest_due,
       greatest(0, cast(? as date) - min(ba.due)) as days_overdue,
       sum(ba.outstanding) as arrears, sum(ba.late_fee) as late_fees
  from bill_arrears ba join customers c on c.id = ba.customer_id
 group by c.id, c.account_no, c.name, c.department_id, c.elec_type_code
 order by c.department_id, c.account_no`,
    bindings: [...bindings, asOf],
  };
}

/** The category asked for, as the narrowing of `billArrearsSql`'s customers. */
function inCategory(ctx: ReportContext): Sql | undefined {
  return ctx.params.category ? { sql: `b.customer_elec_type_code = ?`, bindings: [ctx.params.category] } : undefined;
}

/**
 * The first `limit` customers' rows: the customers first, then their bills by id (given as a
 * subquery, the planner ran it once for each branch of `billArrearsSql`).
 */
async function firstRows(db: Db, ctx: ReportContext, limit: number): Promise<DetailRow[]> {
  const first = firstCustomers(ctx.scope, ctx.params.to, ctx.params.category, limit);
  if (!first) return [];
  const ids = (await db.raw<{ rows: { id: string }[] }>(first.sql, first.bindings)).rows.map((r) => r.id);
  if (!ids.length) return [];
  const customers = { sql: `b.customer_id in (${ids.map(() => '?').join(', ')})`, bindings: ids };
  return await queryArrears<DetailRow>(db, detailSql(ctx, customers, true), false);
}

function toRow(r: DetailRow, ctx: ReportContext): ReportRow {
  return {
    accountNo: r.account_no,
    customer: r.name,
    category: r.elec_type_code,
    departmentId: r.department_id,
    department: departmentName(ctx.tree, r.department_id, ctx.lang),
    bills: Number(r.bills),
    oldestPeriod: r.oldest_period,
    oldestDueDate: r.oldest_due,
    daysOverdue: Number(r.days_overdue),
    arrears: fixed(r.arrears),
    lateFees: fixed(r.late_fees),
    amountDue: dec(r.arrears).plus(r.late_fees).toFixed(2),
  };
}

/**
 * Every customer in arrears on the day asked (`to`), one row each: account, name, category,
 * department, unpaid bills, the oldest unpaid bill's month and due date and the days since, the
 * arrears and the late fees accrued (the collection report's SQL rule, `billArrearsSql`). A
 * headquarters export holds hundreds of thousands of rows, so its file is one statement read
 * through a cursor batch by batch (`cursorArrears`) and its JSON answer holds the first rows only.
 */
export const arrearsDetailReport: ReportDefinition = {
  id: 'arrears-detail',
  name: { zh: '欠费客户明细', en: 'Customers in arrears' },
  description: {
    zh: '截至指定日期每户欠费客户一行：户号、户名、用电类别、单位、欠费笔数、最早欠费月份及逾期天数、欠费金额和应收违约金',
    en: 'One row per customer in arrears on the day: account, name, category, department, unpaid bills, oldest unpaid month and days overdue, arrears and late fees accrued',
  },
  period: 'asOf',
  category: true,
  rowLimit: ROW_LIMIT,
  columns: [
    { id: 'accountNo', label: { zh: '户号', en: 'Account' }, type: 'text' },
    { id: 'customer', label: { zh: '户名', en: 'Customer' }, type: 'text' },
    { id: 'category', label: { zh: '用电类别', en: 'Category' }, type: 'text' },
    { id: 'departmentId', label: { zh: '单位代码', en: 'Department code' }, type: 'text' },
    { id: 'department', label: { zh: '单位', en: 'Department' }, type: 'text' },
    { id: 'bills', label: { zh: '欠费笔数', en: 'Unpaid bills' }, type: 'number' },
    { id: 'oldestPeriod', label: { zh: '最早欠费月份', en: 'Oldest unpaid month' }, type: 'text' },
    { id: 'oldestDueDate', label: { zh: '最早缴费截止日', en: 'Oldest due date' }, type: 'date' },
    { id: 'daysOverdue', label: { zh: '逾期天数', en: 'Days overdue' }, type: 'number', total: 'none' },
    { id: 'arrears', label: { zh: '欠费金额（元）', en: 'Arrears (yuan)' }, type: 'money' },
    { id: 'lateFees', label: { zh: '违约金（元）', en: 'Late fees (yuan)' }, type: 'money' },
    { id: 'amountDue', label: { zh: '应收合计（元）', en: 'Amount due (yuan)' }, type: 'money' },
  ],
  async rows(ctx) {
    return (await firstRows(ctx.db, ctx, ROW_LIMIT + 1)).map((r) => toRow(r, ctx));
  },
  async *stream(ctx) {
    for await (const rows of cursorArrears<DetailRow>(ctx.db, detailSql(ctx, inCategory(ctx)))) {
      yield rows.map((r) => toRow(r, ctx));
    }
  },
  async totals(_rows, _sums, ctx) {
    const asOf = ctx.params.to;
    const { sql, bindings } = billArrearsSql(ctx.scope, asOf, inCategory(ctx));
    const [t = { bills: 0, arrears: '0', late_fees: '0' }] = await queryArrears<{
      bills: number;
      arrears: string;
      late_fees: string;
    }>(
      ctx.db,
      {
        sql: `${sql}
select count(*) as bills, coalesce(sum(outstanding), 0) as arrears, coalesce(sum(late_fee), 0) as late_fees
  from bill_arrears`,
        bindings,
      },
      true,
    );
    return {
      bills: Number(t.bills),
      arrears: fixed(t.arrears),
      lateFees: fixed(t.late_fees),
      amountDue: dec(t.arrears).plus(t.late_fees).toFixed(2),
    };
  },
};
