import type { Knex } from 'knex';

/**
 * The customer hall's own realm (网上营业厅, DOMAIN.md §8): customer logins, the accounts each
 * login holds, customer sessions and SMS codes. Nothing here references `users`: a customer is
 * never a staff subject, and a staff session never reads these tables.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customer_logins', (t) => {
    t.uuid('id').primary();
    /** The phone the login was registered with: its login name and where its SMS codes go. */
    t.text('phone').notNullable().unique();
    t.text('display_name').notNullable();
    t.text('password_hash').notNullable();
    t.text('status').notNullable().defaultTo('active'); // active | disabled
    t.timestamp('password_changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    `ALTER TABLE customer_logins ADD CONSTRAINT customer_logins_status_check CHECK (status IN ('active', 'disabled'))`,
  );
  // One account belongs to at most one login; one login holds several accounts (home, shop).
  await knex.schema.createTable('customer_login_accounts', (t) => {
    t.uuid('login_id').notNullable().references('customer_logins.id').onDelete('CASCADE');
    t.uuid('customer_id').notNullable().unique().references('customers.id');
    t.timestamp('linked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['login_id', 'customer_id']);
  });
  await knex.schema.createTable('customer_sessions', (t) => {
    t.text('id').primary(); // sha256 of the cookie's token
    t.uuid('login_id').notNullable().references('customer_logins.id').onDelete('CASCADE');
    t.text('csrf_token').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.text('ip');
    t.text('user_agent');
    t.index(['login_id']);
  });
  // A code is kept only as an HMAC under a random salt of its own row; the plain code lives only
  // in the SMS (with the development gateway, in the notifications outbox).
  await knex.schema.createTable('sms_codes', (t) => {
    t.uuid('id').primary();
    /** Whom the limits count against: the phone, or the login name that matched no login. */
    t.text('recipient_key').notNullable();
    t.text('purpose').notNullable();
    t.text('salt').notNullable();
    t.text('code_hash').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.uuid('notification_id');
    t.index(['recipient_key', 'created_at']);
  });
  await knex.raw(
    `ALTER TABLE sms_codes ADD CONSTRAINT sms_codes_purpose_check CHECK (purpose IN ('register', 'sign-in', 'reset', 'change-phone'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sms_codes');
  await knex.schema.dropTableIfExists('customer_sessions');
  await knex.schema.dropTableIfExists('customer_login_accounts');
  await knex.schema.dropTableIfExists('customer_logins');
}
