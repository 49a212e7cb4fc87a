import type { Db } from '../db/index.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { NotFound } from '../lib/errors.js';
import { departmentScope as accessScope, departmentScopeWithin, inDepartments } from '../access/department-subtree.js';

/**
 * The part of the organisation a dashboard covers: the actor's `dashboard:read` departments
 * (access/department-subtree.ts), narrowed to one department's subtree when asked. Null ids:
 * the whole organisation (headquarters).
 */
export interface DepartmentScope {
  departmentIds: string[] | null;
}

/** One process (all versions or one) as the definition ids that history and tasks carry. */
export interface ProcessSelection {
  key: string;
  version: number | null;
  definitionIds: string[];
  /** The definition whose diagram and element names are shown: the chosen version, else the latest. */
  shown: { id: string; version: number; name: string | null; meta: DefinitionMetaLite };
  versions: number[];
}

export interface DefinitionMetaLite {
  elements: Record<string, { type: string; name: string | null }>;
  userTasks: Record<string, unknown>;
}

export async function departmentScope(
  authorization: Authorization,
  actor: Actor,
  departmentId?: string,
): Promise<DepartmentScope> {
  const scope = departmentId
    ? await departmentScopeWithin(authorization, actor, 'dashboard', 'read', departmentId)
    : await accessScope(authorization, actor, 'dashboard', 'read');
  return { departmentIds: scope.all ? null : scope.departmentIds };
}

/** A where-clause limiting `column` to the scope's departments (nothing when it is everything). */
export function inScope(scope: DepartmentScope, column: string) {
  return inDepartments(
    scope.departmentIds === null ? { all: true } : { all: false, departmentIds: scope.departmentIds },
    column,
  );
}

export async function selectProcess(db: Db, key: string, version?: number): Promise<ProcessSelection> {
  // One statement: every version's id, and the diagram of the one shown (the asked version, else
  // the latest) beside it.
  const rows = (await db('process_definitions')
    .where({ key })
    .select(
      'id',
      'version',
      'name',
      db.raw('CASE WHEN version = COALESCE(?::int, max(version) OVER ()) THEN meta END AS meta', [version ?? null]),
    )
    .orderBy('version', 'desc')) as {
    id: string;
    version: number;
    name: string | null;
    meta: DefinitionMetaLite | string | null;
  }[];
  if (rows.length === 0) throw new NotFound('process definition', key);
  const chosen = version === undefined ? rows : rows.filter((r) => r.version === version);
  const shownRow = chosen[0];
  if (!shownRow?.meta) throw new NotFound('process definition', `${key}:${version}`);
  return {
    key,
    version: version ?? null,
    definitionIds: chosen.map((r) => r.id),
    shown: {
      id: shownRow.id,
      version: shownRow.version,
      name: shownRow.name,
      meta: typeof shownRow.meta === 'string' ? (JSON.parse(shownRow.meta) as DefinitionMetaLite) : shownRow.meta,
    },
    versions: rows.map((r) => r.version),
  };
}
