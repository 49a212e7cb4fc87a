import type { Knex } from 'knex';

/**
 * Where a meter hung before: each move between meter boxes with the billing month from which the
 * meter counts in its new box. A transformer area's line loss of a past month bills the customers
 * that were connected to it in that month (server/grid/line-loss.ts), not those connected now.
 * A meter without moves has always been in its current box.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('meter_moves', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('meter_id').notNullable().references('meters.id');
    t.text('from_box_id').references('meter_boxes.id');
    t.text('to_box_id').notNullable().references('meter_boxes.id');
    // The first billing month billed in the new box (YYYY-MM).
    t.text('effective_period').notNullable();
    t.text('moved_by').notNullable();
    t.timestamp('moved_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['meter_id', 'effective_period']);
    t.index(['from_box_id']);
  });
  await knex.raw(
    `ALTER TABLE meter_moves ADD CONSTRAINT meter_moves_period_check CHECK (effective_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('meter_moves');
}
