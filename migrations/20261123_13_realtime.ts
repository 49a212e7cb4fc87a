import type { Knex } from 'knex';

/**
 * An outbox row's time is when it was written — the end of its transaction, just before commit —
 * not when the transaction began (`now()`): clients show it and the realtime bench measures
 * commit → arrival from it.
 *
 * Realtime across nodes: the Socket.IO PostgreSQL adapter relays broadcasts with NOTIFY and
 * keeps payloads over NOTIFY's 8 000-byte limit in this table (its own cleanup empties it every
 * 30 s). The embedded database runs a single node with the in-memory adapter: no table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE outbox ALTER COLUMN created_at SET DEFAULT clock_timestamp()');
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(
    `CREATE TABLE IF NOT EXISTS socket_io_attachments (
       id bigserial UNIQUE,
       created_at timestamptz DEFAULT now(),
       payload bytea
     )`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE outbox ALTER COLUMN created_at SET DEFAULT now()');
  await knex.raw('DROP TABLE IF EXISTS socket_io_attachments');
}
