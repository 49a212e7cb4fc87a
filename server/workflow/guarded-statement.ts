import type { Knex } from 'knex';

/**
 * A whole transaction as ONE statement, for a change computed from rows read earlier without a
 * lock: a guard UPDATE that matches only the row as it was read (its revision and `xmin`), and
 * writes that each run only when the guard matched (`WHERE EXISTS (SELECT 1 FROM g)`). Sent
 * alone, the statement commits by itself (no BEGIN/COMMIT): one round trip instead of a lock, the
 * writes and a commit.
 *
 * Why it is safe: READ COMMITTED re-checks an UPDATE's WHERE against the newest committed version
 * of a row it had to wait for, so a writer that changed the row since it was read — or that
 * commits first while this statement waits for its lock — makes the guard match nothing, and then
 * nothing at all is written. The writes must touch rows other than the guard's and each other's
 * (data-modifying CTEs share one snapshot), as `WriteBatch`'s do.
 */
export class GuardedStatement {
  private readonly parts: { sql: string; bindings: readonly unknown[]; returns: boolean }[] = [];
  private required: Knex.QueryBuilder | null = null;

  /** `guard` is an UPDATE … RETURNING of the one row whose unchanged state the writes depend on. */
  constructor(
    private readonly db: Knex,
    private readonly guard: Knex.QueryBuilder,
  ) {}

  /**
   * A row the guard waits for and needs (a `SELECT … FOR UPDATE`): when a writer changed it so it
   * no longer matches, the guard matches nothing either.
   */
  require(query: Knex.QueryBuilder): this {
    this.required = query;
    return this;
  }

  /** An UPDATE or DELETE, gated on the guard. */
  change(query: Knex.QueryBuilder): this {
    const compiled = query.whereExists(this.db.select(this.db.raw('1')).from('g')).toSQL();
    if (!/^(update|delete)\b/i.test(compiled.sql.trim())) throw new Error('only updates and deletes are gated');
    this.parts.push({ sql: compiled.sql, bindings: compiled.bindings, returns: false });
    return this;
  }

  /** One row inserted when the guard matched (`INSERT … SELECT … WHERE EXISTS`); objects go as given (JSON text for jsonb). */
  insert(table: string, row: Record<string, unknown>, returning: string[] = []): this {
    const columns = Object.keys(row);
    const compiled = this.db
      .raw(
        `insert into ?? (${columns.map(() => '??').join(', ')}) select ${columns.map(() => '?').join(', ')} where exists (select 1 from g)${returning.length ? ` returning ${returning.map(() => '??').join(', ')}` : ''}`,
        [table, ...columns, ...columns.map((c) => row[c] ?? null), ...returning] as Knex.RawBinding[],
      )
      .toSQL();
    this.parts.push({ sql: compiled.sql, bindings: compiled.bindings, returns: returning.length > 0 });
    return this;
  }

  /**
   * Sends the statement; the rows the inserts with `returning` returned (in the order added), or
   * the guard's when none returns — none at all when the guard matched nothing and so nothing
   * was written.
   */
  async run<T>(trx: Knex): Promise<T[]> {
    const named: { name: string; sql: string; bindings: readonly unknown[]; returns: boolean }[] = [];
    if (this.required) {
      const required = this.required.toSQL();
      named.push({ name: 'r', sql: required.sql, bindings: required.bindings, returns: false });
      this.guard.whereExists(this.db.select(this.db.raw('1')).from('r'));
    }
    const guard = this.guard.toSQL();
    named.push({ name: 'g', sql: guard.sql, bindings: guard.bindings, returns: false });
    this.parts.forEach((p, i) => named.push({ name: `w${i}`, ...p }));
    const returning = named.filter((p) => p.returns).map((p) => `SELECT * FROM ${p.name}`);
    const result = await trx.raw<{ rows: T[] }>(
      `WITH ${named.map((p) => `${p.name} AS (${p.sql})`).join(',\n')}\n${returning.join('\nUNION ALL\n') || 'SELECT * FROM g'}`,
      named.flatMap((p) => p.bindings) as Knex.RawBinding[],
    );
    return result.rows;
  }
}
