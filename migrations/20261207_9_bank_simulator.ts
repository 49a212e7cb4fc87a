import type { Knex } from 'knex';

/**
 * The development bank simulator behind the hall's online payments (DOMAIN.md §8): simulated
 * bank accounts with balances, and one row per debit keyed by its provider reference — the
 * reference the callback carries, so a callback delivered twice finds the same debit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bank_simulator_accounts', (t) => {
    t.string('id', 32).primary();
    t.string('holder', 100).notNullable();
    /** The hall login (phone) whose picker lists this account. */
    t.string('phone', 20).notNullable().index();
    t.decimal('balance', 14, 2).notNullable();
  });
  await knex.raw(
    'ALTER TABLE bank_simulator_accounts ADD CONSTRAINT bank_simulator_balance_check CHECK (balance >= 0)',
  );
  await knex.schema.createTable('bank_simulator_debits', (t) => {
    t.string('reference', 64).primary();
    t.string('bank_account_id', 32).notNullable().references('bank_simulator_accounts.id');
    t.uuid('customer_id').notNullable().references('customers.id');
    t.decimal('amount', 14, 2).notNullable();
    t.timestamp('debited_at', { useTz: true }).notNullable();
    /** The callback's signature, kept so the bank can deliver the same callback again (as banks retry). */
    t.string('signature', 128).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('bank_simulator_debits');
  await knex.schema.dropTable('bank_simulator_accounts');
}
