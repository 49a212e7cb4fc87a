import type { Knex } from 'knex';

/**
 * DOMAIN.md §7 rule H8: a customer on the dishonest-customer list (失信名单) is high-risk, level A.
 * The day the customer was listed; null when not listed (a delisting clears it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    t.date('dishonest_listed_on');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => t.dropColumn('dishonest_listed_on'));
}
