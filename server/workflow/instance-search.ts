import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import type { DepartmentTree } from '../identity/departments.js';
import { Invalid } from '../lib/errors.js';
import type { InstanceSearch, InstanceSortKey } from './instance.contract.js';
import { page, TOTAL_CAP, type Page, type PageRequest } from './paging.js';

const SORT_COLUMNS: Record<InstanceSortKey, string> = {
  startedAt: 'started_at',
  endedAt: 'ended_at',
  dueAt: 'due_at',
  businessKey: 'business_key',
  definitionKey: 'definition_key',
  status: 'status',
  departmentId: 'department_id',
};

/** `%`, `_` and `\` typed by a user are literal, not patterns (PostgreSQL's default LIKE escape is `\`). */
function likePrefix(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The search's filters, as SQL over `process_instances` (the caller adds the access rule). */
export function applyInstanceSearch(
  q: Knex.QueryBuilder,
  filter: Partial<InstanceSearch>,
  context: { now: Date; tree: DepartmentTree; customerIds?: string[]; waitingTables?: WaitTable[] },
): void {
  if (filter.definitionKey) void q.where('definition_key', filter.definitionKey);
  if (filter.definitionVersion !== undefined) void q.where('definition_version', filter.definitionVersion);
  if (filter.definitionId) void q.where('definition_id', filter.definitionId);
  if (filter.status?.length) void q.whereIn('status', filter.status);
  if (filter.hasIncident !== undefined) void q.where('open_incidents', filter.hasIncident ? '>' : '=', 0);
  if (filter.suspended === true) void q.whereNotNull('suspended_at');
  if (filter.suspended === false) void q.whereNull('suspended_at');
  if (filter.overdue === true) void q.where({ status: 'running' }).where('due_at', '<', context.now);
  if (filter.overdue === false)
    void q.where((w) => {
      void w.whereNot('status', 'running').orWhereNull('due_at').orWhere('due_at', '>=', context.now);
    });
  if (filter.businessKey) void q.where('business_key', filter.businessKey);
  if (filter.businessKeyStartsWith)
    void q.whereRaw('lower(business_key) like ?', [likePrefix(filter.businessKeyStartsWith)]);
  if (filter.customer) customerFilter(q, filter.customer, context.customerIds ?? []);
  if (filter.currentElementId) waitingAt(q, filter.currentElementId, context.waitingTables ?? []);
  if (filter.departmentId) {
    const department = context.tree.get(filter.departmentId);
    if (!department)
      throw new Invalid('VALIDATION_FAILED', `unknown department ${filter.departmentId}`, [
        { field: 'query.departmentId', reason: 'unknown' },
      ]);
    void q.whereIn('department_id', context.tree.subtreeIds(department.path));
  }
  if (filter.parentInstanceId) void q.where('parent_instance_id', filter.parentInstanceId);
  if (filter.startedAfter) void q.where('started_at', '>=', filter.startedAfter);
  if (filter.startedBefore) void q.where('started_at', '<', filter.startedBefore);
  if (filter.endedAfter) void q.where('ended_at', '>=', filter.endedAfter);
  if (filter.endedBefore) void q.where('ended_at', '<', filter.endedBefore);
}

/**
 * The search's order: the chosen column, then id in the same direction so that pages never
 * overlap and one index (column, id) serves both directions. Empty values sort as PostgreSQL
 * puts them (last ascending, first descending): asking otherwise would not use the index.
 */
export function orderInstanceSearch(q: Knex.QueryBuilder, filter: Pick<InstanceSearch, 'sortBy' | 'sortOrder'>): void {
  const column = SORT_COLUMNS[filter.sortBy];
  void q.orderBy([
    { column, order: filter.sortOrder },
    { column: 'id', order: filter.sortOrder },
  ]);
}

/**
 * Filters that name few instances through an index of their own, yet whose matches may lie
 * anywhere in the order: business keys and customers are handed out over time, so a prefix's
 * instances sit together, often far from the newest, and a walk of the date index would read
 * hundreds of thousands of rows before meeting them.
 */
function narrows(filter: Partial<InstanceSearch>): boolean {
  return Boolean(filter.businessKey || filter.businessKeyStartsWith || filter.customer || filter.parentInstanceId);
}

/** Up to this many matches are found through the filters' indexes and sorted (a few milliseconds). */
export const SORT_AFTER_FILTER_LIMIT = 20_000;

/**
 * A page of the search. `build` gives the filtered query (access rule and filters, no order).
 * With a narrowing filter, one statement collects the matches through the filters' indexes (up
 * to SORT_AFTER_FILTER_LIMIT), counts them for the total and sorts them; only when there are
 * more does the page walk the order's index, with its total capped. Without one, the page walks
 * the order's index and its total is counted up to the cap beside it (paging.ts).
 */
export async function searchPage<T extends object>(
  build: () => Knex.QueryBuilder,
  columns: string[],
  filter: Partial<InstanceSearch> & Pick<InstanceSearch, 'sortBy' | 'sortOrder'>,
  request: PageRequest,
  options: { waiting?: { db: Db; tables: WaitTable[] }; sortAfterFilterLimit?: number } = {},
): Promise<Page<T>> {
  const sortAfterFilterLimit = options.sortAfterFilterLimit ?? SORT_AFTER_FILTER_LIMIT;
  const walk = build().select(columns);
  orderInstanceSearch(walk, filter);
  if (!narrows(filter) && filter.currentElementId && options.waiting?.tables.length) {
    const { db, tables } = options.waiting;
    const [rows, matches] = await Promise.all([
      walk.offset(request.offset).limit(request.limit + 1) as Promise<T[]>,
      countWaiting(db, build, filter.currentElementId, tables, TOTAL_CAP + 1),
    ]);
    return pageOf(rows, request, matches);
  }
  if (!narrows(filter)) return page<T>(walk, request);
  const client = walk.client;
  const collected = client
    .queryBuilder()
    // A fence: planned alone, without an order to serve, the matches come from their filters' indexes.
    .withMaterialized(
      'matches',
      build()
        .select(columns)
        .limit(sortAfterFilterLimit + 1),
    )
    .from('matches')
    .select('*', client.raw('(SELECT count(*) FROM matches)::int AS matches_found'));
  orderInstanceSearch(collected, filter);
  const rows = (await collected.offset(request.offset).limit(request.limit + 1)) as (T & { matches_found: number })[];
  const found = rows[0]?.matches_found ?? (await countUpTo(build, sortAfterFilterLimit + 1));
  if (found > sortAfterFilterLimit) {
    // More than the cap (as with the default limit) needs no count; under it, count as usual.
    if (found <= TOTAL_CAP) return page<T>(walk, request);
    const walked = (await walk.offset(request.offset).limit(request.limit + 1)) as T[];
    return pageOf(walked, request, found);
  }
  return pageOf(
    rows.map(({ matches_found: _, ...row }) => row as unknown as T),
    request,
    found,
  );
}

/** Matches of the search counted up to `cap` (for a page past the last match, which carries no count). */
async function countUpTo(build: () => Knex.QueryBuilder, cap: number): Promise<number> {
  const matches = build();
  void matches.select(matches.client.raw('1')).limit(cap);
  const counted: { n: string | number }[] = await matches.client
    .queryBuilder()
    .count({ n: '*' })
    .from(matches.as('capped'));
  return Number(counted[0]?.n ?? 0);
}

/**
 * Instances waiting at an element counted up to `cap`, from what waits there: the waiting rows'
 * index gives the instance ids in order, and each is checked against the search by its key
 * (LIMIT 1 keeps the check a lookup the planner cannot turn into a join). Hashing every instance
 * waiting at a busy step (tens of thousands at a million instances) to find the first thousand
 * costs more than the page.
 */
async function countWaiting(
  db: Db,
  build: () => Knex.QueryBuilder,
  elementId: string,
  tables: WaitTable[],
  cap: number,
): Promise<number> {
  const waits = tables.map((table) => {
    const q = db(table).distinct('instance_id').where({ element_id: elementId });
    if (table === 'tasks') void q.where({ status: 'open' });
    return q;
  });
  const [first, ...rest] = waits;
  if (!first) return 0;
  if (rest.length) void first.union(rest);
  const match = build().select(db.raw('1')).whereRaw('process_instances.id = waiting.instance_id').limit(1).toSQL();
  const matching = db
    .queryBuilder()
    .from(first.as('waiting'))
    .joinRaw(`CROSS JOIN LATERAL (${match.sql}) AS found`, [...match.bindings])
    .select(db.raw('1'))
    .limit(cap);
  return db.transaction(async (trx) => {
    // The planner reads the whole waiting set's cost, not the cap, and starts parallel workers
    // for it: on a busy server their start costs more than the thousand lookups they share.
    await trx.raw('SET LOCAL max_parallel_workers_per_gather = 0');
    const counted: { n: string | number }[] = await trx.queryBuilder().count({ n: '*' }).from(matching.as('capped'));
    return Number(counted[0]?.n ?? 0);
  });
}

function pageOf<T>(rows: T[], request: PageRequest, matches: number): Page<T> {
  return {
    items: rows.slice(0, request.limit),
    total: Math.min(matches, TOTAL_CAP),
    totalCapped: matches > TOTAL_CAP,
    offset: request.offset,
    limit: request.limit,
    hasMore: rows.length > request.limit,
  };
}

/**
 * The customers a search term names (account number or the start of their name), looked up
 * first: a short list of ids keeps the instance query to index lookups.
 */
export async function customersNamed(db: Db, term: string | undefined): Promise<string[]> {
  if (!term) return [];
  const rows = await db('customers')
    .where('account_no', term)
    .orWhereRaw('lower(name) like ?', [likePrefix(term)])
    .limit(500)
    .select<{ id: string }[]>(db.raw('id::text as id'));
  return rows.map((r) => r.id);
}

/**
 * An account number, a customer id, or the start of a customer's name: on the instance's own
 * customer columns (generated from its variables) or through the customers it names.
 */
function customerFilter(q: Knex.QueryBuilder, term: string, customerIds: string[]): void {
  void q.where((w) => {
    void w
      .where('account_no', term)
      .orWhereIn('customer_id', [term, ...customerIds])
      .orWhereRaw('lower(customer_name) like ?', [likePrefix(term)]);
  });
}

/** Where an instance can wait at an element: the table and, for tasks, only the open ones. */
const WAITS = [
  { table: 'tasks', open: true },
  { table: 'jobs', open: false },
  { table: 'message_subscriptions', open: false },
  { table: 'external_tasks', open: false },
] as const;
export type WaitTable = (typeof WAITS)[number]['table'];

/**
 * The tables where something waits at this element (a user task's id is only ever in tasks),
 * looked up first: one subquery over one table has estimates the planner can trust, so a page
 * of the newest walks the instances' order and probes, instead of joining every waiting row.
 */
export async function waitingTables(db: Db, elementId: string | undefined): Promise<WaitTable[]> {
  if (!elementId) return [];
  const found = await Promise.all(
    WAITS.map(async (w) => {
      const q = db(w.table).where({ element_id: elementId }).first<{ one: number } | undefined>(db.raw('1 as one'));
      if (w.open) void q.where({ status: 'open' });
      return (await q) ? w.table : null;
    }),
  );
  return found.filter((t): t is WaitTable => t !== null);
}

/** Instances waiting at an element: an open task, a job (timer, service call), a message, an external task. */
function waitingAt(q: Knex.QueryBuilder, elementId: string, tables: WaitTable[]): void {
  if (tables.length === 0) {
    void q.whereRaw('false');
    return;
  }
  void q.where((w) => {
    for (const table of tables)
      void w.orWhereIn('id', (sub) => {
        void sub.from(table).select('instance_id').where({ element_id: elementId });
        if (table === 'tasks') void sub.where({ status: 'open' });
      });
  });
}
