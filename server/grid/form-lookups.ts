import type { Db } from '../db/index.js';
import { inSubtree } from '../access/department-subtree.js';
import type { FormLookup } from '../forms/lookups.js';
import { areaLoads, spareKva } from './capacity.js';

/**
 * `grid.transformerAreas`: the public transformer areas of the task's department subtree, each
 * labelled with its spare capacity, for the site survey to put the new connection on.
 */
export function transformerAreaOptions(platformDb: Db): FormLookup {
  return async ({ departmentId, db: trx }) => {
    if (!departmentId) return [];
    // inside a completion's transaction, read through it
    const db = trx ?? platformDb;
    const department = await db('departments').where({ id: departmentId }).first<{ path: string } | undefined>('path');
    if (!department) return [];
    const areas = await db('transformer_areas')
      .where({ kind: 'public' })
      .where(inSubtree('department_id', department.path))
      .orderBy('id')
      .limit(500)
      .select<{ id: string; name: string; rated_kva: string }[]>('id', 'name', 'rated_kva');
    const loads = await areaLoads(
      db,
      areas.map((a) => a.id),
    );
    return areas.map((a) => {
      const spare = spareKva(a.rated_kva, loads.get(a.id)?.usedKva ?? 0);
      const rated = Number(a.rated_kva);
      return { value: a.id, label: `${a.name} · 剩余 spare ${spare} / ${rated} kVA` };
    });
  };
}
