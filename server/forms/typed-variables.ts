import { z } from 'zod';
import type { Variables } from '../engine/step-context.js';
import type { ErrorDetail } from '../lib/errors.js';

/**
 * The types the generic task form edits (Camunda Tasklist's generic form has the same few).
 * Variables are stored as JSON, so a date is an ISO 8601 string and `json` is any JSON value.
 */
export const VARIABLE_TYPES = ['string', 'number', 'boolean', 'date', 'json'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

/** Limits of what one completion may carry through the generic form. */
export const VARIABLE_LIMITS = { nameLength: 64, count: 200, stringLength: 10_000, jsonLength: 65_536 } as const;

/**
 * A variable name the generic form accepts: an identifier, as expressions read it (`${amount}`);
 * the engine's own roots are not names of process data.
 */
export const variableNameSchema = z
  .string()
  .max(VARIABLE_LIMITS.nameLength, `variable names are at most ${VARIABLE_LIMITS.nameLength} characters`)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'variable names start with a letter or _ and hold letters, digits and _')
  .refine((name) => !RESERVED.has(name), 'this name is reserved by the engine');

const RESERVED = new Set(['environment', 'content', 'properties', 'fields', 'execution', 'task']);

/**
 * `{ name: { type, value } }`: a value as typed in a form. The value is checked against its type
 * on the server (`convertTypedVariables`), so a form may send what its inputs hold (text).
 */
export const typedVariablesSchema = z
  .record(variableNameSchema, z.object({ type: z.enum(VARIABLE_TYPES), value: z.unknown() }))
  .refine((v) => Object.keys(v).length <= VARIABLE_LIMITS.count, `at most ${VARIABLE_LIMITS.count} variables`);
export type TypedVariables = z.infer<typeof typedVariablesSchema>;

/** One variable as the generic form shows it. */
export interface TypedVariable {
  name: string;
  type: VariableType;
  value: unknown;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time that names a real day (2026-02-30 is not one). */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return false;
  return !Number.isNaN(Date.parse(value));
}

/** The type the generic form shows a stored value with. */
export function typeOf(value: unknown): VariableType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return isIsoDate(value) ? 'date' : 'string';
  return 'json';
}

/** Stored variables as the generic form lists them, by name. */
export function describeVariables(variables: Variables): TypedVariable[] {
  return Object.keys(variables)
    .sort()
    .map((name) => ({ name, type: typeOf(variables[name]), value: variables[name] ?? null }));
}

type Converted = { ok: true; value: unknown } | { ok: false; reason: string; message: string };

function convert(type: VariableType, value: unknown): Converted {
  const fail = (reason: string, message: string): Converted => ({ ok: false, reason, message });
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return fail('type', 'is not text');
      if (value.length > VARIABLE_LIMITS.stringLength)
        return fail('size', `is longer than ${VARIABLE_LIMITS.stringLength} characters`);
      return { ok: true, value };
    case 'number': {
      const text = typeof value === 'string' ? value.trim() : null;
      const n =
        typeof value === 'number'
          ? value
          : text && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)
            ? Number(text)
            : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : fail('type', 'is not a number');
    }
    case 'boolean':
      if (value === true || value === 'true') return { ok: true, value: true };
      if (value === false || value === 'false') return { ok: true, value: false };
      return fail('type', 'is not true or false');
    case 'date':
      return typeof value === 'string' && isIsoDate(value.trim())
        ? { ok: true, value: value.trim() }
        : fail('format', 'is not an ISO 8601 date (2026-12-05 or 2026-12-05T10:30:00Z)');
    case 'json': {
      // JSON is edited as text; a client that already holds the value may send it as it is.
      if (typeof value !== 'string') return { ok: true, value };
      if (value.length > VARIABLE_LIMITS.jsonLength)
        return fail('size', `is longer than ${VARIABLE_LIMITS.jsonLength} characters`);
      try {
        return { ok: true, value: JSON.parse(value) as unknown };
      } catch (err) {
        return fail('format', `is not JSON: ${(err as Error).message}`);
      }
    }
  }
}

/**
 * Typed values → variables, or one error per value its type refuses, each naming its field
 * (`body.typedVariables.<name>`), so a form can show it beside the input.
 */
export function convertTypedVariables(typed: TypedVariables): { variables: Variables; errors: ErrorDetail[] } {
  const variables: Variables = {};
  const errors: ErrorDetail[] = [];
  for (const [name, { type, value }] of Object.entries(typed)) {
    const result = convert(type, value);
    if (result.ok) variables[name] = result.value;
    else
      errors.push({
        field: `body.typedVariables.${name}`,
        reason: result.reason,
        message: `${name} ${result.message}`,
      });
  }
  return { variables, errors };
}
