import type { Enforcer } from 'casbin';
import type { Db } from '../db/index.js';
import {
  createEnforcer,
  grantedDepartments,
  type PolicyRule,
  type RoleAssignment,
} from '../../permissions/enforcer.js';
import { PERMISSIONS, type PermissionAction, type PermissionObject } from '../../permissions/roles.js';
import type { Actor } from '../lib/actor.js';
import { Forbidden } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { DepartmentTree } from './departments.js';

/** Where an actor may do something: everywhere, or in these departments (subtrees expanded). */
export type Scope = { all: true } | { all: false; departmentIds: string[] };

interface Loaded {
  version: number;
  enforcer: Enforcer;
  policies: PolicyRule[];
  tree: DepartmentTree;
  /** External names (migration 20261205_05) by what they mean: role code → names, user id → names. */
  externalGroups: Map<string, string[]>;
  externalUsers: Map<string, string[]>;
  /**
   * Answers already computed from this policy version, shared by every request: Casbin's answer
   * depends only on its rows and the question, and a new version is a new `Loaded`, so an entry
   * can never outlive the rows it was computed from. Bounded (cleared when full).
   */
  decisions: Map<string, boolean>;
  scopes: Map<string, Scope>;
}

/** Entries a policy version's decision and scope caches hold before they are emptied. */
const DECISIONS_MAX = 50_000;

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= DECISIONS_MAX) cache.clear();
  cache.set(key, value);
  return value;
}

/** The actor's assignments as one key: a scope is compiled from these and the policy only. */
function rolesKey(actor: Actor): string {
  return actor.roles.map((r) => `${r.role}@${r.departmentPath}`).join('|');
}

/** The names that mean an actor in a task's candidates: their username and roles, and the external names mapped to them. */
export interface CandidateNames {
  users: string[];
  /** External group names by the role they mean. */
  groups: Map<string, string[]>;
}

function groupBy(rows: { key: string; name: string }[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const r of rows) result.set(r.key, [...(result.get(r.key) ?? []), r.name]);
  return result;
}

/**
 * Casbin, loaded from PostgreSQL and kept current on every node: each request compares the
 * permission version it read with its session to the loaded one and reloads when they differ,
 * so a change made on one node is enforced by every other node on its very next request.
 */
export class Authorization {
  private loaded: Loaded | null = null;
  private loading: Promise<Loaded> | null = null;
  /**
   * Decisions already taken for an actor, under the policy version they were taken with. The key
   * is the Actor object, which a request builds from its session and drops with it: a request
   * that asks the same question three times (a completion asks whether the task is visible,
   * visible again, completable) decides it once, and the next request — with the roles and
   * policy as they are then — decides afresh. A policy reload in between also starts afresh.
   */
  private readonly decided = new WeakMap<Actor, { version: number; answers: Map<string, Promise<unknown>> }>();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  async currentVersion(): Promise<number> {
    const row = await this.db('permission_versions')
      .where({ id: 1 })
      .first<{ version: number | string } | undefined>('version');
    return Number(row?.version ?? 0);
  }

  /** Makes sure the loaded policy is at least `version` (the version seen by this request). */
  async ensure(version?: number): Promise<Loaded> {
    const wanted = version ?? (await this.currentVersion());
    if (this.loaded && this.loaded.version >= wanted) return this.loaded;
    if (!this.loading) {
      this.loading = this.load().finally(() => {
        this.loading = null;
      });
    }
    const loaded = await this.loading;
    if (loaded.version < wanted) return this.ensure(wanted);
    return loaded;
  }

