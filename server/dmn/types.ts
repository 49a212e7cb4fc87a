import { date, duration } from '@bpmn-io/feelin';
import { isDuration, isTemporal, temporalKind } from './values.js';

/**
 * The types a `typeRef` can name: DMN's FEEL types and Camunda 7's (`integer`, `long`, `double`,
 * and `date`, which in Camunda is a date and time). Anything else — an item definition with
 * components or a collection, `Any`, a name we do not know — is `any`: not converted, as Camunda
 * does for a type it does not know.
 */
export type DmnType =
  | 'string'
  | 'number'
  | 'integer'
  | 'long'
  | 'double'
  | 'boolean'
  | 'date'
  | 'time'
  | 'dateTime'
  | 'dayTimeDuration'
  | 'yearMonthDuration'
  | 'any';

const TYPE_NAMES: Record<string, DmnType> = {
  string: 'string',
  number: 'number',
  decimal: 'number',
  integer: 'integer',
  int: 'integer',
  long: 'long',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  time: 'time',
  datetime: 'dateTime',
  'date and time': 'dateTime',
  'days and time duration': 'dayTimeDuration',
  daytimeduration: 'dayTimeDuration',
  'years and months duration': 'yearMonthDuration',
  yearmonthduration: 'yearMonthDuration',
  any: 'any',
};

/** An item definition reduced to what typing needs: its base type name, or none for structures and lists. */
export interface ItemDefinition {
  name: string;
  typeRef: string | undefined;
}

/** The type a `typeRef` names, following item definitions (`tAge` → `number`). */
export function resolveTypeRef(typeRef: string | undefined, items: ReadonlyMap<string, ItemDefinition>): DmnType {
  let name = typeRef?.trim();
  for (let depth = 0; name && depth < 16; depth++) {
    const builtin = TYPE_NAMES[name.toLowerCase()] ?? TYPE_NAMES[name.replace(/^[A-Za-z]+:/, '').toLowerCase()];
    if (builtin) return builtin;
    name = items.get(name)?.typeRef?.trim();
  }
  return 'any';
}

/** Returned by `convert` for a value its type cannot take. */
export const NOT_CONVERTIBLE = Symbol('not convertible');

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER_LIMIT = 2 ** 31;

/**
 * A value as its type takes it, in the manner of Camunda's type transformers: numbers from
 * numeric text, booleans from "true"/"false", dates and times from ISO 8601 text (process
 * variables arrive as JSON, where dates are text). Null passes every type.
 */
export function convert(value: unknown, type: DmnType): unknown {
  if (value === null || value === undefined) return null;
  // DMN 1.3 §10.3.2.9.4: a singleton list stands for its element where a single value is wanted.
  if (Array.isArray(value) && value.length === 1 && type !== 'any') return convert(value[0], type);
  switch (type) {
    case 'any':
      return value;
    case 'string':
      return toText(value);
    case 'number':
    case 'double':
      return toNumber(value);
    case 'integer':
    case 'long': {
      const n = toNumber(value);
      if (n === NOT_CONVERTIBLE || !Number.isInteger(n)) return NOT_CONVERTIBLE;
      const limit = type === 'integer' ? INTEGER_LIMIT : Number.MAX_SAFE_INTEGER;
      return Math.abs(n as number) <= limit ? n : NOT_CONVERTIBLE;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === 'true';
      return NOT_CONVERTIBLE;
    case 'date':
      return toDate(value);
    case 'dateTime':
      return toTemporal(value, ['date and time', 'date']);
    case 'time':
      return toTime(value);
    case 'dayTimeDuration':
    case 'yearMonthDuration':
      return toDuration(value);
  }
}

function toText(value: unknown): unknown {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return NOT_CONVERTIBLE;
}

function toNumber(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NOT_CONVERTIBLE;
  if (typeof value === 'string' && DECIMAL_TEXT.test(value.trim())) return Number(value.trim());
  return NOT_CONVERTIBLE;
}

/**
 * DMN's `date` is a calendar day; Camunda 7's `date` is a java.util.Date, a date and time. Both
 * kinds of model exist, so a date takes either: date-only text becomes a FEEL date, text with a
 * time a FEEL date and time.
 */
function toDate(value: unknown): unknown {
  if (typeof value === 'string' && DATE_TEXT.test(value.trim())) return validTemporal(() => date(value.trim()));
  return toTemporal(value, ['date', 'date and time']);
}

function toTemporal(value: unknown, kinds: readonly string[]): unknown {
  if (isTemporal(value)) return kinds.includes(temporalKind(value)) ? value : NOT_CONVERTIBLE;
  if (value instanceof Date) return validTemporal(() => date(value.toISOString()));
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return NOT_CONVERTIBLE;
  const parsed = validTemporal(() => date(value.trim()));
  return isTemporal(parsed) && kinds.includes(temporalKind(parsed)) ? parsed : NOT_CONVERTIBLE;
}

function toTime(value: unknown): unknown {
  if (isTemporal(value)) return temporalKind(value) === 'time' ? value : NOT_CONVERTIBLE;
  if (typeof value !== 'string' || !/^\d{2}:\d{2}(:\d{2}(\.\d+)?)?/.test(value.trim())) return NOT_CONVERTIBLE;
  return validTemporal(() => date(undefined, value.trim()));
}

function toDuration(value: unknown): unknown {
  if (isDuration(value)) return value;
  if (typeof value !== 'string' || !/^-?P/.test(value.trim())) return NOT_CONVERTIBLE;
  try {
    const parsed: unknown = duration(value.trim());
    return isDuration(parsed) && parsed.isValid ? parsed : NOT_CONVERTIBLE;
  } catch {
    return NOT_CONVERTIBLE;
  }
}

function validTemporal(make: () => unknown): unknown {
  try {
    const made = make();
    return isTemporal(made) && made.isValid ? made : NOT_CONVERTIBLE;
  } catch {
    return NOT_CONVERTIBLE;
  }
}
