import type { Knex } from 'knex';

/**
 * Camunda 7 external tasks (ARCHITECTURE.md "External tasks are jobs that a worker outside the
 * server locks by topic"): one row per service task execution of `camunda:type="external"` that
 * is waiting for a worker. A lock is `worker_id` + `lock_expires_at`, taken with
 * `FOR UPDATE SKIP LOCKED` like the job executor's leases; after a failure the same column holds
 * the retry timeout. `retries` stays null until a worker reports a failure (Camunda's "not set");
 * 0 means an incident is open and the task cannot be fetched.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('external_tasks', (t) => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable().references('process_instances.id');
    t.uuid('definition_id').notNullable();
    t.text('definition_key').notNullable();
    t.text('execution_id').notNullable().unique();
    t.text('element_id').notNullable();
    t.text('topic').notNullable();
    t.bigInteger('priority').notNullable().defaultTo(0);
    t.text('worker_id');
    t.timestamp('lock_expires_at', { useTz: true });
    t.integer('retries');
    t.text('error_message');
    t.text('error_details');
    t.text('business_key');
    t.text('department_id');
    /** The task's camunda:inputParameter values, resolved when it was created: its local variables. */
    t.jsonb('locals').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['instance_id']);
  });
  // What fetchAndLock reads: the fetchable tasks of a topic, highest priority and oldest first.
  await knex.raw(
    `CREATE INDEX external_tasks_fetch_idx ON external_tasks (topic, priority DESC, created_at)
      WHERE retries IS NULL OR retries > 0`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('external_tasks');
}
