import type { Knex } from 'knex';

/**
 * External names: the group names (`management`, `accounting`) and user ids (`demo`, `john`) that
 * processes written for Camunda 7 name as candidates and assignees, each mapped by an
 * administrator to one platform role or one platform user. The task rules read the mapping when
 * they decide who sees and claims a task, so a mapping added later applies to open tasks too.
 * One name, one target: a name meaning two roles would make "who may claim" depend on the order.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('external_names', (t) => {
    t.uuid('id').primary();
    t.text('kind').notNullable();
    t.text('external_name').notNullable();
    t.text('role_code').references('roles.code').onDelete('CASCADE');
    t.uuid('user_id').references('users.id').onDelete('CASCADE');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['kind', 'external_name']);
  });
  await knex.raw(`
    ALTER TABLE external_names ADD CONSTRAINT external_names_target_check CHECK (
      (kind = 'group' AND role_code IS NOT NULL AND user_id IS NULL) OR
      (kind = 'user' AND user_id IS NOT NULL AND role_code IS NULL)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('external_names');
}
