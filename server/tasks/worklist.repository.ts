import { staffTaskWhere } from '../access/applicant-task.js';
import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import { branchUnion, countBranches, countBranchSets, TASK_LISTS, taskOrder } from '../workflow/branch-union.js';
import { TASK_COLUMNS } from './tasks.contract.js';
import { displayNames } from '../workflow/user-names.js';
import { unassignedIds, unassignedWhere } from './unassigned.js';
import type { TaskBranch } from '../workflow/visibility.js';
import type { WorklistCriteria } from './schemas.js';
import type { WorklistRow } from './worklist.contract.js';

export const WORKLIST_COLUMNS = [...TASK_COLUMNS, 'customer_id', 'account_no'];

export type { WorklistRow };

/** What the criteria resolve to before SQL: customers matching `q`, the department subtree. */
export interface ResolvedCriteria extends WorklistCriteria {
  matchingCustomers?: { ids: string[]; accountNos: string[] };
  departmentIds?: string[];
}

/** `%`, `_` and `\` in a search fragment match themselves. */
export function likeFragment(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The worklist's SQL: the page as a union of index scans, and a capped total. */
export class WorklistRepository {
  constructor(private readonly db: Db) {}

  private base(criteria: ResolvedCriteria, select: readonly string[] | null): () => Knex.QueryBuilder {
    return () => {
      const q = this.db('tasks');
      if (select) q.select(select);
      // Every view is a staff view: a customer step is never on it, whichever branch would match.
      q.where(staffTaskWhere('tasks'));
      // The status as a literal: a plan kept for the text (prepared.ts) can then use the
      // partial indexes of open (or completed) tasks.
      if (criteria.view === 'completed') q.whereRaw(`status = 'completed'`);
      else q.whereRaw(`status = 'open'`);
      if (criteria.view === 'claimable') q.whereNull('assignee');
      if (criteria.view === 'unassigned') q.where(unassignedWhere('tasks'));
      applyCriteria(q, criteria);
      return q;
    };
  }

  async page(
    branches: TaskBranch[],
    criteria: ResolvedCriteria,
    offset: number,
    limit: number,
  ): Promise<{ rows: WorklistRow[]; hasMore: boolean }> {
    const sort = criteria.sort ?? (criteria.view === 'completed' ? 'completed' : 'created');
    const order = taskOrder(sort, criteria.order ?? (criteria.view === 'completed' ? 'desc' : undefined));
    const union = branchUnion(
      searching(branches, criteria),
      this.base(criteria, WORKLIST_COLUMNS),
      order,
      offset + limit + 1,
    );
    const rows = await TASK_LISTS.rows<WorklistRow>(this.db, `${union.sql} LIMIT ? OFFSET ?`, [
      ...union.bindings,
      limit + 1,
      offset,
    ]);
    return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  count(branches: TaskBranch[], criteria: ResolvedCriteria, cap: number) {
    return countBranches(this.db, searching(branches, criteria), this.base(criteria, null), cap);
  }

  /** Several counts in one statement (the worklist's badges). */
  countSets(sets: { branches: TaskBranch[]; criteria: ResolvedCriteria }[], cap: number) {
    return countBranchSets(
      this.db,
      sets.map(({ branches, criteria }) => ({
        branches: searching(branches, criteria),
        build: this.base(criteria, null),
      })),
      cap,
    );
  }

  /** Customers whose name holds the fragment or whose account number starts with it (trigram-indexed where pg_trgm exists). */
  async customersMatching(text: string, max: number): Promise<{ ids: string[]; accountNos: string[] }> {
    const fragment = likeFragment(text);
    const rows = await this.db('customers')
      .where((w) => {
        w.whereRaw('lower(name) like ?', [`%${fragment.toLowerCase()}%`]).orWhere('account_no', 'like', `${fragment}%`);
      })
      .limit(max)
      .select<{ id: string; account_no: string }[]>('id', 'account_no');
    return { ids: rows.map((r) => r.id), accountNos: rows.map((r) => r.account_no) };
  }

  async definitionNames(ids: string[]): Promise<Map<string, string | null>> {
    if (!ids.length) return new Map();
    const rows = await this.db('process_definitions')
      .whereIn('id', ids)
      .select<{ id: string; name: string | null; key: string }[]>('id', 'name', 'key');
    return new Map(rows.map((r) => [r.id, r.name ?? r.key]));
  }

  /** Which tasks of the page are named for nobody (unassigned.ts). */
  unassigned(rows: WorklistRow[]): Promise<Set<string>> {
    return unassignedIds(
      this.db,
      rows.map((r) => r.id),
    );
  }

  /** Display names of the page's assignees and completers, in one query. */
  displayNames(usernames: (string | null)[]): Promise<Map<string, string>> {
    return displayNames(this.db, usernames);
  }

  async customers(rows: WorklistRow[]): Promise<{ byId: Map<string, string>; byAccountNo: Map<string, string> }> {
    const ids = [...new Set(rows.map((r) => r.customer_id).filter((v): v is string => !!v))];
    const accountNos = [...new Set(rows.map((r) => r.account_no).filter((v): v is string => !!v))];
    const byId = new Map<string, string>();
    const byAccountNo = new Map<string, string>();
    if (!ids.length && !accountNos.length) return { byId, byAccountNo };
    const found = await this.db('customers')
      .whereIn('id', ids)
      .orWhereIn('account_no', accountNos)
      .select<{ id: string; account_no: string; name: string }[]>('id', 'account_no', 'name');
    for (const c of found) {
      byId.set(c.id, c.name);
      byAccountNo.set(c.account_no, c.name);
    }
    return { byId, byAccountNo };
  }
}

/**
 * A search (by text or customer) is found through its own indexes (customer, account number,
 * business-key trigrams) and then sorted: walking the date index and testing every open task
 * against the search would read the whole department when the search matches little.
 */
function searching(branches: TaskBranch[], criteria: ResolvedCriteria): TaskBranch[] {
  if (!criteria.q?.trim() && !criteria.customer) return branches;
  return branches.map((branch) => ({ ...branch, sortAfterFilter: true }));
}

function applyCriteria(q: Knex.QueryBuilder, c: ResolvedCriteria): void {
  if (c.definitionKey) q.where('definition_key', c.definitionKey);
  if (c.elementId) q.where('element_id', c.elementId);
  if (c.dueFrom) q.where('due_at', '>=', c.dueFrom);
  if (c.dueTo) q.where('due_at', '<', c.dueTo);
  if (c.minPriority !== undefined) q.where('priority', '>=', c.minPriority);
  if (c.departmentIds)
    q.whereIn(
      'department_id',
      c.departmentIds.length
        ? c.departmentIds
        : [''] /* no department has an empty id; NUL is not valid text in PostgreSQL */,
    );
  if (c.customer) {
    const customer = c.customer;
    q.where((w) => {
      if (UUID.test(customer)) w.where('customer_id', customer);
      w.orWhere('account_no', customer);
    });
  }
  const text = c.q?.trim();
  if (text) {
    const matching = c.matchingCustomers ?? { ids: [], accountNos: [] };
    q.where((w) => {
      w.whereRaw('lower(business_key) like ?', [`%${likeFragment(text.toLowerCase())}%`]);
      if (matching.ids.length) w.orWhereIn('customer_id', matching.ids);
      if (matching.accountNos.length) w.orWhereIn('account_no', matching.accountNos);
    });
  }
}
