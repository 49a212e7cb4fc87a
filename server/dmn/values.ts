/**
 * FEEL values as @bpmn-io/feelin represents them, and the few operations decision tables need on
 * them natively (equality, ordering, JSON for history). feelin's temporal values are luxon
 * objects; luxon is feelin's dependency, not ours, so they are recognised by shape.
 */

/** A feelin date, time or date and time (a luxon DateTime). */
export interface FeelTemporal {
  readonly isLuxonDateTime: true;
  readonly isValid: boolean;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  readonly zone: { readonly type: string; readonly name: string };
  toMillis(): number;
  toISODate(): string | null;
  toISOTime(options?: { suppressMilliseconds?: boolean; includeOffset?: boolean }): string | null;
  toISO(options?: { suppressMilliseconds?: boolean }): string | null;
}

/** A feelin duration (a luxon Duration). */
export interface FeelDuration {
  readonly isLuxonDuration: true;
  readonly isValid: boolean;
  toMillis(): number;
  toISO(): string | null;
}

export type TemporalKind = 'date' | 'time' | 'date and time';

export function isTemporal(value: unknown): value is FeelTemporal {
  return (
    typeof value === 'object' && value !== null && (value as { isLuxonDateTime?: unknown }).isLuxonDateTime === true
  );
}

export function isDuration(value: unknown): value is FeelDuration {
  return (
    typeof value === 'object' && value !== null && (value as { isLuxonDuration?: unknown }).isLuxonDuration === true
  );
}

/** feelin's own rule: a time sits on 1900-01-01, a date is midnight in UTC, anything else a date and time. */
export function temporalKind(value: FeelTemporal): TemporalKind {
  if (value.year === 1900 && value.month === 1 && value.day === 1) return 'time';
  const midnight = value.hour === 0 && value.minute === 0 && value.second === 0 && value.millisecond === 0;
  return midnight && value.zone.type === 'fixed' && value.zone.name === 'UTC' ? 'date' : 'date and time';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Values the native unary tests compare (FEEL's simple values); lists, contexts, durations and
 * functions go to feelin.
 */
export function isSimpleValue(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    typeof value === 'number' ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    isTemporal(value)
  );
}

/** FEEL `a = b` on simple values: true, false, or null when the types differ. */
export function feelEquals(a: unknown, b: unknown): boolean | null {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  const type = typeof a;
  if (type !== 'object') return type === typeof b ? a === b : null;
  if (isTemporal(a) && isTemporal(b)) {
    return temporalKind(a) === temporalKind(b) ? a.toMillis() === b.toMillis() : null;
  }
  return null;
}

/** FEEL ordering on simple values: negative, 0, positive, or null when not comparable. */
export function feelCompare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (isTemporal(a) && isTemporal(b) && temporalKind(a) === temporalKind(b)) return a.toMillis() - b.toMillis();
  return null;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A FEEL value as JSON for history and process variables: dates as ISO 8601 text (`2025-07-01`,
 * `10:30:00`, `2025-07-01T10:30:00+08:00`), durations as ISO durations; NaN, infinities,
 * functions and ranges, which JSON cannot carry, become null.
 */
export function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return null;
  }
  if (Array.isArray(value)) return value.map(toJson);
  if (isTemporal(value)) return temporalText(value);
  if (isDuration(value)) return value.isValid ? value.toISO() : null;
  if (isPlainObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [key, entry] of Object.entries(value)) out[key] = toJson(entry);
    return out;
  }
  return null;
}

function temporalText(value: FeelTemporal): string | null {
  if (!value.isValid) return null;
  switch (temporalKind(value)) {
    case 'date':
      return value.toISODate();
    case 'time':
      return value.toISOTime({ suppressMilliseconds: true, includeOffset: value.zone.name !== 'UTC' });
    default:
      return value.toISO({ suppressMilliseconds: true });
  }
}

/** Structural equality of two JSON values (ANY's "all matching rules give the same output"). */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]!));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEquals(a[k]!, b[k]!));
}
