import type { Knex } from 'knex';

/**
 * Audit rules 8 and 9 (DOMAIN.md §4) on stored data. Rule 8 compares a main meter with its
 * sub-meters: `meters.main_meter_id` names the main meter a sub-meter sits behind (a tenant's or a
 * workshop's meter behind the building's). Rule 9 looks at two months of reactive energy: readings
 * keep the cumulative kvarh register, so each energy bill keeps the month's reactive energy
 * (`bills.reactive_kvarh`, multiplier applied) beside its kWh, as last month's figure for the next run.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('meters', (t) => {
    t.uuid('main_meter_id').references('meters.id');
    t.index(['main_meter_id']);
  });
  await knex.raw('ALTER TABLE meters ADD CONSTRAINT meters_main_meter_not_self_check CHECK (main_meter_id <> id)');
  await knex.schema.alterTable('bills', (t) => {
    t.decimal('reactive_kvarh', 16, 2);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('bills', (t) => {
    t.dropColumn('reactive_kvarh');
  });
  await knex.raw('ALTER TABLE meters DROP CONSTRAINT IF EXISTS meters_main_meter_not_self_check');
  await knex.schema.alterTable('meters', (t) => {
    t.dropIndex(['main_meter_id']);
    t.dropColumn('main_meter_id');
  });
}
