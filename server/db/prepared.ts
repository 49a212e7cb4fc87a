import type { Knex } from 'knex';

/**
 * A hot path's statement with its text fixed when the module loads: each request only binds
 * values (`?`, positional), so no query is built per request. On node-postgres it is a named
 * prepared statement — the server parses and plans it once per connection, and afterwards each
 * execution sends only its values. PGlite runs in-process and takes it as a plain query.
 *
 * A name is one text for the life of a connection (node-postgres refuses a second text under a
 * name), which is why the text may not depend on the request.
 */
export class Prepared<Row> {
  constructor(
    readonly name: string,
    readonly sql: string,
  ) {}

  async rows(db: Knex, bindings: readonly unknown[]): Promise<Row[]> {
    const raw = db.raw(this.sql, bindings as Knex.RawBinding[]);
    if (isNodePostgres(db)) raw.options({ name: this.name });
    const result = (await raw) as { rows: Row[] };
    return result.rows;
  }

  async first(db: Knex, bindings: readonly unknown[]): Promise<Row | undefined> {
    return (await this.rows(db, bindings))[0];
  }
}

function isNodePostgres(db: Knex): boolean {
  return (db.client as { config?: Knex.Config }).config?.client === 'pg';
}

/** `alias.column AS "prefix.column"` for each column: a second table's columns beside the first's in one row. */
export function prefixed(alias: string, columns: readonly string[], prefix: string): string {
  return columns.map((c) => `${alias}."${c}" AS "${prefix}${c}"`).join(', ');
}

/** The columns of a row read with `prefixed`, without their prefix. */
export function unprefixed<T>(row: Record<string, unknown>, prefix: string): T {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (key.startsWith(prefix)) result[key.slice(prefix.length)] = value;
  return result as T;
}
