import type { Knex } from 'knex';
import { grantToLoadedPolicy, type Grant } from './policy-grants.js';

/** Who reads the report centre: the roles that already watch dashboards, each in their subtree. */
const GRANTS: Grant[] = [
  ['team_leader', 'report', 'read'],
  ['department_manager', 'report', 'read'],
  ['hq_supervisor', 'report', 'read'],
];

/** The `report:read` permission of the report centre (server/reports). */
export async function up(knex: Knex): Promise<void> {
  await grantToLoadedPolicy(knex, GRANTS);
}

export async function down(knex: Knex): Promise<void> {
  await knex('casbin_policies').where({ object: 'report', action: 'read' }).delete();
  await knex('permission_versions').increment('version', 1);
}
