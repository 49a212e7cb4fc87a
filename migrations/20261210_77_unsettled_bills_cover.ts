import type { Knex } from 'knex';

/**
 * The arrears reports read every unsettled bill of a scope (a country: hundreds of thousands,
 * scattered over the whole bills table). This partial index holds the columns they read, so the
 * reading is an index-only scan of the unsettled few instead of a visit to a heap page per bill.
 * It replaces the one on (customer_id, period) alone, whose lookups it answers as well.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS bills_unsettled_cover_idx ON bills (customer_id, period)
       INCLUDE (id, due_date, total, paid_amount) WHERE status IN ('issued', 'partly_paid')`,
  );
  await knex.raw('DROP INDEX IF EXISTS bills_unsettled_customer_idx');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS bills_unsettled_customer_idx ON bills (customer_id, period) WHERE status IN ('issued', 'partly_paid')`,
  );
  await knex.raw('DROP INDEX IF EXISTS bills_unsettled_cover_idx');
}
