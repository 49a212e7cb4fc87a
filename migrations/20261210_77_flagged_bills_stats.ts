import type { Knex } from 'knex';

/**
 * The audit-hold report reads the energy bills a rule flagged through a partial index on
 * `jsonb_array_length(audit_flags) > 0`, but without statistics on that expression the planner
 * guesses a third of a month's bills are flagged (there are none, or a few), joins them to every
 * customer with a hash and compiles the plan with JIT: seconds for an empty answer at a million
 * customers. Statistics on the expression let it count them, and look their customers up one by one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'CREATE STATISTICS IF NOT EXISTS bills_audit_flags_stats ON (jsonb_array_length(audit_flags)) FROM bills',
  );
  await knex.raw('ANALYZE bills');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP STATISTICS IF EXISTS bills_audit_flags_stats');
}
