import type { Knex } from 'knex';

/**
 * The designer's drafts (issue 7): a process being drawn, saved without deploying, with its
 * task forms. One draft per process key; `revision` gives optimistic concurrency between two
 * designers (a stale save is refused, never silently overwritten).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('designer_drafts', (t) => {
    t.text('key').primary();
    t.text('name');
    t.text('xml').notNullable();
    // [{ id, schema }]: form-js forms saved and deployed with the process, linked by formKey.
    t.jsonb('forms').notNullable().defaultTo('[]');
    t.integer('revision').notNullable();
    // The deployed version the draft started from (null: a new process).
    t.integer('base_version');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('updated_by').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('designer_drafts');
}
