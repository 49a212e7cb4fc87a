import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * A batch's text depends only on which writes a step makes (the task it closes, the history rows
 * it adds…), so the same few texts come back on every step of a process. Planning one of them
 * costs PostgreSQL as much as running it (~0.5 ms for a completion's), so a text seen
 * NAME_AFTER times is sent as a named prepared statement from then on: each connection plans it
 * once. At most MAX_NAMED texts per process get a name (each costs every connection that
 * runs it a cached plan); the rest stay unnamed.
 */
const NAME_AFTER = 3;
const MAX_NAMED = 64;
const MAX_COUNTED = 1_000;
const named = new Map<string, string>();
const counted = new Map<string, number>();

function statementName(text: string): string | undefined {
  const name = named.get(text);
  if (name || named.size >= MAX_NAMED) return name;
  const seen = (counted.get(text) ?? 0) + 1;
  if (seen < NAME_AFTER) {
    if (counted.size >= MAX_COUNTED) counted.clear();
    counted.set(text, seen);
    return undefined;
  }
  counted.delete(text);
  const fresh = `batch_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
  named.set(text, fresh);
  return fresh;
}

/** Sends `sql`, by a name when it is a hot text and the client is node-postgres (PGlite runs in-process). */
function send<T>(trx: Knex, sql: string, bindings: unknown[]): Promise<T> {
  const raw = trx.raw(sql, bindings as Knex.RawBinding[]);
  if ((trx.client as { config?: Knex.Config }).config?.client === 'pg') {
    const name = statementName(sql);
    if (name) raw.options({ name });
  }
  return raw;
}

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
      const result = await send<{ rows?: T[] }>(trx, parts[0]!.sql, bindings);
      return result.rows ?? [];
    }
    const ctes = parts.map((p, i) => `w${i} AS (${p.sql})`).join(',\n');
    const result = await send<{ rows: T[] }>(trx, `WITH ${ctes}\n${final}`, bindings);
    return returning ? result.rows : [];
  }
}
