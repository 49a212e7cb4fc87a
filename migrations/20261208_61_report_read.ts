import type { Knex } from 'knex';

/** Who reads the report centre: the roles that already watch dashboards, each in their subtree. */
const GRANTS: [role: string, object: string, action: string][] = [
  ['team_leader', 'report', 'read'],
  ['department_manager', 'report', 'read'],
  ['hq_supervisor', 'report', 'read'],
];

/** The `report:read` permission of the report centre (server/reports). */
export async function up(knex: Knex): Promise<void> {
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
  await knex('casbin_policies').where({ object: 'report', action: 'read' }).delete();
  await knex('permission_versions').increment('version', 1);
}
