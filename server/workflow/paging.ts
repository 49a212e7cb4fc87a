import type { Knex } from 'knex';

export interface Page<T> {
  items: T[];
  offset: number;
  limit: number;
  /** Counting a million rows costs more than the page; one extra row tells whether there is more. */
  hasMore: boolean;
}

export interface PageRequest {
  offset: number;
  limit: number;
}

export async function page<T>(query: Knex.QueryBuilder, request: PageRequest): Promise<Page<T>> {
  const rows = (await query.offset(request.offset).limit(request.limit + 1)) as T[];
  return {
    items: rows.slice(0, request.limit),
    offset: request.offset,
    limit: request.limit,
    hasMore: rows.length > request.limit,
  };
}
