import type { Knex } from 'knex';
import { z } from 'zod';
import { invalidRequest } from './errors.js';
import { parseCamundaDate } from './variables.js';

/**
 * Query-parameter helpers of the history, incident and job queries: dates, Camunda's `gt_`/`lt_`
 * date conditions, documented parameters this engine cannot answer, and text patterns.
 */

/** A date parameter (`2025-01-31T09:30:00.000+0200`), parsed when the handler reads it. */
export const dateParam = z.string().max(40);

/** The Date of an optional date parameter, or Camunda's 400 naming it. */
export function dateOf(value: string | undefined, name: string): Date | undefined {
  return value === undefined ? undefined : parseCamundaDate(value, `query parameter '${name}'`);
}

/**
 * Refuses documented parameters whose answer this engine cannot give (variable filters, OR
 * queries…): ignoring them would answer more rows than asked for.
 */
export function refuseUnsupported(query: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    if (query[name] !== undefined) throw invalidRequest(`Query parameter '${name}' is not supported by this engine`);
  }
}

/** The raw text of every documented-but-unsupported parameter, so that zod keeps it for `refuseUnsupported`. */
export function unsupportedParams(names: readonly string[]): Record<string, z.ZodOptional<z.ZodUnknown>> {
  return Object.fromEntries(names.map((n) => [n, z.unknown().optional()]));
}

/**
 * Camunda's date conditions (`dueDates=gt_2012-07-17T17:00:00.000+0200,lt_…`): each a comparator
 * (`gt`, `lt`) and a date, applied to `column`.
 */
export function whereDateConditions(q: Knex.QueryBuilder, column: string, text: string | undefined, what: string) {
  if (text === undefined) return;
  for (const condition of text.split(',').filter(Boolean)) {
    const at = condition.indexOf('_');
    const operator = at < 0 ? '' : condition.slice(0, at);
    if (operator !== 'gt' && operator !== 'lt')
      throw invalidRequest(`Invalid ${what} comparator specified: ${operator}`);
    const date = parseCamundaDate(condition.slice(at + 1), `query parameter '${what}'`);
    q.where(column, operator === 'gt' ? '>' : '<', date);
  }
}

/**
 * Both access rules' rows: `a OR b`, each side wrapped so that a rule which filters nothing (the
 * actor sees everything) leaves `true` rather than vanishing from the OR.
 */
export function eitherRule(
  a: (q: Knex.QueryBuilder) => void,
  b: (q: Knex.QueryBuilder) => void,
): (q: Knex.QueryBuilder) => void {
  return (q) => {
    void q
      .where((w) => {
        void w.whereRaw('true').where(a);
      })
      .orWhere((w) => {
        void w.whereRaw('true').where(b);
      });
  };
}
