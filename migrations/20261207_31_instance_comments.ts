import type { Knex } from 'knex';

/** Who may comment on an instance: the roles that already intervene in instances, and headquarters. */
const GRANTS: [role: string, object: string, action: string][] = [
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
  // A database whose policy was loaded before this action existed gets it too (a fresh one loads
  // it from permissions/policy.csv).
  const loaded = await knex('casbin_policies').count<{ count: string | number }[]>('* as count').first();
  if (Number(loaded?.count ?? 0) > 0) {
    await knex('casbin_policies')
      .insert(GRANTS.map(([role_code, object, action]) => ({ role_code, object, action })))
      .onConflict(['role_code', 'object', 'action'])
      .ignore();
    await knex('permission_versions').increment('version', 1);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex('task_comments').whereNull('task_id').delete();
  await knex.schema.alterTable('task_comments', (t) => {
    t.uuid('task_id').notNullable().alter();
  });
  await knex('casbin_policies').where({ object: 'instance', action: 'comment' }).delete();
}
