import type { Knex } from 'knex';

/**
 * Task forms (issue 5 §7): form-js JSON schemas deployed with the processes that use them. Each
 * form id has versions like a process key; a deployed process version remembers which version of
 * each form it was deployed with, so a task shows the form its process was drawn against.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('forms', (t) => {
    t.uuid('id').primary();
    t.text('form_id').notNullable();
    t.integer('version').notNullable();
    t.text('name');
    t.jsonb('schema').notNullable();
    t.text('schema_hash').notNullable();
    t.text('deployed_by').notNullable();
    t.timestamp('deployed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['form_id', 'version']);
    t.index(['form_id', 'schema_hash']);
  });
  await knex.schema.createTable('definition_forms', (t) => {
    t.uuid('definition_id').notNullable().references('process_definitions.id').onDelete('CASCADE');
    t.text('form_id').notNullable();
    t.uuid('form_version_id').notNullable().references('forms.id');
    t.primary(['definition_id', 'form_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('definition_forms');
  await knex.schema.dropTableIfExists('forms');
}
