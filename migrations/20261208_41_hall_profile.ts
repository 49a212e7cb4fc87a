import type { Knex } from 'knex';

/**
 * The customer hall's profile and message centre (DOMAIN.md §8): a login's contact details beyond
 * its phone (which stays `customer_logins.phone`, the login name), the notices it subscribes to,
 * e-bill, and which notices of the outbox it has read.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customer_profiles', (t) => {
    t.uuid('login_id').primary().references('customer_logins.id').onDelete('CASCADE');
    t.text('email');
    t.text('mailing_address');
    // Subscribed unless turned off: a login without a row gets every notice, as before the profile.
    t.boolean('notify_bill_issued').notNullable().defaultTo(true);
    t.boolean('notify_due_soon').notNullable().defaultTo(true);
    t.boolean('notify_arrears').notNullable().defaultTo(true);
    t.boolean('notify_outage').notNullable().defaultTo(true);
    t.boolean('e_bill').notNullable().defaultTo(false);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('customer_notice_reads', (t) => {
    t.uuid('login_id').notNullable().references('customer_logins.id').onDelete('CASCADE');
    t.uuid('notification_id').notNullable().references('notifications.id').onDelete('CASCADE');
    t.timestamp('read_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['login_id', 'notification_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('customer_notice_reads');
  await knex.schema.dropTableIfExists('customer_profiles');
}
