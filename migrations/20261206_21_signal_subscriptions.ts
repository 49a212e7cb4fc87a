import type { Knex } from 'knex';

/**
 * Signal subscriptions: the executions waiting for a signal (intermediate catch events, boundary
 * events, events after an event-based gateway, event sub-process starts) and the signal start
 * event of an instance just started by a signal (`is_start`, delivered at once in the same
 * transaction and never reached by a broadcast). A signal is a broadcast by name, so the name is
 * the only key; there is no business key as there is for messages.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('signal_subscriptions', (t) => {
    t.uuid('id').primary();
    t.uuid('instance_id').notNullable().references('process_instances.id');
    t.text('execution_id').notNullable().unique();
    t.text('element_id').notNullable();
    t.text('signal_name').notNullable();
    t.boolean('is_start').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['signal_name']);
    t.index(['instance_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('signal_subscriptions');
}
