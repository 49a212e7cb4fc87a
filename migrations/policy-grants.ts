import type { Knex } from 'knex';

/** A policy line a migration grants: the role, the object and the action. */
export type Grant = [role: string, object: string, action: string];

/**
 * Grants new actions to a database whose policy was loaded before they existed (a fresh one loads
 * them from permissions/policy.csv with everything else), and tells every node to reload it.
 */
export async function grantToLoadedPolicy(knex: Knex, grants: Grant[]): Promise<void> {
  const loaded = await knex('casbin_policies').count<{ count: string | number }[]>('* as count').first();
  if (Number(loaded?.count ?? 0) === 0) return;
  await knex('casbin_policies')
    .insert(grants.map(([role_code, object, action]) => ({ role_code, object, action })))
    .onConflict(['role_code', 'object', 'action'])
    .ignore();
  await knex('permission_versions').increment('version', 1);
}
