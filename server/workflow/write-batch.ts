import type { Knex } from 'knex';

/**
 * Sends several independent writes as one statement (`WITH w1 AS (…), w2 AS (…) SELECT`).
 *
 * Why: on this platform a database round trip costs more CPU than the engine step itself, and
 * a step writes to up to eight tables. PostgreSQL runs data-modifying CTEs against one snapshot,
 * so the writes in one batch must touch different rows (they do: new rows are inserted, other
 * rows updated) and must not depend on each other's results.
 */
export class WriteBatch {
  private readonly parts: { sql: string; bindings: readonly unknown[] }[] = [];

  add(query: Knex.QueryBuilder | Knex.Raw): this {
    const compiled = query.toSQL();
    return this.addStatement(compiled.sql, compiled.bindings);
  }

  /** A write whose text was written once (a hot path's, with `?` bindings): nothing to compile per request. */
  addStatement(sql: string, bindings: readonly unknown[]): this {
    const text = sql.trim();
    if (!/^(insert|update|delete)\b/i.test(text)) throw new Error(`only writes can be batched: ${text.slice(0, 40)}`);
    this.parts.push({ sql: text, bindings });
    return this;
  }

  get size(): number {
    return this.parts.length;
  }

  /**
   * Sends the batch; with `returning`, one more write whose RETURNING rows are the answer (the
   * outbox insert, whose ids the publisher needs) rides in the same statement.
   */
  async flush<T = Record<string, unknown>>(trx: Knex, returning?: Knex.QueryBuilder): Promise<T[]> {
    const parts = [...this.parts];
    this.parts.length = 0;
    let final = 'SELECT 1';
    const bindings = parts.flatMap((p) => p.bindings);
    if (returning) {
      const compiled = returning.toSQL();
      parts.push({ sql: compiled.sql, bindings: compiled.bindings });
      // A loop, not push(...): an argument list of a large insert's bindings overflows the stack.
      for (const b of compiled.bindings) bindings.push(b);
      final = `SELECT * FROM w${parts.length - 1}`;
    }
    if (parts.length === 0) return [];
    if (parts.length === 1) {
      const result = await trx.raw<{ rows?: T[] }>(parts[0]!.sql, bindings as Knex.RawBinding[]);
      return result.rows ?? [];
    }
    const ctes = parts.map((p, i) => `w${i} AS (${p.sql})`).join(',\n');
    const result = await trx.raw<{ rows: T[] }>(`WITH ${ctes}\n${final}`, bindings as Knex.RawBinding[]);
    return returning ? result.rows : [];
  }
}
