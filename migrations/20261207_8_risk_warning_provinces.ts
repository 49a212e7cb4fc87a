import type { Knex } from 'knex';

/**
 * A group customer's warning across provinces (DOMAIN.md §7 "child tasks per province"): one row
 * per province the HQ order fans out to, holding that province's answer (the measure taken and
 * its evidence), whether HQ escalated (督办) or accepted it, and whether it came late.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('risk_warning_provinces', (t) => {
    t.uuid('warning_id').notNullable().references('risk_warnings.id');
    t.text('province_id').notNullable().references('departments.id');
    t.uuid('instance_id').nullable();
    t.string('status', 16).notNullable().defaultTo('open');
    t.smallint('tactic').nullable();
    t.text('measure').nullable();
    t.string('evidence', 500).nullable();
    t.boolean('measure_compliant').nullable();
    t.string('reported_by', 64).nullable();
    t.timestamp('reported_at', { useTz: true }).nullable();
    t.integer('escalations').notNullable().defaultTo(0);
    t.boolean('overdue').notNullable().defaultTo(false);
    t.timestamp('accepted_at', { useTz: true }).nullable();
    t.primary(['warning_id', 'province_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('risk_warning_provinces');
}
