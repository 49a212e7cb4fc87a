import type { Knex } from 'knex';

/**
 * The arrears reports read every unsettled bill of a scope with its customer's department and
 * category (the scope, the residential rate, internal customers left out). Joined to `customers`,
 * a headquarters report read the million customers for the 140 000 unsettled bills, half of its
 * statement. Each bill now carries its customer's department and category, kept in step by
 * triggers (set when a bill is written, moved with the customer), and the unsettled bills'
 * covering index holds them: the reports read the unsettled bills alone, index-only.
 *
 * Only the unsettled bills are filled here (the settled ones are never read by those reports, and
 * a bill that becomes unsettled again is written, so the trigger fills it then). The fill clears
 * the visibility map of their pages: until the next VACUUM of bills, the index-only reads visit
 * the heap (a VACUUM ANALYZE bills after this migration is worth running on a large table).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE bills ADD COLUMN customer_department_id text, ADD COLUMN customer_elec_type_code text`);
  await knex.raw(`CREATE FUNCTION bills_customer_scope() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' OR NEW.customer_id IS DISTINCT FROM OLD.customer_id
         OR NEW.customer_department_id IS NULL OR NEW.customer_elec_type_code IS NULL THEN
        SELECT c.department_id, c.elec_type_code INTO NEW.customer_department_id, NEW.customer_elec_type_code
          FROM customers c WHERE c.id = NEW.customer_id;
      END IF;
      RETURN NEW;
    END $$`);
  await knex.raw(`CREATE TRIGGER bills_customer_scope BEFORE INSERT OR UPDATE ON bills
    FOR EACH ROW EXECUTE FUNCTION bills_customer_scope()`);
  await knex.raw(`CREATE FUNCTION bills_customer_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE bills SET customer_department_id = NEW.department_id, customer_elec_type_code = NEW.elec_type_code
       WHERE customer_id = NEW.id;
      RETURN NULL;
    END $$`);
  await knex.raw(`CREATE TRIGGER bills_customer_moved AFTER UPDATE OF department_id, elec_type_code ON customers
    FOR EACH ROW WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id
                       OR OLD.elec_type_code IS DISTINCT FROM NEW.elec_type_code)
    EXECUTE FUNCTION bills_customer_moved()`);
  await knex.raw(`UPDATE bills b SET customer_department_id = c.department_id, customer_elec_type_code = c.elec_type_code
                    FROM customers c
                   WHERE c.id = b.customer_id AND b.status IN ('issued', 'partly_paid')`);
  await knex.raw('DROP INDEX IF EXISTS bills_unsettled_cover_idx');
  await knex.raw(
    `CREATE INDEX bills_unsettled_cover_idx ON bills (customer_id, period)
       INCLUDE (id, due_date, total, paid_amount, customer_department_id, customer_elec_type_code)
       WHERE status IN ('issued', 'partly_paid')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS bills_unsettled_cover_idx');
  await knex.raw(
    `CREATE INDEX bills_unsettled_cover_idx ON bills (customer_id, period)
       INCLUDE (id, due_date, total, paid_amount) WHERE status IN ('issued', 'partly_paid')`,
  );
  await knex.raw('DROP TRIGGER IF EXISTS bills_customer_moved ON customers');
  await knex.raw('DROP TRIGGER IF EXISTS bills_customer_scope ON bills');
  await knex.raw('DROP FUNCTION IF EXISTS bills_customer_moved()');
  await knex.raw('DROP FUNCTION IF EXISTS bills_customer_scope()');
  await knex.raw(
    'ALTER TABLE bills DROP COLUMN IF EXISTS customer_department_id, DROP COLUMN IF EXISTS customer_elec_type_code',
  );
}
