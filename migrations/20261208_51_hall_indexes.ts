import type { Knex } from 'knex';

/**
 * The customer hall reads one customer's bills on every home, bill list and bill page (and the
 * arrears report behind them): by customer, newest period first. Bills had no index leading with
 * the customer for every kind (only the energy bills' unique (customer_id, period)), so each of
 * those reads scanned the whole table. This one answers them in the hall's own order.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX bills_customer_period_index ON bills (customer_id, period DESC, issued_at DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX bills_customer_period_index');
}