  private async load(): Promise<Loaded> {
    const version = await this.currentVersion();
    const [policyRows, assignmentRows, tree, externalRows] = await Promise.all([
      this.db('casbin_policies').select<{ role_code: string; object: string; action: string }[]>(
        'role_code',
        'object',
        'action',
      ),
      this.db('user_roles as ur')
        .join('departments as d', 'd.id', 'ur.department_id')
        .select<{ user_id: string; role_code: string; path: string }[]>('ur.user_id', 'ur.role_code', 'd.path'),
      DepartmentTree.load(this.db),
      this.db('external_names').select<
        { kind: string; external_name: string; role_code: string | null; user_id: string | null }[]
      >('kind', 'external_name', 'role_code', 'user_id'),
    ]);
    const policies = policyRows.map((r) => ({ role: r.role_code, object: r.object, action: r.action }));
    const assignments: RoleAssignment[] = assignmentRows.map((r) => ({
      userId: r.user_id,
      role: r.role_code,
      departmentPath: r.path,
    }));
    const enforcer = await createEnforcer(policies, assignments);
    const externalGroups = groupBy(
      externalRows.filter((r) => r.role_code).map((r) => ({ key: r.role_code as string, name: r.external_name })),
    );
    const externalUsers = groupBy(
      externalRows.filter((r) => r.user_id).map((r) => ({ key: r.user_id as string, name: r.external_name })),
    );
    this.loaded = {
      version,
      enforcer,
      policies,
      tree,
      externalGroups,
      externalUsers,
      decisions: new Map(),
      scopes: new Map(),
    };
    this.logger.debug({ version, policies: policies.length, assignments: assignments.length }, 'permissions loaded');
    return this.loaded;
  }

  /** `decide()` once per actor object and policy version (see `decided`); `key` names the question. */
  once<T>(actor: Actor, key: string, decide: () => Promise<T>): Promise<T> {
    const version = this.loaded?.version ?? -1;
    let entry = this.decided.get(actor);
    if (!entry || entry.version !== version) {
      entry = { version, answers: new Map() };
      this.decided.set(actor, entry);
    }
    const answers = entry.answers;
    const known = answers.get(key);
    if (known) return known as Promise<T>;
    const answer = decide();
    answers.set(key, answer);
    answer.catch(() => answers.delete(key));
    return answer;
  }

  async tree(): Promise<DepartmentTree> {
    return (await this.ensure(this.loaded?.version)).tree;
  }

  /** The typed question: may the actor do `action` on `object` in this department? */
  async can<O extends PermissionObject>(
    actor: Actor,
    object: O,
    action: PermissionAction<O>,
    departmentId?: string | null,
  ): Promise<boolean> {
    if (actor.kind === 'system') return true;
    return this.once(actor, `can:${object}:${action}:${departmentId ?? ''}`, () =>
      this.enforce(actor, object, action, departmentId),
    );
  }

  private async enforce(
    actor: Actor,
    object: PermissionObject,
    action: string,
    departmentId: string | null | undefined,
  ): Promise<boolean> {
    const loaded = await this.ensure(this.loaded?.version);
    if (departmentId) {
      const department = loaded.tree.get(departmentId);
      if (!department) return false;
      return this.decide(loaded, actor.id, department.path, object, action);
    }
    // No department: allowed if any of the actor's assignments grants it.
    for (const role of actor.roles) {
      if (await this.decide(loaded, actor.id, role.departmentPath, object, action)) return true;
    }
    return false;
  }

  /** Casbin's answer, computed once per policy version (its role-link walk is a request's costliest CPU). */
  private async decide(
    loaded: Loaded,
    userId: string,
    departmentPath: string,
    object: string,
    action: string,
  ): Promise<boolean> {
    const key = `${userId}\n${departmentPath}\n${object}\n${action}`;
    const known = loaded.decisions.get(key);
    if (known !== undefined) return known;
    return remember(loaded.decisions, key, await loaded.enforcer.enforce(userId, departmentPath, object, action));
  }

  async require<O extends PermissionObject>(
    actor: Actor,
    object: O,
    action: PermissionAction<O>,
    departmentId?: string | null,
  ): Promise<void> {
    if (!(await this.can(actor, object, action, departmentId))) {
      throw new Forbidden(`you may not ${action} ${object}${departmentId ? ` in ${departmentId}` : ''}`);
    }
  }

