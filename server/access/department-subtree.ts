import type { Authorization, Scope } from '../identity/authorization.js';
import type { DepartmentTree } from '../identity/departments.js';
import type { Actor } from '../lib/actor.js';
import { Forbidden, NotFound } from '../lib/errors.js';
import type { PermissionObject } from '../../permissions/roles.js';
import type { WhereBuilder } from './rule.js';

export type { Scope } from '../identity/authorization.js';

/**
 * Where the actor may do `action` on `object`, as department ids with subtrees expanded (Casbin
 * grants a role held in a department over its whole subtree; Authorization.scope compiles it).
 */
export async function departmentScope(
  authorization: Authorization,
  actor: Actor,
  object: PermissionObject,
  action: string,
): Promise<Scope> {
  return authorization.scope(actor, object, action);
}

/**
 * The actor's scope narrowed to one department's subtree (a dashboard "for this department"):
 * an unknown department is a 404, one outside the scope a 403.
 */
export async function departmentScopeWithin(
  authorization: Authorization,
  actor: Actor,
  object: PermissionObject,
  action: string,
  departmentId: string,
): Promise<Scope> {
  const scope = await authorization.scope(actor, object, action);
  const tree = await authorization.tree();
  const department = tree.get(departmentId);
  if (!department) throw new NotFound('department', departmentId);
  const subtree = tree.subtreeIds(department.path);
  if (scope.all) return { all: false, departmentIds: subtree };
  if (!scope.departmentIds.includes(departmentId)) {
    throw new Forbidden(`you may not read ${object} of ${departmentId}`);
  }
  return { all: false, departmentIds: subtree.filter((id) => scope.departmentIds.includes(id)) };
}

/** SQL form: the row's department (`column`) lies in the scope. A row without one is only in "everywhere". */
export function inDepartments(scope: Scope, column: string): WhereBuilder {
  return (q) => {
    if (scope.all) return;
    if (scope.departmentIds.length === 0) q.whereRaw('false');
    else q.whereIn(column, scope.departmentIds);
  };
}

/** In-memory form of `inDepartments`. */
export function departmentInScope(scope: Scope, departmentId: string | null): boolean {
  if (scope.all) return true;
  return departmentId !== null && scope.departmentIds.includes(departmentId);
}

/**
 * A permission for a row that may have no department: there, as `Authorization.can` answers
 * without a department, any grant of it anywhere counts.
 */
export function permittedIn(scope: Scope, departmentId: string | null): boolean {
  if (departmentId === null) return scope.all || scope.departmentIds.length > 0;
  return departmentInScope(scope, departmentId);
}

/** SQL form of `permittedIn`. */
export function permittedWhere(scope: Scope, column: string): WhereBuilder {
  return (q) => {
    if (scope.all) return;
    if (scope.departmentIds.length === 0) q.whereRaw('false');
    else {
      q.where((w) => {
        w.whereIn(column, scope.departmentIds).orWhereNull(column);
      });
    }
  };
}

/** `%` and `_` in a path are literal, not patterns. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * SQL form: the row's department (`column`) lies in the subtree at `path`, read from the
 * departments table (for work that runs without the in-memory tree, such as a billing run).
 */
export function inSubtree(column: string, path: string): WhereBuilder {
  return (q) => {
    // PostgreSQL's default LIKE escape is the backslash.
    q.whereIn(column, (sub) => {
      sub
        .from('departments')
        .select('id')
        .where('path', 'like', `${escapeLike(path)}%`);
    });
  };
}

/** In-memory form of `inSubtree`. */
export function departmentInSubtree(tree: DepartmentTree, departmentId: string | null, path: string): boolean {
  return tree.get(departmentId)?.path.startsWith(path) ?? false;
}
