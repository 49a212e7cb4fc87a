import type { Knex } from 'knex';

/**
 * Every notice the platform sends (issue 5 §6): who it went to, which process instance and step
 * sent it, the template and the text as rendered, the channel, the gateway and its status. With
 * the development gateway this table *is* the outbox the demo UI shows. One row per idempotency
 * key: a service task retried after a crash sends its notice once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notifications', (t) => {
    t.uuid('id').primary();
    t.text('idempotency_key').notNullable().unique();
    t.uuid('customer_id').references('customers.id');
    t.text('account_no');
    t.text('department_id').references('departments.id');
    t.uuid('instance_id');
    t.text('element_id');
    t.text('template').notNullable();
    t.text('channel').notNullable();
    t.text('recipient').notNullable();
    t.text('locale').notNullable().defaultTo('zh');
    t.text('subject');
    t.text('body').notNullable();
    t.jsonb('params').notNullable().defaultTo('{}');
    t.text('gateway').notNullable();
    t.text('status').notNullable().defaultTo('pending'); // pending | sent | failed
    t.text('provider_message_id');
    t.text('error');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.index(['customer_id', 'created_at']);
    t.index(['instance_id']);
    t.index(['department_id', 'created_at']);
    t.index(['template', 'created_at']);
  });
  await knex.raw(
    `ALTER TABLE notifications ADD CONSTRAINT notifications_channel_check CHECK (channel IN ('sms', 'email'))`,
  );
  await knex.raw(
    `ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('pending', 'sent', 'failed'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('notifications');
}
