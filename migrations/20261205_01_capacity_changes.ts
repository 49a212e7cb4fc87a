import type { Knex } from 'knex';

/**
 * Changes of service that seal or unseal capacity (DOMAIN.md §9): suspension 暂停 (203) and its
 * restoration (204), capacity reduction 减容 (201) and its restoration (202). A sealing row carries
 * the day the technician sealed the equipment (and, for a suspension, the last day applied for); a
 * restoration row the day it was unsealed and the sealing it ends, with the kVA it gives back (part
 * of a sealing may be restored on its own day). Only completed rows count for the basic charge.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('capacity_changes', (t) => {
    t.uuid('id').primary();
    t.uuid('customer_id').notNullable().references('customers.id');
    t.text('kind').notNullable();
    t.decimal('capacity_kva', 14, 2).notNullable();
    t.date('sealed_on');
    t.date('planned_end_on');
    t.date('unsealed_on');
    t.uuid('restores_id').references('capacity_changes.id');
    t.text('status').notNullable().defaultTo('applied');
    t.uuid('process_instance_id');
    t.text('recorded_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['customer_id', 'status']);
    t.index(['restores_id']);
  });
  await knex.raw(`
    ALTER TABLE capacity_changes
      ADD CONSTRAINT capacity_changes_kind_check
        CHECK (kind IN ('suspend', 'restore', 'reduce', 'restore-reduction')),
      ADD CONSTRAINT capacity_changes_status_check CHECK (status IN ('applied', 'completed', 'cancelled')),
      ADD CONSTRAINT capacity_changes_kva_check CHECK (capacity_kva > 0),
      ADD CONSTRAINT capacity_changes_restores_check
        CHECK ((kind IN ('suspend', 'reduce')) = (restores_id IS NULL)),
      ADD CONSTRAINT capacity_changes_completed_check
        CHECK (status <> 'completed'
               OR (kind IN ('suspend', 'reduce') AND sealed_on IS NOT NULL)
               OR (kind IN ('restore', 'restore-reduction') AND unsealed_on IS NOT NULL)),
      ADD CONSTRAINT capacity_changes_planned_end_check CHECK (planned_end_on IS NULL OR planned_end_on >= sealed_on)
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('capacity_changes');
}
