import type { Knex } from 'knex';

/**
 * The instance search orders by (column, id) in one direction (instance-search.ts): indexes on
 * exactly those pairs serve a page of the newest, or the latest ended, by a short index scan in
 * either direction, instead of sorting a million rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS process_instances_started_id_idx');
  await knex.raw('DROP INDEX IF EXISTS process_instances_ended_at_idx');
  await knex.raw('CREATE INDEX process_instances_started_id_idx ON process_instances (started_at, id)');
  await knex.raw('CREATE INDEX process_instances_ended_id_idx ON process_instances (ended_at, id)');
  await knex.raw('CREATE INDEX process_instances_due_id_idx ON process_instances (due_at, id)');
  // "Current step" probes open tasks by element and instance: index-only.
  await knex.raw('DROP INDEX IF EXISTS tasks_open_element_idx');
  await knex.raw(
    `CREATE INDEX tasks_open_element_instance_idx ON tasks (element_id, instance_id) WHERE status = 'open'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS tasks_open_element_instance_idx');
  await knex.raw(`CREATE INDEX tasks_open_element_idx ON tasks (element_id) WHERE status = 'open'`);
  await knex.raw('DROP INDEX IF EXISTS process_instances_due_id_idx');
  await knex.raw('DROP INDEX IF EXISTS process_instances_ended_id_idx');
  await knex.raw('DROP INDEX IF EXISTS process_instances_started_id_idx');
  await knex.raw('CREATE INDEX process_instances_started_id_idx ON process_instances (started_at DESC, id)');
  await knex.raw(
    'CREATE INDEX process_instances_ended_at_idx ON process_instances (ended_at DESC) WHERE ended_at IS NOT NULL',
  );
}
