import type { Db } from '../db/index.js';
import type { Scope } from '../identity/authorization.js';
import { Invalid } from '../lib/errors.js';
import type { Province } from './supervision.contract.js';

/**
 * The provinces of the department tree (level `province`), so a province added to the tree is a
 * filter of the register and the orders without a release. A caller sees the provinces its
 * `risk:read` scope reaches into: HQ all of them, a province or a county its own.
 */
export async function provincesInSight(db: Db, scope: Scope): Promise<Province[]> {
  const q = db('departments as p')
    .where({ 'p.level': 'province', 'p.active': true })
    .orderBy('p.id')
    .select<{ id: string; name: string; name_en: string | null }[]>('p.id', 'p.name', 'p.name_en');
  if (!scope.all) {
    q.whereExists(
      db('departments as d')
        .whereIn('d.id', scope.departmentIds)
        .whereRaw('left(d.path, length(p.path)) = p.path')
        .select(db.raw('1')),
    );
  }
  return (await q).map((r) => ({ id: r.id, name: r.name, nameEn: r.name_en }));
}

/** A province filter must name a province of the tree: an unknown one is a 400, not an empty list. */
export async function assertProvince(db: Db, provinceId: string): Promise<void> {
  const found = await db('departments')
    .where({ id: provinceId, level: 'province' })
    .first<{ id: string } | undefined>('id');
  if (!found) {
    throw new Invalid('UNKNOWN_PROVINCE', `${provinceId} is not a province of the department tree`, [
      { field: 'query.provinceId', reason: 'unknown province' },
    ]);
  }
}
