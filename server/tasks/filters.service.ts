import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../lib/errors.js';
import type { SavedFilterInput } from './schemas.js';
import { toSavedFilter, type SavedFilter, type SavedFilterRow } from './filters.contract.js';
import { wholeList, type Page } from '../workflow/paging.js';

/** Enough for anyone's tabs; a runaway client cannot fill the table. */
const MAX_PERSONAL_FILTERS = 100;

type FilterRow = SavedFilterRow;

/**
 * Saved worklist filters: personal ones for their owner; department ones for everyone whose
 * department lies in that department's subtree. Sharing with a department needs the right to
 * reassign tasks there (team leaders, department managers): they are the ones who organise the
 * department's work.
 */
export class FiltersService {
  constructor(
    private readonly db: Db,
    private readonly authorization: Authorization,
  ) {}

  async list(actor: Actor): Promise<Page<SavedFilter>> {
    const ancestors = await this.ancestorsOf(actor.departmentId);
    const rows = await this.db('worklist_filters as f')
      .where('f.owner', actor.username)
      .orWhere((w) => {
        w.where('f.scope', 'department').whereIn(
          'f.department_id',
          ancestors.length ? ancestors : [''] /* no department has an empty id; NUL is not valid text in PostgreSQL */,
        );
      })
      .orderBy([{ column: 'f.scope', order: 'desc' }, { column: 'f.name' }, { column: 'f.id' }])
      .select<FilterRow[]>('f.*');
    return wholeList(rows.map(toSavedFilter));
  }

  async create(input: SavedFilterInput, actor: Actor): Promise<SavedFilter> {
    if (input.scope === 'department') {
      const departmentId = input.departmentId as string;
      if (!(await this.authorization.tree()).get(departmentId)) {
        throw new Invalid('VALIDATION_FAILED', `unknown department ${departmentId}`, [
          { field: 'body.departmentId', reason: 'unknown department' },
        ]);
      }
      if (!(await this.authorization.can(actor, 'task', 'reassign', departmentId))) {
        throw new Forbidden(`you may not share filters with ${departmentId}`, 'MAY_NOT_SHARE_FILTER');
      }
    }
    const [counted] = await this.db('worklist_filters')
      .where({ owner: actor.username })
      .count<{ n: number | string }[]>('* as n');
    if (Number(counted?.n ?? 0) >= MAX_PERSONAL_FILTERS) {
      throw new Conflict('TOO_MANY_FILTERS', `at most ${MAX_PERSONAL_FILTERS} saved filters per user`);
    }
    const row = {
      id: randomUUID(),
      owner: actor.username,
      name: input.name,
      scope: input.scope,
      department_id: input.scope === 'department' ? (input.departmentId as string) : null,
      criteria: JSON.stringify(input.criteria),
    };
    const [saved] = await this.db('worklist_filters').insert(row).returning<FilterRow[]>('*');
    if (!saved) throw new Error('the saved filter was not returned');
    return toSavedFilter(saved);
  }

  /** The owner deletes a filter; a department's filter may also be removed by whoever may share there. */
  async remove(id: string, actor: Actor): Promise<void> {
    const row = await this.db('worklist_filters').where({ id }).first<FilterRow | undefined>();
    const visible = row && (row.owner === actor.username || (await this.isVisibleShared(row, actor)));
    if (!row || !visible) throw new NotFound('filter', id);
    const mayRemove =
      row.owner === actor.username ||
      (row.department_id !== null && (await this.authorization.can(actor, 'task', 'reassign', row.department_id)));
    if (!mayRemove) throw new Forbidden('only its owner may delete this filter', 'NOT_FILTER_OWNER');
    await this.db('worklist_filters').where({ id }).delete();
  }

  private async isVisibleShared(row: FilterRow, actor: Actor): Promise<boolean> {
    return row.scope === 'department' && (await this.ancestorsOf(actor.departmentId)).includes(row.department_id ?? '');
  }

  /** The actor's department and every department above it: whose shared filters they see. */
  private async ancestorsOf(departmentId: string | null): Promise<string[]> {
    const tree = await this.authorization.tree();
    const own = tree.get(departmentId);
    if (!own) return [];
    return tree
      .all()
      .filter((d) => own.path.startsWith(d.path))
      .map((d) => d.id);
  }
}
