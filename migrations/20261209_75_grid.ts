import type { Knex } from 'knex';
import { grantToLoadedPolicy, type Grant } from './policy-grants.js';

/**
 * Who reads the grid view and who changes it: everyone who deals with a customer's supply reads
 * it (the surveyor picks a transformer area, the account manager answers "where am I connected"),
 * the meter technician and the leaders move meters between boxes and send planned outage notices.
 */
const GRANTS: Grant[] = [
  ['acceptance_clerk', 'grid', 'read'],
  ['site_surveyor', 'grid', 'read'],
  ['meter_technician', 'grid', 'read'],
  ['account_manager', 'grid', 'read'],
  ['team_leader', 'grid', 'read'],
  ['department_manager', 'grid', 'read'],
  ['hq_supervisor', 'grid', 'read'],
  ['meter_technician', 'grid', 'write'],
  ['team_leader', 'grid', 'write'],
  ['department_manager', 'grid', 'write'],
];

/**
 * The part of the distribution network marketing needs (server/grid/README.md): substation →
 * 10 kV feeder → transformer area (台区) → meter box → customer meter, the kWh the area's summary
 * meter recorded each month, and the planned outage notices sent to an area's or feeder's customers.
 * Each level carries the department that operates it; access is the department-subtree rule.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('substations', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('name_en');
    t.text('voltage_level').notNullable().defaultTo('110kV');
    t.text('department_id').notNullable().references('departments.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['department_id']);
  });
  await knex.schema.createTable('feeders', (t) => {
    t.text('id').primary();
    t.text('substation_id').notNullable().references('substations.id');
    t.text('name').notNullable();
    t.text('name_en');
    t.text('voltage_level').notNullable().defaultTo('10kV');
    t.text('department_id').notNullable().references('departments.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['substation_id']);
    t.index(['department_id']);
  });
  await knex.schema.createTable('transformer_areas', (t) => {
    t.text('id').primary();
    t.text('feeder_id').notNullable().references('feeders.id');
    t.text('name').notNullable();
    t.text('name_en');
    // public: a utility transformer many customers share (公变); dedicated: one customer's own (专变).
    t.text('kind').notNullable().defaultTo('public');
    t.decimal('rated_kva', 12, 2).notNullable();
    t.text('department_id').notNullable().references('departments.id');
    // The asset number of the area's summary meter (台区总表), whose monthly kWh is area_supply.
    t.text('summary_meter_no');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['feeder_id']);
    t.index(['department_id']);
  });
  await knex.raw(
    `ALTER TABLE transformer_areas ADD CONSTRAINT transformer_areas_kind_check CHECK (kind IN ('public', 'dedicated'))`,
  );
  await knex.raw('ALTER TABLE transformer_areas ADD CONSTRAINT transformer_areas_rated_check CHECK (rated_kva > 0)');
  await knex.schema.createTable('meter_boxes', (t) => {
    t.text('id').primary();
    t.text('area_id').notNullable().references('transformer_areas.id');
    t.text('name').notNullable();
    t.text('location');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['area_id']);
  });
  await knex.schema.alterTable('meters', (t) => {
    t.text('meter_box_id').references('meter_boxes.id');
    t.index(['meter_box_id']);
  });
  await knex.schema.createTable('area_supply', (t) => {
    t.text('area_id').notNullable().references('transformer_areas.id');
    t.text('period').notNullable();
    t.decimal('kwh', 14, 2).notNullable();
    t.text('recorded_by').notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['area_id', 'period']);
  });
  await knex.raw(
    `ALTER TABLE area_supply ADD CONSTRAINT area_supply_period_check CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')`,
  );
  await knex.raw('ALTER TABLE area_supply ADD CONSTRAINT area_supply_kwh_check CHECK (kwh >= 0)');
  await knex.schema.createTable('planned_outages', (t) => {
    t.uuid('id').primary();
    t.text('target_type').notNullable();
    t.text('target_id').notNullable();
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.text('reason').notNullable();
    t.text('department_id').notNullable().references('departments.id');
    t.integer('customers').notNullable();
    t.integer('sent').notNullable();
    t.integer('unsubscribed').notNullable();
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // One notice per target and window: a repeated request answers the first one.
    t.unique(['target_type', 'target_id', 'starts_at', 'ends_at']);
  });
  await knex.raw(
    `ALTER TABLE planned_outages ADD CONSTRAINT planned_outages_target_check CHECK (target_type IN ('area', 'feeder'))`,
  );
  await knex.raw('ALTER TABLE planned_outages ADD CONSTRAINT planned_outages_window_check CHECK (ends_at > starts_at)');
  await grantToLoadedPolicy(knex, GRANTS);
}

export async function down(knex: Knex): Promise<void> {
  await knex('casbin_policies').where({ object: 'grid' }).delete();
  await knex('permission_versions').increment('version', 1);
  await knex.schema.dropTable('planned_outages');
  await knex.schema.dropTable('area_supply');
  await knex.schema.alterTable('meters', (t) => {
    t.dropIndex(['meter_box_id']);
    t.dropColumn('meter_box_id');
  });
  await knex.schema.dropTable('meter_boxes');
  await knex.schema.dropTable('transformer_areas');
  await knex.schema.dropTable('feeders');
  await knex.schema.dropTable('substations');
}
