import type { Knex } from 'knex';

/**
 * Login throttling by growing delays instead of lockouts (OWASP Authentication cheat sheet:
 * an attacker must not be able to lock a legitimate user out). Counters are kept per
 * (account, address) and per address; `last_failure_at` lets a counter be forgotten after a
 * quiet period, so a slow guesser keeps the longest delay instead of starting over each window.
 * The old per-account counters (`account:<name>`) blocked a user from everywhere and are dropped.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('login_throttle', (t) => {
    t.timestamp('last_failure_at', { useTz: true });
  });
  await knex('login_throttle').where('key', 'like', 'account:%').delete();
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('login_throttle', (t) => {
    t.dropColumn('last_failure_at');
  });
}