  /** The departments where the actor may do this: compiled from the same policy rows, for SQL. */
  async scope(actor: Actor, object: PermissionObject, action: string): Promise<Scope> {
    if (actor.kind === 'system') return { all: true };
    return this.once(actor, `scope:${object}:${action}`, () => this.compileScope(actor, object, action));
  }

  private async compileScope(actor: Actor, object: PermissionObject, action: string): Promise<Scope> {
    const loaded = await this.ensure(this.loaded?.version);
    const key = `${object}\n${action}\n${rolesKey(actor)}`;
    const known = loaded.scopes.get(key);
    if (known) return known;
    const assignments = actor.roles.map((r) => ({ userId: actor.id, role: r.role, departmentPath: r.departmentPath }));
    const paths = grantedDepartments(loaded.policies, assignments, object, action);
    // Frozen: one scope object now serves every request of these roles, so none may change it.
    if (paths.some((p) => loaded.tree.isRootPath(p))) return remember(loaded.scopes, key, Object.freeze({ all: true }));
    const departmentIds = Object.freeze([...new Set(paths.flatMap((p) => loaded.tree.subtreeIds(p)))]) as string[];
    return remember(loaded.scopes, key, Object.freeze({ all: false, departmentIds }));
  }

  /** Department ids where the actor holds `role` (subtrees expanded): candidate-group visibility. */
  async roleDepartments(actor: Actor): Promise<Map<string, string[]>> {
    const loaded = await this.ensure(this.loaded?.version);
    const result = new Map<string, string[]>();
    for (const r of actor.roles) {
      result.set(r.role, [...new Set([...(result.get(r.role) ?? []), ...loaded.tree.subtreeIds(r.departmentPath)])]);
    }
    return result;
  }

  /**
   * The external names that mean the actor in a task's candidates (external user ids mapped to
   * them, external groups mapped to their roles). Loaded with the policy and versioned with it,
   * so a mapping changed on one node applies on every node with its next request.
   */
  async candidateNames(actor: Actor): Promise<CandidateNames> {
    const loaded = await this.ensure(this.loaded?.version);
    const groups = new Map<string, string[]>();
    for (const r of actor.roles) {
      const names = loaded.externalGroups.get(r.role);
      if (names) groups.set(r.role, names);
    }
    return { users: loaded.externalUsers.get(actor.id) ?? [], groups };
  }

  /** The actions the actor holds anywhere, for the UI to show or hide things (`GET /auth/me`). */
  async actions(actor: Actor): Promise<string[]> {
    const loaded = await this.ensure(this.loaded?.version);
    const roles = new Set(actor.roles.map((r) => r.role));
    const result = new Set<string>();
    for (const p of loaded.policies) if (roles.has(p.role)) result.add(`${p.object}:${p.action}`);
    return [...result].sort();
  }

  /**
   * What a holder of `role` in this department may do there: every known object and action put
   * to a Casbin enforcer built from the live policy rows and that one assignment, so the answer is
   * the model's, not a second reading of the rows. Null for an unknown department.
   */
  async preview(
    role: string,
    departmentId: string,
  ): Promise<{ departmentIds: string[]; grants: { object: string; action: string; allowed: boolean }[] } | null> {
    const loaded = await this.ensure(this.loaded?.version);
    const department = loaded.tree.get(departmentId);
    if (!department) return null;
    const subject = '~preview';
    const enforcer = await createEnforcer(loaded.policies, [
      { userId: subject, role, departmentPath: department.path },
    ]);
    const grants: { object: string; action: string; allowed: boolean }[] = [];
    for (const [object, actions] of Object.entries(PERMISSIONS)) {
      for (const action of actions) {
        grants.push({ object, action, allowed: await enforcer.enforce(subject, department.path, object, action) });
      }
    }
    return { departmentIds: loaded.tree.subtreeIds(department.path), grants };
  }

  /** Records a permission change: every node sees the new version with its next request. */
  static async bump(trx: Db): Promise<void> {
    await trx('permission_versions').where({ id: 1 }).increment('version', 1);
  }
}
