import type { Knex } from 'knex';

/**
 * Tariffs as configuration (issue 4 §2, DOMAIN.md "(cfg)"): each row is one tariff with its
 * effective-dated versions as validated JSON, editable through the API, never code.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tariffs', (t) => {
    t.text('code').primary();
    t.text('name').notNullable();
    t.jsonb('definition').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('updated_by').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('tariffs');
}
