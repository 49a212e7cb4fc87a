import type { Knex } from 'knex';
import { grantToLoadedPolicy, type Grant } from './policy-grants.js';

/** Who may comment on an instance: the roles that already intervene in instances, and headquarters. */
const GRANTS: Grant[] = [
  ['team_leader', 'instance', 'comment'],
  ['department_manager', 'instance', 'comment'],
  ['hq_supervisor', 'instance', 'comment'],
];

/**
 * Comments on an instance itself (an operator's remark, not tied to a step): kept in the same
 * thread as the comments on its tasks, so an instance's page reads one conversation. Such a
 * comment has no task.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('task_comments', (t) => {
    t.uuid('task_id').nullable().alter();
  });
  await grantToLoadedPolicy(knex, GRANTS);
}

export async function down(knex: Knex): Promise<void> {
  await knex('task_comments').whereNull('task_id').delete();
  await knex.schema.alterTable('task_comments', (t) => {
    t.uuid('task_id').notNullable().alter();
  });
  await knex('casbin_policies').where({ object: 'instance', action: 'comment' }).delete();
}
