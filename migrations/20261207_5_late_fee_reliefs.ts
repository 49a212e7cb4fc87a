import type { Knex } from 'knex';

/**
 * Waivers and deferrals of late fees (DOMAIN.md §6: they need an approval task). A request is
 * `pending` while its approval runs; only `approved` ones change the late fee an account owes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('late_fee_reliefs', (t) => {
    t.uuid('id').primary();
    t.uuid('customer_id').notNullable().references('customers.id');
    t.uuid('bill_id').notNullable().references('bills.id');
    t.string('kind', 16).notNullable();
    // A waiver's amount; null waives the whole fee.
    t.decimal('amount', 14, 2).nullable();
    t.date('defer_to').nullable();
    t.string('reason', 500).notNullable();
    t.string('status', 16).notNullable().defaultTo('pending');
    t.uuid('instance_id').nullable();
    t.string('requested_by', 64).notNullable();
    t.timestamp('requested_at', { useTz: true }).notNullable();
    t.string('decided_by', 64).nullable();
    t.timestamp('decided_at', { useTz: true }).nullable();
    t.string('decision_comment', 500).nullable();
    t.index(['customer_id', 'requested_at']);
    t.index(['bill_id', 'status']);
  });
  await knex.raw(
    `ALTER TABLE late_fee_reliefs ADD CONSTRAINT late_fee_reliefs_kind CHECK (
       (kind = 'waiver' AND defer_to IS NULL AND (amount IS NULL OR amount > 0))
       OR (kind = 'deferral' AND defer_to IS NOT NULL AND amount IS NULL))`,
  );
  await knex.raw(
    `ALTER TABLE late_fee_reliefs ADD CONSTRAINT late_fee_reliefs_status CHECK (status IN ('pending', 'approved', 'rejected'))`,
  );
  // One open request per bill: a second waits for the first's decision.
  await knex.raw(
    `CREATE UNIQUE INDEX late_fee_reliefs_one_pending ON late_fee_reliefs (bill_id) WHERE status = 'pending'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('late_fee_reliefs');
}
