import { z } from 'zod';
import { invalidRequest } from './errors.js';

/**
 * Camunda's typed variable values (VariableValueDto) and their mapping onto the platform's plain
 * JSON variables. Incoming: String, Boolean, Integer/Short/Long, Double, Date (stored as an ISO
 * string), Json and Object with a JSON serialization (stored as the parsed value), Null. Outgoing:
 * the type read off the JSON value, objects and arrays as `Json` with their text as the value,
 * exactly as Camunda answers a Json variable.
 */
export const variableValueSchema = z.object({
  value: z.unknown().optional(),
  type: z.string().optional(),
  valueInfo: z.record(z.string(), z.unknown()).optional(),
});
export type VariableValue = z.infer<typeof variableValueSchema>;

/** What an answer carries: `type` and `valueInfo` always present, as Camunda writes them. */
export const variableValueOut = z.object({
  value: z.unknown(),
  type: z.string(),
  valueInfo: z.record(z.string(), z.unknown()),
});
export type VariableValueOut = z.infer<typeof variableValueOut>;

const NAME = /^[A-Za-z_][\w]*$/;

/** A variables map of a request body (`{ name: { value, type, valueInfo } }`). */
export const variablesIn = z.record(
  z.string().regex(NAME, 'variable names are letters, digits and _'),
  variableValueSchema,
);

/** A variables map of an answer. */
export const variablesOut = z.record(z.string(), variableValueOut);

/** Camunda's date format: `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, e.g. 2025-01-31T09:30:00.000+0000 (in UTC here). */
export function camundaDate(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace('Z', '+0000');
}

/** Reads a date Camunda clients send (`…+0200`, `…Z`, or without a zone: UTC). */
export function parseCamundaDate(text: string, what: string): Date {
  const normalised = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const d = new Date(normalised);
  if (Number.isNaN(d.getTime())) throw invalidRequest(`Cannot convert value '${text}' of ${what} to a date`);
  return d;
}

function fail(name: string, type: string, value: unknown): never {
  throw invalidRequest(
    `Cannot convert value '${typeof value === 'string' ? value : JSON.stringify(value)}' of type '${type}' for variable '${name}'`,
  );
}

/** One typed value → the plain JSON value stored in the platform's variables. */
export function fromCamundaValue(name: string, input: VariableValue): unknown {
  const value = input.value;
  const type = (input.type ?? '').toLowerCase();
  if (value === null || value === undefined || type === 'null') return null;
  switch (type) {
    case '':
      return value;
    case 'string':
      return typeof value === 'string' ? value : fail(name, input.type!, value);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return fail(name, input.type!, value);
    case 'integer':
    case 'short':
    case 'long': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n) ? n : fail(name, input.type!, value);
    }
    case 'double': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? n : fail(name, input.type!, value);
    }
    case 'date':
      return typeof value === 'string'
        ? parseCamundaDate(value, `variable '${name}'`).toISOString()
        : fail(name, input.type!, value);
    case 'json':
    case 'object':
      return fromSerialized(name, input, value);
    default:
      throw invalidRequest(
        `Unsupported value type '${input.type}' for variable '${name}': this engine stores String, Boolean, Integer, Long, Short, Double, Date, Json, Object (as JSON) and Null`,
      );
  }
}

function fromSerialized(name: string, input: VariableValue, value: unknown): unknown {
  const format = input.valueInfo?.serializationDataFormat;
  if (input.type?.toLowerCase() === 'object' && format !== undefined && format !== 'application/json') {
    throw invalidRequest(`Variable '${name}': only the application/json serialization of Object values is supported`);
  }
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return fail(name, input.type!, value);
  }
}

/** A request's variables map → the platform's plain variables. */
export function fromCamundaVariables(variables: Record<string, VariableValue> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(variables ?? {})) out[name] = fromCamundaValue(name, value);
  return out;
}

/** A plain stored value → Camunda's typed value. */
export function toCamundaValue(value: unknown): VariableValueOut {
  if (value === null || value === undefined) return { value: null, type: 'Null', valueInfo: {} };
  if (typeof value === 'string') return { value, type: 'String', valueInfo: {} };
  if (typeof value === 'boolean') return { value, type: 'Boolean', valueInfo: {} };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { value, type: 'Double', valueInfo: {} };
    const int32 = value >= -2_147_483_648 && value <= 2_147_483_647;
    return { value, type: int32 ? 'Integer' : 'Long', valueInfo: {} };
  }
  return { value: JSON.stringify(value), type: 'Json', valueInfo: {} };
}

/** The platform's plain variables → Camunda's variables map (optionally only some names). */
export function toCamundaVariables(
  variables: Record<string, unknown> | null | undefined,
  names?: string[],
): Record<string, VariableValueOut> {
  const out: Record<string, VariableValueOut> = {};
  for (const [name, value] of Object.entries(variables ?? {})) {
    if (names && !names.includes(name)) continue;
    out[name] = toCamundaValue(value);
  }
  return out;
}
