import type { Knex } from 'knex';

/**
 * An approved meter adjustment (退补, DOMAIN.md §3) posted as money: a back-bill is a bill of kind
 * `adjustment` beside the month's energy bill (one energy bill per customer and month, as before;
 * any number of adjustment bills), a refund is a credit on the account, a `payments` row of kind
 * and channel `adjustment` that settles bills like money received. `source_key` makes a posting
 * idempotent (the service call that posted it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('bills', (t) => {
    t.text('kind').notNullable().defaultTo('energy');
    t.text('source_key').unique();
  });
  await knex.raw(`ALTER TABLE bills ADD CONSTRAINT bills_kind_check CHECK (kind IN ('energy', 'adjustment'))`);
  await knex.raw('ALTER TABLE bills DROP CONSTRAINT bills_customer_id_period_unique');
  await knex.raw(`CREATE UNIQUE INDEX bills_energy_period_unique ON bills (customer_id, period) WHERE kind = 'energy'`);

  await knex.raw('ALTER TABLE payments DROP CONSTRAINT payments_kind_check');
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_kind_check CHECK (kind IN ('payment', 'refund', 'reversal', 'adjustment'))`,
  );
  await knex.raw('ALTER TABLE payments DROP CONSTRAINT payments_channel_check');
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_channel_check
       CHECK (channel IN ('counter', 'bank', 'app', 'web', 'direct_debit', 'adjustment'))`,
  );
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_adjustment_check CHECK ((kind = 'adjustment') = (channel = 'adjustment'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE payments DROP CONSTRAINT payments_adjustment_check');
  await knex.raw('ALTER TABLE payments DROP CONSTRAINT payments_channel_check');
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_channel_check CHECK (channel IN ('counter', 'bank', 'app', 'web', 'direct_debit'))`,
  );
  await knex.raw('ALTER TABLE payments DROP CONSTRAINT payments_kind_check');
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_kind_check CHECK (kind IN ('payment', 'refund', 'reversal'))`,
  );
  await knex.raw('DROP INDEX bills_energy_period_unique');
  await knex.raw('ALTER TABLE bills ADD CONSTRAINT bills_customer_id_period_unique UNIQUE (customer_id, period)');
  await knex.raw('ALTER TABLE bills DROP CONSTRAINT bills_kind_check');
  await knex.schema.alterTable('bills', (t) => {
    t.dropColumn('source_key');
    t.dropColumn('kind');
  });
}
