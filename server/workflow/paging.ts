import type { Knex } from 'knex';
import type { List } from '../lib/contract.js';

/** Every collection the API answers has the one list shape (`List` in lib/contract.ts). */
export type Page<T> = List<T>;

export interface PageRequest {
  offset: number;
  limit: number;
}

/** Counting a million rows costs more than the page: totals are counted up to this many. */
export const TOTAL_CAP = 1_000;

/** A page of a query, with its total counted up to the cap (the count reads at most cap + 1 rows). */
export async function page<T>(query: Knex.QueryBuilder, request: PageRequest): Promise<Page<T>> {
  const counting = query
    .clone()
    .clearSelect()
    .clearOrder()
    .select(query.client.raw('1'))
    .limit(TOTAL_CAP + 1);
  const [rows, counted] = await Promise.all([
    query.offset(request.offset).limit(request.limit + 1) as Promise<T[]>,
    query.client.queryBuilder().count({ n: '*' }).from(counting.as('capped')) as Promise<{ n: string | number }[]>,
  ]);
  const total = Number(counted[0]?.n ?? 0);
  return {
    items: rows.slice(0, request.limit),
    total: Math.min(total, TOTAL_CAP),
    totalCapped: total > TOTAL_CAP,
    offset: request.offset,
    limit: request.limit,
    hasMore: rows.length > request.limit,
  };
}

/** A whole (small, bounded) collection in the list shape. */
export function wholeList<T>(items: T[]): Page<T> {
  return { items, total: items.length, totalCapped: false, offset: 0, limit: items.length, hasMore: false };
}

/** The same page with its items mapped (rows → API resources). */
export function mapPage<T, U>(found: Page<T>, map: (item: T) => U): Page<U> {
  return { ...found, items: found.items.map(map) };
}
