import type { Knex } from 'knex';

/**
 * Delegation with the owner round trip (Camunda's delegateTask / resolveTask): the holder hands
 * the task to a colleague, who works on it and resolves it back; the owner then completes it.
 * `owner` is who delegated, `delegation_state` 'pending' while the delegate has it, 'resolved'
 * once it is back with the owner. A reassignment ends a delegation (both null).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.text('owner');
    t.text('delegation_state');
  });
  await knex.raw(
    `ALTER TABLE tasks ADD CONSTRAINT tasks_delegation_state_check CHECK (delegation_state IN ('pending', 'resolved'))`,
  );
  // "My tasks" lists what I delegated and wait to get back: few rows, found by their owner.
  await knex.raw(`CREATE INDEX tasks_delegated_owner_idx ON tasks (owner) WHERE delegation_state = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS tasks_delegated_owner_idx');
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('delegation_state');
    t.dropColumn('owner');
  });
}
