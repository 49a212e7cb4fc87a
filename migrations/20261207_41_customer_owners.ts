import type { Knex } from 'knex';

/**
 * The owners of an account over time (过户, DOMAIN.md §9): the account number stays, the customer
 * record changes from the transfer date, and bills before it stay with the old owner. One row per
 * owner and the days they held the account (`to_on` null: the current owner); the transfer
 * process closes the old row and opens the new one in one transaction.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customer_owners', (t) => {
    t.uuid('id').primary();
    t.uuid('customer_id').notNullable().references('customers.id');
    t.text('name').notNullable();
    t.text('phone');
    t.text('id_no');
    t.text('address');
    t.date('from_on');
    t.date('to_on');
    t.uuid('process_instance_id');
    t.boolean('assumed_arrears').notNullable().defaultTo(false);
    t.text('assumption_document');
    t.text('recorded_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['customer_id', 'from_on']);
  });
  await knex.raw(
    `CREATE UNIQUE INDEX customer_owners_current_idx ON customer_owners (customer_id) WHERE to_on IS NULL`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('customer_owners');
}
