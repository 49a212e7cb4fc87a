import { readFileSync } from 'node:fs';
import { newEnforcer, newModelFromString, StringAdapter, type Enforcer } from 'casbin';
import type { PermissionAction, PermissionObject } from './roles.js';

export const MODEL_TEXT = readFileSync(new URL('./model.conf', import.meta.url), 'utf8');
export const DEFAULT_POLICY_TEXT = readFileSync(new URL('./policy.csv', import.meta.url), 'utf8');

/** A policy row: a role may do `action` on `object`. */
export interface PolicyRule {
  role: string;
  object: string;
  action: string;
}

/** A user holds a role in a department (and so in its whole subtree). */
export interface RoleAssignment {
  userId: string;
  role: string;
  departmentPath: string;
}

export function parsePolicyCsv(text: string): PolicyRule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(',').map((cell) => cell.trim()))
    .filter((cells) => cells[0] === 'p')
    .map(([, role, object, action]) => ({ role: role as string, object: object as string, action: action as string }));
}

/** The subtree rule: a grant on "/HQ/ZJ/" covers "/HQ/ZJ/ZJ-HZ/…". Paths end with "/". */
export function coversDepartment(requestPath: string, grantPath: string): boolean {
  return requestPath.startsWith(grantPath);
}

/**
 * Builds a Casbin enforcer from the model, the policy rows and the role assignments. Casbin is
 * the single place that decides: `can()` below asks it, and the SQL filters are compiled from
 * the same rows (see `grantedDepartments`).
 */
export async function createEnforcer(policies: PolicyRule[], assignments: RoleAssignment[]): Promise<Enforcer> {
  const lines = [
    ...policies.map((p) => `p, ${p.role}, ${p.object}, ${p.action}`),
    ...assignments.map((a) => `g, ${a.userId}, ${a.role}, ${a.departmentPath}`),
  ].join('\n');
  const enforcer = await newEnforcer(newModelFromString(MODEL_TEXT), new StringAdapter(lines));
  await enforcer.addNamedDomainMatchingFunc('g', (requestDomain: string, grantDomain: string) =>
    coversDepartment(requestDomain, grantDomain),
  );
  await enforcer.buildRoleLinks();
  return enforcer;
}

/** The typed question every route and every room join asks. */
export async function can<O extends PermissionObject>(
  enforcer: Enforcer,
  userId: string,
  departmentPath: string,
  object: O,
  action: PermissionAction<O>,
): Promise<boolean> {
  return enforcer.enforce(userId, departmentPath, object, action);
}

/**
 * Where a user may do an action: the department paths of the assignments whose role grants it.
 * Lists filter on these in SQL (a department's subtree is `path LIKE prefix || '%'`), so a list
 * never loads rows to check them one by one.
 */
export function grantedDepartments(
  policies: PolicyRule[],
  assignments: RoleAssignment[],
  object: string,
  action: string,
): string[] {
  const roles = new Set(
    policies
      .filter((p) => (p.object === '*' || p.object === object) && (p.action === '*' || p.action === action))
      .map((p) => p.role),
  );
  const paths = assignments.filter((a) => roles.has(a.role)).map((a) => a.departmentPath);
  // Drop paths already covered by an ancestor path in the list.
  return [...new Set(paths)]
    .filter((p, _, all) => !all.some((other) => other !== p && coversDepartment(p, other)))
    .sort();
}
