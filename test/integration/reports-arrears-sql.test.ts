import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addArrears,
  arrearsByDepartment,
  zero,
  type DepartmentFigures,
} from '../../server/reports/collection.report.js';
import { billArrearsSql, cursorArrears, queryArrears } from '../../server/reports/arrears.sql.js';
import { BACKENDS } from '../support/database.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const DEPARTMENT = 'ZJ-HZ-XH';
const scope = { all: false, departmentIds: [DEPARTMENT] };

/**
 * The collection report's SQL arrears (`billArrearsSql`) against the customer arrears' own
 * computation (`arrearsOf` + `quoteLateFee`, through `addArrears`), on bills that take every
 * branch of the late-fee rule: payments before and after the due date, a reversed payment, a
 * payment after the day asked, a fee under one yuan, a year end crossed at 3 ‰, a deferral, a
 * partial and a whole waiver, a pending request that counts for nothing.
 */
describe.each(BACKENDS)('collection arrears in SQL (%s)', (backend) => {
  let t: TestPlatform;
  const db = () => t.platform.services.db;

  async function customer(elecTypeCode: string) {
    const id = randomUUID();
    await db()('customers').insert({
      id,
      account_no: `SQL${randomUUID().slice(0, 8)}`,
      name: '违约金核对',
      department_id: DEPARTMENT,
      elec_type_code: elecTypeCode,
    });
    return id;
  }

  async function bill(customerId: string, period: string, total: string, dueDate: string, paid = '0') {
    const id = randomUUID();
    await db()('bills').insert({
      id,
      customer_id: customerId,
      period,
      total,
      status: paid === '0' ? 'issued' : 'partly_paid',
      paid_amount: paid,
      due_date: dueDate,
      issued_by: 'sql-test',
    });
    return id;
  }

  async function pay(customerId: string, billId: string, amount: string, at: string, reversed = false) {
    const id = randomUUID();
    await db()('payments').insert({
      id,
      customer_id: customerId,
      kind: 'payment',
      channel: 'counter',
      amount,
      paid_at: at,
      created_by: 'sql-test',
    });
    await db()('payment_allocations').insert({ payment_id: id, bill_id: billId, amount });
    if (reversed) {
      await db()('payments').insert({
        id: randomUUID(),
        customer_id: customerId,
        kind: 'reversal',
        channel: 'counter',
        amount,
        paid_at: at,
        reverses_payment_id: id,
        created_by: 'sql-test',
      });
    }
  }

  async function relief(
    customerId: string,
    billId: string,
    fields: { kind: 'waiver' | 'deferral'; amount?: string; deferTo?: string; status?: string },
  ) {
    await db()('late_fee_reliefs').insert({
      id: randomUUID(),
      customer_id: customerId,
      bill_id: billId,
      kind: fields.kind,
      amount: fields.amount ?? null,
      defer_to: fields.deferTo ?? null,
      reason: 'sql-test',
      status: fields.status ?? 'approved',
      requested_by: 'sql-test',
      requested_at: '2019-01-01T00:00:00Z',
    });
  }

  beforeAll(async () => {
    t = await startTestPlatform(backend, { jobs: false });
    // a commercial bill of November 2018: 200 paid before its due date, 300 after, 100 reversed,
    // 50 paid in March 2019 (after some of the days asked); it crosses the year end (3 ‰)
    const shop = await customer('400');
    const nov = await bill(shop, '2018-11', '1000.00', '2018-12-15', '550.00');
    await pay(shop, nov, '200.00', '2018-12-10T02:00:00Z');
    await pay(shop, nov, '300.00', '2019-01-10T02:00:00Z');
    await pay(shop, nov, '100.00', '2019-01-20T02:00:00Z', true);
    // paid at 23:30 Shanghai on 1 March: the Shanghai day, not the UTC one, counts
    await pay(shop, nov, '50.00', '2019-03-01T15:30:00Z');
    await bill(shop, '2019-04', '120.00', '2019-05-15');
    // a household's tiny bill: its fee is under a yuan, charged as 1.00
    const home = await customer('202');
    await bill(home, '2019-03', '0.50', '2019-04-15');
    await bill(home, '2018-12', '80.00', '2019-01-15');
    // a commercial bill deferred to 1 April, 0.50 of its fee waived, a pending waiver beside
    const deferred = await customer('400');
    const feb = await bill(deferred, '2019-02', '400.00', '2019-03-15');
    await relief(deferred, feb, { kind: 'deferral', deferTo: '2019-04-01' });
    await relief(deferred, feb, { kind: 'waiver', amount: '0.50' });
    await relief(deferred, feb, { kind: 'waiver', status: 'pending' });
    // a large industrial bill whose whole fee is waived
    const plant = await customer('100');
    const jan = await bill(plant, '2019-01', '5000.00', '2019-02-15');
    await relief(plant, jan, { kind: 'waiver' });
  });
  afterAll(() => t?.close());

  const reference = async (asOf: string) => {
    const figures = new Map<string, DepartmentFigures>();
    const of = (id: string) => figures.get(id) ?? figures.set(id, zero()).get(id)!;
    await addArrears(db(), scope, asOf, of);
    const f = figures.get(DEPARTMENT) ?? zero();
    return [f.currentMonth, f.earlierThisYear, f.priorYears, f.lateFees].map((d) => d.toFixed(2));
  };

  const sql = async (asOf: string) => {
    const [row] = await arrearsByDepartment(db(), scope, asOf);
    if (!row) return ['0.00', '0.00', '0.00', '0.00'];
    return [row.current_month, row.earlier_this_year, row.prior_years, row.late_fees].map((v) => Number(v).toFixed(2));
  };

  it.each([
    '2018-12-14',
    '2018-12-31',
    '2019-01-05',
    '2019-01-25',
    '2019-03-01',
    '2019-03-02',
    '2019-04-16',
    '2019-04-30',
    '2019-12-31',
    '2020-02-29',
  ])('gives the same arrears by age and late fees as arrearsOf on %s', async (asOf) => {
    const expected = await reference(asOf);
    expect(await sql(asOf)).toEqual(expected);
  });

  it('charges something on the days that have fees (the comparison is not of zeros)', async () => {
    expect(Number((await reference('2019-04-30'))[3])).toBeGreaterThan(10);
  });

  it('follows a customer who moves to another department or category (the bills carry both, kept by triggers)', async () => {
    // given a shop in one county with a bill of 100.00 unpaid since 15 April
    const [from, to] = ['ZJ-HZ-YH', 'ZJ-NB-YZ'];
    const id = randomUUID();
    await db()('customers').insert({
      id,
      account_no: `MOV${id.slice(0, 8)}`,
      name: '迁户',
      department_id: from,
      elec_type_code: '400',
    });
    await bill(id, '2019-03', '100.00', '2019-04-15');
    const lateFees = async () =>
      Object.fromEntries(
        (await arrearsByDepartment(db(), { all: false, departmentIds: [from, to] }, '2019-04-30')).map((r) => [
          r.department_id,
          Number(r.late_fees).toFixed(2),
        ]),
      );
    // 15 days at 2 ‰ a day
    expect(await lateFees()).toEqual({ [from]: '3.00' });
    // when it moves to another county and becomes a household
    await db()('customers').where({ id }).update({ department_id: to, elec_type_code: '202' });
    // then its bill counts in the new county, at 1 ‰ a day
    expect(await lateFees()).toEqual({ [to]: '1.50' });
  });

  it('reads a statement through a cursor batch by batch: the rows it answers at once, whatever the batch', async () => {
    // given every unsettled bill with its late fee on a day
    const { sql, bindings } = billArrearsSql(scope, '2019-04-30');
    const statement = { sql: `${sql} select id, outstanding, late_fee from bill_arrears order by id`, bindings };
    const whole = await queryArrears(db(), statement, true);
    expect(whole.length).toBeGreaterThan(3);
    for (const batch of [1, 2, 1000]) {
      // when it is read through a cursor
      const batches: unknown[][] = [];
      for await (const rows of cursorArrears(db(), statement, batch)) batches.push(rows);
      // then the same rows come, in batches of that size
      expect(batches.flat()).toEqual(whole);
      expect(batches.map((b) => b.length)).toEqual(
        Array.from({ length: Math.ceil(whole.length / batch) }, (_, i) => Math.min(batch, whole.length - i * batch)),
      );
    }
  });

  it('ends the cursor’s transaction when its reader stops early', async () => {
    const { sql, bindings } = billArrearsSql(scope, '2019-04-30');
    for await (const rows of cursorArrears(db(), { sql: `${sql} select id from bill_arrears`, bindings }, 1)) {
      expect(rows).toHaveLength(1);
      break;
    }
    // no connection is left in the cursor's transaction (PGlite has one connection; the server lists its sessions)
    const leftOpen =
      backend === 'pglite'
        ? `select (select count(*) from pg_cursors where name = 'arrears_rows')
                  + (current_setting('cursor_tuple_fraction') <> '0.1')::int as n`
        : `select count(*) as n from pg_stat_activity
            where datname = current_database() and state like 'idle in transaction%'`;
    expect((await db().raw<{ rows: { n: number }[] }>(leftOpen)).rows[0]?.n).toBe(0);
  });
});
