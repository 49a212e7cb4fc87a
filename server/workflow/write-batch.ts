import type { Knex } from 'knex';
import { RepeatedStatements } from '../db/prepared.js';

/**
 * A batch's text depends only on which writes a step makes (the task it closes, how many history
 * and outbox rows it adds), so a few texts come back on every step of a process. Sent unnamed,
 * PostgreSQL parses and plans each one anew: a completion's took ~1.1 ms against ~0.5 ms as a named
 * statement with its plan kept. Texts seen three times get a name, at most 48 per process.
 */
export function stepBatchStatements(): RepeatedStatements {
  return new RepeatedStatements('write_batch', 48, 3);
}
const STEP_BATCHES = stepBatchStatements();

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

  /** `statements`: the process's named texts, or (a test's) a set of its own. */
  constructor(private readonly statements: RepeatedStatements = STEP_BATCHES) {}

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
   * outbox insert, whose ids the publisher needs) rides in the same statement. `commits`: the
   * transaction ends with this statement, and its COMMIT goes with it (server/db/deferred-begin.ts).
   */
  async flush<T = Record<string, unknown>>(trx: Knex, returning?: Knex.QueryBuilder, commits = false): Promise<T[]> {
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
    if (parts.length === 1) return this.statements.rows<T>(trx, parts[0]!.sql, bindings, commits);
    const ctes = parts.map((p, i) => `w${i} AS (${p.sql})`).join(',\n');
    const rows = await this.statements.rows<T>(trx, `WITH ${ctes}\n${final}`, bindings, commits);
    return returning ? rows : [];
  }
}
