import { Invalid } from '../../lib/errors.js';
import { type Dec, type DecimalInput, dec } from '../decimal.js';

/** One customer of a group (集团户): its parent, null for the group's top parent. */
export interface GroupMember {
  customerId: string;
  parentId: string | null;
  arrears: { currentYear: DecimalInput; priorYears: DecimalInput };
}

export interface ArrearsSplit {
  currentYear: string;
  priorYears: string;
  total: string;
}

export interface RolledUpArrears {
  customerId: string;
  /** The group's top parent: the warning order goes to its account manager (DOMAIN.md §7). */
  rootId: string;
  /** 0 for the top parent. */
  depth: number;
  own: ArrearsSplit;
  /** This customer and every descendant. */
  subtree: ArrearsSplit;
}

interface Totals {
  currentYear: Dec;
  priorYears: Dec;
}

const split = ({ currentYear, priorYears }: Totals): ArrearsSplit => ({
  currentYear: currentYear.toFixed(2),
  priorYears: priorYears.toFixed(2),
  total: currentYear.plus(priorYears).toFixed(2),
});

/**
 * Rolls arrears up a group's parent/child tree (DOMAIN.md §7), returning one row per member in
 * input order. Several groups may be passed at once. Throws INVALID_GROUP_TREE on a duplicate id,
 * a parent that is not in the list, or a cycle.
 */
export function rollUpGroupArrears(members: readonly GroupMember[]): RolledUpArrears[] {
  const byId = new Map<string, GroupMember>();
  for (const m of members) {
    if (byId.has(m.customerId)) throw new Invalid('INVALID_GROUP_TREE', `customer ${m.customerId} is listed twice`);
    byId.set(m.customerId, m);
  }
  const subtree = new Map<string, Totals>();
  for (const m of members) {
    subtree.set(m.customerId, { currentYear: dec(m.arrears.currentYear), priorYears: dec(m.arrears.priorYears) });
  }
  const ancestry = new Map<string, { rootId: string; ancestors: string[] }>();
  for (const m of members) ancestry.set(m.customerId, ancestorsOf(m, byId));
  // Each member adds its own arrears to every ancestor's subtree.
  for (const m of members) {
    for (const ancestor of ancestry.get(m.customerId)?.ancestors ?? []) {
      const t = subtree.get(ancestor);
      if (t) {
        t.currentYear = t.currentYear.plus(m.arrears.currentYear);
        t.priorYears = t.priorYears.plus(m.arrears.priorYears);
      }
    }
  }
  return members.map((m) => {
    const path = ancestry.get(m.customerId) ?? { rootId: m.customerId, ancestors: [] };
    const own = { currentYear: dec(m.arrears.currentYear), priorYears: dec(m.arrears.priorYears) };
    return {
      customerId: m.customerId,
      rootId: path.rootId,
      depth: path.ancestors.length,
      own: split(own),
      subtree: split(subtree.get(m.customerId) ?? own),
    };
  });
}

function ancestorsOf(
  member: GroupMember,
  byId: ReadonlyMap<string, GroupMember>,
): { rootId: string; ancestors: string[] } {
  const ancestors: string[] = [];
  let current = member;
  while (current.parentId !== null) {
    const parent = byId.get(current.parentId);
    if (!parent) {
      throw new Invalid(
        'INVALID_GROUP_TREE',
        `customer ${current.customerId} names parent ${current.parentId}, which is not in the group`,
      );
    }
    if (parent.customerId === member.customerId || ancestors.includes(parent.customerId)) {
      throw new Invalid('INVALID_GROUP_TREE', `the group tree has a cycle through customer ${parent.customerId}`);
    }
    ancestors.push(parent.customerId);
    current = parent;
  }
  return { rootId: current.customerId, ancestors };
}

/**
 * The province a department path lies in: the department one level below headquarters
 * (`/HQ/ZJ/ZJ-HZ/` → `ZJ`); headquarters itself for `/HQ/`.
 */
export function provinceOfPath(path: string): string {
  const ids = path.split('/').filter(Boolean);
  return ids[1] ?? ids[0] ?? 'HQ';
}

/** The deepest department whose subtree holds every one of these department paths. */
export function commonDepartment(paths: readonly string[]): string | null {
  const [first, ...rest] = paths.map((p) => p.split('/').filter(Boolean));
  if (!first) return null;
  let depth = first.length;
  for (const ids of rest) {
    let same = 0;
    while (same < Math.min(depth, ids.length) && ids[same] === first[same]) same += 1;
    depth = same;
  }
  return depth > 0 ? (first[depth - 1] ?? null) : null;
}

/** A group member's place: its top parent (rollUpGroupArrears' rootId) and its department's path. */
export interface PlacedMember {
  rootId: string;
  departmentPath: string;
}

/**
 * Where each group's order goes (DOMAIN.md §7: "child tasks per province"), by top parent: the
 * provinces its member accounts sit in (each member's department → its province ancestor, sorted,
 * once each) and the deepest department holding them all, where the order itself belongs.
 */
export function groupPlacement(
  members: readonly PlacedMember[],
): Map<string, { provinces: string[]; departmentId: string | null }> {
  const paths = new Map<string, string[]>();
  for (const m of members) {
    const list = paths.get(m.rootId);
    if (list) list.push(m.departmentPath);
    else paths.set(m.rootId, [m.departmentPath]);
  }
  return new Map(
    [...paths].map(([rootId, list]) => [
      rootId,
      { provinces: [...new Set(list.map(provinceOfPath))].sort(), departmentId: commonDepartment(list) },
    ]),
  );
}
