import type { Knex } from 'knex';

/**
 * An escalation decided at HQ's review is written by whichever comes first: the supervision
 * screen that completed the review, or the process's escalate step (which also runs when the
 * review was completed from the worklist). The review task names the escalation, so the two
 * writers record it once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('risk_warning_escalations', (t) => {
    t.uuid('task_id');
  });
  await knex.raw(
    'CREATE UNIQUE INDEX risk_warning_escalations_task_idx ON risk_warning_escalations (task_id) WHERE task_id IS NOT NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS risk_warning_escalations_task_idx');
  await knex.schema.alterTable('risk_warning_escalations', (t) => {
    t.dropColumn('task_id');
  });
}
