import type { Knex } from 'knex';

/**
 * Changes of service, second part (DOMAIN.md §9): a capacity change keeps the day it was applied
 * for (`planned_on`), so a suspension still waiting for its site date counts against the 1996
 * limits with its applied days; and a closing account's deposit applied to its bills is a payment
 * of channel `deposit` on the ledger, beside the refund of what is left.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('capacity_changes', (t) => {
    t.date('planned_on');
  });
  await knex.raw('ALTER TABLE payments DROP CONSTRAINT payments_channel_check');
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_channel_check
       CHECK (channel IN ('counter', 'bank', 'app', 'web', 'direct_debit', 'adjustment', 'deposit'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE payments DROP CONSTRAINT payments_channel_check');
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_channel_check
       CHECK (channel IN ('counter', 'bank', 'app', 'web', 'direct_debit', 'adjustment'))`,
  );
  await knex.schema.alterTable('capacity_changes', (t) => {
    t.dropColumn('planned_on');
  });
}
