import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { COMMITS } from './deferred-begin.js';

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

  /** `commits`: the transaction `db` ends with this statement (deferred-begin.ts); PGlite ignores it. */
  async rows(db: Knex, bindings: readonly unknown[], commits = false): Promise<Row[]> {
    const raw = db.raw(this.sql, bindings as Knex.RawBinding[]);
    if (isNodePostgres(db)) raw.options(commits ? { name: this.name, [COMMITS]: true } : { name: this.name });
    const result = (await raw) as { rows: Row[] };
    return result.rows;
  }

  async first(db: Knex, bindings: readonly unknown[]): Promise<Row | undefined> {
    return (await this.rows(db, bindings))[0];
  }
}

/**
 * Statements built per request whose texts repeat: one shape of access (an actor's kinds of
 * access over their departments) gives one text however many requests send it. On node-postgres
 * each distinct text is named after a hash of it, so a connection parses it once and PostgreSQL
 * may keep one generic plan for it rather than plan every request (a worklist's union of index
 * scans took several times longer to plan than to run). A named statement's plan stays with each
 * connection that ran it until the connection closes (about 0.3 MB for a worklist's count), so a
 * process names at most `limit` texts; later ones run unnamed, planned every time as before.
 *
 * `after`: a text is named only once it has been sent that many times, so that texts which come
 * back rarely do not take the places of the ones that come back on every request (the step
 * batches' texts vary with the rows a step writes). The sightings counted are bounded too.
 */
export class RepeatedStatements {
  private readonly statements = new Map<string, Prepared<unknown>>();
  private readonly sightings = new Map<string, number>();

  constructor(
    readonly prefix: string,
    readonly limit: number,
    readonly after = 1,
  ) {}

  async rows<Row>(db: Knex, sql: string, bindings: readonly unknown[], commits = false): Promise<Row[]> {
    const pg = isNodePostgres(db);
    const prepared = pg ? this.preparedOf<Row>(sql) : undefined;
    if (prepared) return prepared.rows(db, bindings, commits);
    const raw = db.raw<{ rows: Row[] }>(sql, bindings as Knex.RawBinding[]);
    if (pg && commits) raw.options({ [COMMITS]: true });
    return (await raw).rows;
  }

  /** How many texts have a name (at most `limit`). */
  get named(): number {
    return this.statements.size;
  }

  private preparedOf<Row>(sql: string): Prepared<Row> | undefined {
    const known = this.statements.get(sql) as Prepared<Row> | undefined;
    if (known || this.statements.size >= this.limit) return known;
    if (this.after > 1) {
      const seen = (this.sightings.get(sql) ?? 0) + 1;
      if (seen < this.after) {
        if (this.sightings.size >= MAX_SIGHTINGS) this.sightings.clear();
        this.sightings.set(sql, seen);
        return undefined;
      }
      this.sightings.delete(sql);
    }
    const prepared = new Prepared<Row>(
      `${this.prefix}_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`,
      sql,
    );
    this.statements.set(sql, prepared);
    return prepared;
  }
}

/** Texts whose sightings one RepeatedStatements counts before it starts over. */
const MAX_SIGHTINGS = 1_000;

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
