import type { Knex } from 'knex';

/**
 * What a residential bill needs to know of the household (DOMAIN.md §5.1): whether it is a
 * low-income household (低保户 / 五保户), which gets the tariff's free kWh a month, and the day the
 * account was connected, from which a mid-year account's tier thresholds are prorated when the
 * tariff's switch says so. The free kWh and the switch are tariff configuration, not customer data.
 * Existing customers are neither: unknown connection days bill on the full thresholds, as before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    t.boolean('low_income').notNullable().defaultTo(false);
    t.date('connected_on');
  });
  await knex.raw(
    `ALTER TABLE customers ADD CONSTRAINT customers_low_income_residential_check
       CHECK (NOT low_income OR elec_type_code IN ('200', '201', '202'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE customers DROP CONSTRAINT IF EXISTS customers_low_income_residential_check');
  await knex.schema.alterTable('customers', (t) => {
    t.dropColumn('connected_on');
    t.dropColumn('low_income');
  });
}
