import type { Knex } from 'knex';

/** A bill's kWh as the billing report counts it: what the run recorded, else its energy lines (01). */
const kwh = (b: string) =>
  `coalesce(${b}.consumption_kwh, (select coalesce(sum((l ->> 'quantity')::numeric), 0)
     from jsonb_array_elements(${b}.lines) l where l ->> 'type' = '01'))`;

const COLUMNS = 'period, department_id, elec_type_code, tariff_code, kind, status, bills, total, paid_amount, kwh';

/** `rows` (bills, or a trigger's transition table) summed by key, `sign` 1 or -1, as a derived table. */
const signed = (rows: string, sign: 1 | -1) =>
  `select b.customer_id, b.period, b.kind, b.status, ${sign} as bills, ${sign} * b.total as total,
          ${sign} * b.paid_amount as paid_amount, ${sign} * ${kwh('b')} as kwh
     from ${rows} b`;

/** Inserts the deltas of `derived` (rows of `signed`) by the key, their customer's keys joined. */
const insertDeltas = (derived: string) => `
  insert into bill_sums (${COLUMNS})
  select d.period, c.department_id, c.elec_type_code, coalesce(c.tariff_code, ''), d.kind, d.status,
         sum(d.bills), sum(d.total), sum(d.paid_amount), sum(d.kwh)
    from (${derived}) d join customers c on c.id = d.customer_id
   group by d.period, c.department_id, c.elec_type_code, coalesce(c.tariff_code, ''), d.kind, d.status
  having sum(d.bills) <> 0 or sum(d.total) <> 0 or sum(d.paid_amount) <> 0 or sum(d.kwh) <> 0`;

/**
 * The report centre's period sums (billing, collection: bills, amount, paid, kWh by month,
 * department, category, tariff, kind and status), kept exact by the database in the transaction
 * that writes the bills: statement triggers on bills add signed rows (−old, +new, summed per key
 * within the statement), a row trigger on customers moves a customer's bills when their
 * department, category or tariff changes. The rows are deltas, never updated in place, so
 * concurrent payments never wait for one another on a sum row; `bill_sums_compact()` (a daily
 * job) folds them into one row per key. A report over a million customers' bills of a month sums
 * a few hundred rows instead of joining a million bills to their customers.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE bill_sums (
      id bigserial PRIMARY KEY,
      period text NOT NULL,
      department_id text NOT NULL,
      elec_type_code text NOT NULL,
      tariff_code text NOT NULL,
      kind text NOT NULL,
      status text NOT NULL,
      bills bigint NOT NULL,
      total numeric NOT NULL,
      paid_amount numeric NOT NULL,
      kwh numeric NOT NULL
    )`);
  await knex.raw('CREATE INDEX bill_sums_period_idx ON bill_sums (period, department_id)');

  await knex.raw(`CREATE FUNCTION bill_sums_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN ${insertDeltas(signed('new_rows', 1))}; RETURN NULL; END $$`);
  await knex.raw(`CREATE FUNCTION bill_sums_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN ${insertDeltas(`${signed('old_rows', -1)} union all ${signed('new_rows', 1)}`)}; RETURN NULL; END $$`);
  await knex.raw(`CREATE FUNCTION bill_sums_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN ${insertDeltas(signed('old_rows', -1))}; RETURN NULL; END $$`);
  await knex.raw(`CREATE FUNCTION bill_sums_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN DELETE FROM bill_sums; RETURN NULL; END $$`);
  await knex.raw(`CREATE TRIGGER bill_sums_insert AFTER INSERT ON bills
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bill_sums_inserted()`);
  await knex.raw(`CREATE TRIGGER bill_sums_update AFTER UPDATE ON bills
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bill_sums_updated()`);
  await knex.raw(`CREATE TRIGGER bill_sums_delete AFTER DELETE ON bills
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bill_sums_deleted()`);
  await knex.raw(`CREATE TRIGGER bill_sums_truncate AFTER TRUNCATE ON bills
    FOR EACH STATEMENT EXECUTE FUNCTION bill_sums_truncated()`);

  await knex.raw(`CREATE FUNCTION bill_sums_customer_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO bill_sums (${COLUMNS})
      SELECT b.period, k.department_id, k.elec_type_code, k.tariff_code, b.kind, b.status,
             k.sign * count(*), k.sign * sum(b.total), k.sign * sum(b.paid_amount), k.sign * sum(${kwh('b')})
        FROM bills b
       CROSS JOIN (VALUES (-1, OLD.department_id, OLD.elec_type_code, coalesce(OLD.tariff_code, '')),
                          (1, NEW.department_id, NEW.elec_type_code, coalesce(NEW.tariff_code, '')))
             AS k(sign, department_id, elec_type_code, tariff_code)
       WHERE b.customer_id = NEW.id
       GROUP BY b.period, k.sign, k.department_id, k.elec_type_code, k.tariff_code, b.kind, b.status;
      RETURN NULL;
    END $$`);
  await knex.raw(`CREATE TRIGGER bill_sums_customer AFTER UPDATE OF department_id, elec_type_code, tariff_code ON customers
    FOR EACH ROW WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id
                       OR OLD.elec_type_code IS DISTINCT FROM NEW.elec_type_code
                       OR coalesce(OLD.tariff_code, '') IS DISTINCT FROM coalesce(NEW.tariff_code, ''))
    EXECUTE FUNCTION bill_sums_customer_moved()`);

  // Folds the deltas into one row per key. Safe beside writers: the delete takes only the rows
  // committed before it, and the folded rows appear with the deletion, in one commit.
  await knex.raw(`CREATE FUNCTION bill_sums_compact() RETURNS integer LANGUAGE sql AS $$
    WITH gone AS (DELETE FROM bill_sums RETURNING *),
         kept AS (
           INSERT INTO bill_sums (${COLUMNS})
           SELECT period, department_id, elec_type_code, tariff_code, kind, status,
                  sum(bills), sum(total), sum(paid_amount), sum(kwh)
             FROM gone
            GROUP BY period, department_id, elec_type_code, tariff_code, kind, status
           HAVING sum(bills) <> 0 OR sum(total) <> 0 OR sum(paid_amount) <> 0 OR sum(kwh) <> 0
           RETURNING 1)
    SELECT count(*)::integer FROM kept $$`);
  // Sums every bill afresh: for this migration and for bulk loads written with triggers off
  // (the benchmarks' fills); not while bills are being written.
  await knex.raw(`CREATE FUNCTION bill_sums_rebuild() RETURNS void LANGUAGE sql AS $$
    DELETE FROM bill_sums;
    ${insertDeltas(signed('bills', 1))};
  $$`);
  await knex.raw('SELECT bill_sums_rebuild()');

  // The audit-hold report reads only the energy bills a rule flagged, a few of a month's.
  await knex.raw(
    `CREATE INDEX bills_flagged_period_idx ON bills (period) WHERE kind = 'energy' AND jsonb_array_length(audit_flags) > 0`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS bills_flagged_period_idx');
  await knex.raw('DROP TRIGGER IF EXISTS bill_sums_customer ON customers');
  for (const op of ['insert', 'update', 'delete', 'truncate'])
    await knex.raw(`DROP TRIGGER IF EXISTS bill_sums_${op} ON bills`);
  for (const fn of ['inserted', 'updated', 'deleted', 'truncated', 'customer_moved', 'compact', 'rebuild'])
    await knex.raw(`DROP FUNCTION IF EXISTS bill_sums_${fn}()`);
  await knex.raw('DROP TABLE IF EXISTS bill_sums');
}
