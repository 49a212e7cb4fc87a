import { z } from 'zod';

/**
 * Building blocks of the API contract. Every answer of /api/v1 is a zod schema built from these,
 * camelCase, produced by one mapper per resource from its rows; the browser imports the inferred
 * types (`import type`), so the schema is the one declaration of each shape.
 */

/** A timestamp on the wire: ISO 8601 with an offset (JSON.stringify of a Date gives `…Z`). */
export const timestamp = z.string().describe('ISO 8601 date-time');
/** A calendar date on the wire: `YYYY-MM-DD`. */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('date, YYYY-MM-DD');
/** Money and other decimals travel as strings so no binary float rounds them (DOMAIN.md). */
export const decimalString = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .describe('decimal number as a string');
/** Any JSON value (process variables, form values, engine-defined payloads). */
export const jsonValue = z.unknown();
/** A JSON object of any keys (process variables, form schemas). */
export const jsonObject = z.record(z.string(), z.unknown());

/** The one list shape of every collection: items, total (capped), and where the page sits. */
export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    /** Exact up to the cap; beyond it `totalCapped` is true ("1 000+"). */
    total: z.number().int().nonnegative(),
    totalCapped: z.boolean(),
    offset: z.number().int().nonnegative(),
    limit: z.number().int().nonnegative(),
    hasMore: z.boolean(),
  });
}
export type List<T> = {
  items: T[];
  total: number;
  totalCapped: boolean;
  offset: number;
  limit: number;
  hasMore: boolean;
};

/** A Date, an ISO string or null from a driver (pg gives Date, PGlite may too) → the wire form. */
export function iso(value: Date | string): string;
export function iso(value: Date | string | null | undefined): string | null;
export function iso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

/** A `date` column (Date at local midnight from pg, or a string) → `YYYY-MM-DD`. */
export function isoDate(value: Date | string): string;
export function isoDate(value: Date | string | null | undefined): string | null;
export function isoDate(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.slice(0, 10);
  const y = value.getFullYear();
  const m = String(value.getMonth() + 1).padStart(2, '0');
  const d = String(value.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** A numeric column (pg answers numeric as a string) → the decimal string form. */
export function decimal(value: string | number): string;
export function decimal(value: string | number | null | undefined): string | null;
export function decimal(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}
