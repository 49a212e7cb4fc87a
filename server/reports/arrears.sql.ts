import type { Db } from '../db/index.js';
import type { Scope } from '../access/department-subtree.js';
import { ELEC_TYPE_CODES, isResidentialCategory } from '../domain/billing/categories.js';
import { MONEY_IN } from '../marketing/ledger.js';

/** A piece of SQL with its positional (`?`) bindings. */
export interface Sql {
  sql: string;
  bindings: string[];
}

/** `column` lies in the scope, as SQL (the raw form of `inDepartments`). */
export function scopeSql(scope: Scope, column: string): Sql {
  if (scope.all) return { sql: 'true', bindings: [] };
  if (!scope.departmentIds.length) return { sql: 'false', bindings: [] };
  return { sql: `${column} in (${scope.departmentIds.map(() => '?').join(', ')})`, bindings: [...scope.departmentIds] };
}

/** The residential categories, charged 1 ‰ a day whatever the year (the domain's own test). */
const RESIDENTIAL = ELEC_TYPE_CODES.filter(isResidentialCategory);

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * `with …` ending in `bill_arrears(id, customer_id, department_id, period, due, outstanding, bucket,
 * late_fee)`: every unsettled bill of the scope's customers (internal ones excepted) billed up to
 * `asOf`'s month, with its age class (DOMAIN.md §1) and the late fee accrued to `asOf`
 * (DOMAIN.md §6), computed in the database so a report over a million customers never carries
 * their bills into the server.
 *
 * It is `arrearsOf` + `quoteLateFee` + the approved reliefs, written as set operations, and must
 * give the same cents (the collection report's tests compare it with `addArrears`, which calls
 * them): payments up to the due date lower the principal; a later payment lowers it from the next
 * day, so the penalty days split into runs starting the day after the (deferred) due date and the
 * day after each later payment; a run's rate-days are 1 a day for residential customers, else 2
 * a day in the bill's year and 3 a day from the next 1 January; a bill's exact sum is charged at
 * 1.00 between 0 and 1 yuan, else rounded half up to the cent, then waivers are taken off.
 * A bill without a payment after its due date has one run (the first penalty day to `asOf`),
 * priced at once; only the few with later payments go through the runs (a payment on the due day
 * itself is not a later one: such a bill is priced at once, and only once). Payments after `asOf` and
 * reversed payments do not count. `customers` narrows the bills further (a category, or with
 * `page` a page of customers).
 *
 * The bills carry their customer's department and category (`customer_department_id`,
 * `customer_elec_type_code`, kept by triggers, migration `20261212_81`), so the unsettled bills are
 * read from their covering index alone, never joined with the customers. Most have no payment
 * allocated and no relief asked: their fee is the whole bill over one run, priced in a plain scan
 * (`bill_arrears`' first branch) aggregated as it goes. Only the bills with a payment or a relief
 * (`ub`) go through the CTEs, which are computed one after the other and held. At 1 000 000
 * customers (140 000 unsettled bills, 30 000 of them with a payment) the headquarters statement
 * went from 2.9–4.5 s to 1.4–1.8 s, a county's from 1.1–1.3 s to 0.75–1.0 s (alternate runs on a
 * shared machine at load 7–8). Index-only means the unsettled bills' pages are all-visible: right
 * after a mass update of bills (the migration's fill), a VACUUM restores that.
 */
export function billArrearsSql(scope: Scope, asOf: string, customers?: Sql, page = false): Sql {
  const inScope = scopeSql(scope, 'b.customer_department_id');
  const month = asOf.slice(0, 7);
  const unsettled = `b.status in ('issued', 'partly_paid') and b.customer_elec_type_code <> '000' and b.period <= ?
     and ${inScope.sql} and ${customers?.sql ?? 'true'}`;
  const unsettledBindings = [month, ...inScope.bindings, ...(customers?.bindings ?? [])];
  // A bill with a payment allocated or a relief asked. Over a scope, a semi-join (written with
  // exists … or exists …, the planner guessed a third of the bills and chose worse joins); for a
  // page of customers (`page`), a look-up of each of their few bills.
  const touched = page
    ? `(exists (select 1 from payment_allocations pa where pa.bill_id = b.id)
          or exists (select 1 from late_fee_reliefs lr where lr.bill_id = b.id))`
    : `b.id in (select pa.bill_id from payment_allocations pa union all select lr.bill_id from late_fee_reliefs lr)`;
  const untouched = `not exists (select 1 from payment_allocations pa where pa.bill_id = b.id)
     and not exists (select 1 from late_fee_reliefs lr where lr.bill_id = b.id)`;
  const residential = `in (${list(RESIDENTIAL)})`;
  const crossing = `make_date(cast(substr(b.period, 1, 4) as integer) + 1, 1, 1)`;
  const bucket = (t: string) => `case when substr(${t}.period, 1, 4) < ? then 'priorYears'
              when ${t}.period < ? then 'earlierThisYear'
              else 'currentMonth' end`;
  const sql = `
with ub as (
  select b.id, b.customer_id, b.customer_department_id as department_id, b.period, b.due_date as due, b.total,
         b.total - b.paid_amount as outstanding,
         b.customer_elec_type_code ${residential} as residential,
         ${crossing} as crossing
    from bills b
   where ${unsettled} and ${touched}
),
rel as (
  select r.bill_id,
         max(r.defer_to) filter (where r.kind = 'deferral') as defer_to,
         coalesce(bool_or(r.kind = 'waiver' and r.amount is null), false) as waived_all,
         coalesce(sum(r.amount) filter (where r.kind = 'waiver'), 0) as waived
    from late_fee_reliefs r join ub on ub.id = r.bill_id
   where r.status = 'approved'
   group by r.bill_id
),
pay as (
  select a.bill_id, cast(p.paid_at at time zone 'Asia/Shanghai' as date) as day, a.amount, ub.due
    from payment_allocations a
    join ub on ub.id = a.bill_id
    join payments p on p.id = a.payment_id
   where p.kind in (${list(MONEY_IN)})
     and not exists (select 1 from payments r where r.reverses_payment_id = p.id)
     and cast(p.paid_at at time zone 'Asia/Shanghai' as date) <= cast(? as date)
),
fb as (
  select ub.id, ub.due, ub.residential, ub.crossing,
         greatest(ub.due, coalesce(rel.defer_to, ub.due)) as fee_due,
         ub.total - coalesce(early.amount, 0) as p0,
         coalesce(rel.waived_all, false) as waived_all,
         coalesce(rel.waived, 0) as waived
    from ub
    left join rel on rel.bill_id = ub.id
    left join (select bill_id, sum(amount) as amount from pay where day <= due group by bill_id) early
      on early.bill_id = ub.id
),
late as (
  select distinct pay.bill_id as id from pay where pay.day > pay.due
),
starts as (
  select id, fee_due + 1 as s from fb where fee_due < cast(? as date) and id in (select id from late)
  union
  select pay.bill_id, pay.day + 1 from pay join fb on fb.id = pay.bill_id
   where pay.day >= fb.fee_due and pay.day < cast(? as date) and fb.id in (select id from late)
),
runs as (
  select id, s, coalesce(lead(s) over (partition by id order by s) - 1, cast(? as date)) as e from starts
),
owed as (
  select r.id, r.s, r.e, fb.residential, fb.crossing,
         greatest(0, fb.p0 - coalesce(sum(lp.amount), 0)) as principal
    from runs r
    join fb on fb.id = r.id
    left join pay lp on lp.bill_id = r.id and lp.day > fb.due and lp.day < r.s
   group by r.id, r.s, r.e, fb.residential, fb.crossing, fb.p0
),
fee as (
  select id,
         sum(principal * case when residential then e - s + 1
                              else 2 * (e - s + 1) + greatest(0, e - greatest(s, crossing) + 1) end) * 0.001 as exact
    from owed
   group by id
  union all
  select id,
         greatest(0, p0) * case when residential then cast(? as date) - fee_due
                                else 2 * (cast(? as date) - fee_due)
                                     + greatest(0, cast(? as date) - greatest(fee_due + 1, crossing) + 1) end * 0.001
    from fb
   where fee_due < cast(? as date) and id not in (select id from late)
),
bill_arrears as (
  select b.id, b.customer_id, b.customer_department_id as department_id, b.period, b.due_date as due,
         b.total - b.paid_amount as outstanding,
         ${bucket('b')} as bucket,
         case when x.exact > 0 and x.exact < 1 then 1 else round(coalesce(x.exact, 0), 2) end as late_fee
    from bills b
   cross join lateral (
     select case when b.due_date < cast(? as date) then
                 greatest(0, b.total) * case when b.customer_elec_type_code ${residential} then cast(? as date) - b.due_date
                                             else 2 * (cast(? as date) - b.due_date)
                                                  + greatest(0, cast(? as date) - greatest(b.due_date + 1, ${crossing}) + 1)
                                        end * 0.001
            end as exact
   ) x
   where ${unsettled} and ${untouched}
  union all
  select ub.id, ub.customer_id, ub.department_id, ub.period, ub.due, ub.outstanding,
         ${bucket('ub')} as bucket,
         case when fb.waived_all then 0
              else greatest(0, case when fee.exact > 0 and fee.exact < 1 then 1
                                    else round(coalesce(fee.exact, 0), 2) end - fb.waived) end as late_fee
    from ub
    join fb on fb.id = ub.id
    left join fee on fee.id = ub.id
)`;
  return {
    sql,
    bindings: [
      ...unsettledBindings,
      asOf,
      asOf,
      asOf,
      asOf,
      asOf,
      asOf,
      asOf,
      asOf,
      asOf.slice(0, 4),
      month,
      asOf,
      asOf,
      asOf,
      asOf,
      ...unsettledBindings,
      asOf.slice(0, 4),
      month,
    ],
  };
}

/**
 * Runs a statement built on `billArrearsSql`. Its CTEs hide their row counts from the planner,
 * which then guesses a few hundred rows where a country has hundreds of thousands: its cost runs
 * into the billions, which (1) switches on JIT compilation, seconds of compiling for a statement
 * that runs in less, and (2) for a whole scope (`wholeScope`) picks nested loops over CTEs that
 * compare every bill with every bill. The statement runs in a transaction of its own with JIT
 * off, room to sort in memory, and, over a whole scope, hash and merge joins only.
 */
export async function queryArrears<T>(db: Db, { sql, bindings }: Sql, wholeScope: boolean): Promise<T[]> {
  return await db.transaction(async (trx) => {
    await trx.raw('set local jit = off');
    await trx.raw(`set local work_mem = '64MB'`);
    if (wholeScope) await trx.raw('set local enable_nestloop = off');
    const result = await trx.raw<{ rows: T[] }>(sql, bindings);
    return result.rows;
  });
}

/** Rows a cursor hands over at a time: a batch of the file, never the whole result. */
export const CURSOR_BATCH = 2000;

/**
 * Reads a statement built on `billArrearsSql` through a server-side cursor, `batch` rows at a
 * time, in a transaction of its own with `queryArrears`' settings: the database computes the
 * statement once (a multi-page read would run it again for every page) and the server holds one
 * batch. The cursor is planned for its whole result (`cursor_tuple_fraction` 1), not for its first
 * rows, which would bring back the nested loops; the transaction waits while the reader (a file
 * download) catches up, so it may stay idle longer than the platform's default allows, and its
 * statements have the longer limit of an export.
 */
export async function* cursorArrears<T>(db: Db, { sql, bindings }: Sql, batch = CURSOR_BATCH): AsyncGenerator<T[]> {
  const trx = await db.transaction();
  try {
    await trx.raw('set local jit = off');
    await trx.raw(`set local work_mem = '64MB'`);
    await trx.raw('set local enable_nestloop = off');
    await trx.raw('set local cursor_tuple_fraction = 1');
    await trx.raw(`set local statement_timeout = '${EXPORT_STATEMENT_TIMEOUT}'`);
    await trx.raw(`set local idle_in_transaction_session_timeout = '${EXPORT_IDLE_TIMEOUT}'`);
    await trx.raw(`declare arrears_rows no scroll cursor for ${sql}`, bindings);
    for (;;) {
      const { rows } = await trx.raw<{ rows: T[] }>(`fetch forward ${Math.floor(batch)} from arrears_rows`);
      if (rows.length) yield rows;
      if (rows.length < batch) break;
    }
    await trx.commit();
  } finally {
    if (!trx.isCompleted()) await trx.rollback();
  }
}

/** An export's first fetch computes the whole statement: at headquarters, seconds on a loaded machine. */
const EXPORT_STATEMENT_TIMEOUT = '5min';
/** How long an export's transaction may wait for a slow download between two fetches. */
const EXPORT_IDLE_TIMEOUT = '10min';
