import type { Knex } from 'knex';
import { z } from 'zod';
import { invalidRequest } from './errors.js';

/**
 * Camunda's paging (`firstResult`, `maxResults`). Camunda answers every row when maxResults is
 * absent; we bound that by MAX_RESULTS, and refuse a larger maxResults the way Camunda's
 * `queryMaxResultsLimit` does (400 "Max results limit of … exceeded").
 */
export const MAX_RESULTS = 2_000;

export const pagingParams = {
  firstResult: z.coerce.number().int().min(0).max(10_000_000).optional(),
  maxResults: z.coerce.number().int().min(0).optional(),
};

export interface Paging {
  firstResult?: number | undefined;
  maxResults?: number | undefined;
}

/** Offset and limit for a query, with Camunda's max-results refusal. */
export function pageOf(paging: Paging): { offset: number; limit: number } {
  if (paging.maxResults !== undefined && paging.maxResults > MAX_RESULTS) {
    throw invalidRequest(`Max results limit of ${MAX_RESULTS} exceeded!`);
  }
  return { offset: paging.firstResult ?? 0, limit: paging.maxResults ?? MAX_RESULTS };
}

/** Camunda's `{ count }` answer of every `/count` endpoint (CountResultDto). */
export const countSchema = z.object({ count: z.number().int() });

export const sortOrder = z.enum(['asc', 'desc']);

/**
 * Applies Camunda's `sortBy` / `sortOrder` (both or neither, like Camunda) through a whitelist of
 * sort keys → columns; `fallback` keeps paging stable.
 */
export function applySort(
  q: Knex.QueryBuilder,
  sort: { sortBy?: string | undefined; sortOrder?: 'asc' | 'desc' | undefined },
  columns: Record<string, string>,
  fallback: string,
): Knex.QueryBuilder {
  for (const { sortBy, sortOrder } of sortingOf(sort)) {
    const column = columns[sortBy];
    if (!column) throw invalidRequest(`Cannot set query parameter 'sortBy' to value '${sortBy}'`);
    q.orderBy(column, sortOrder);
  }
  return q.orderBy(fallback);
}

/** Camunda's `sortBy` / `sortOrder` query parameters as a sorting list: both or neither, like Camunda. */
export function sortingOf<K extends string>(sort: {
  sortBy?: K | undefined;
  sortOrder?: 'asc' | 'desc' | undefined;
}): { sortBy: K; sortOrder: 'asc' | 'desc' }[] {
  if ((sort.sortBy === undefined) !== (sort.sortOrder === undefined)) {
    throw invalidRequest('Only a single sorting parameter specified. sortBy and sortOrder required');
  }
  return sort.sortBy !== undefined && sort.sortOrder !== undefined
    ? [{ sortBy: sort.sortBy, sortOrder: sort.sortOrder }]
    : [];
}

/** A sorting entry of a POST query body (`sorting: [{ sortBy, sortOrder }]`). */
export const sortingEntry = z.object({ sortBy: z.string(), sortOrder: sortOrder });

/** Camunda's boolean query parameter: `true` / `false`. */
export const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');

/** A comma-separated list parameter (e.g. `processInstanceIds=a,b`). */
export const listParam = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a Camunda id can name a row here: the platform's ids are UUIDs (anything else matches nothing). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** `column = value` for a UUID column; a value that is no UUID matches no row instead of failing the query. */
export function whereId(q: Knex.QueryBuilder, column: string, value: string | undefined): Knex.QueryBuilder {
  if (value === undefined) return q;
  return isUuid(value) ? q.where(column, value) : q.whereRaw('false');
}

/** `column IN values` for a UUID column, ignoring values that are no UUIDs. */
export function whereIdIn(q: Knex.QueryBuilder, column: string, values: string[] | undefined): Knex.QueryBuilder {
  if (values === undefined) return q;
  return q.whereIn(column, values.filter(isUuid));
}

/** A comma-separated list parameter, or the JSON array a POST query body sends. */
export const idList = z.union([z.array(z.string()), listParam]);
