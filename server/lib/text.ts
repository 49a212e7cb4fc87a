/**
 * A loosely typed value (a process variable, a form field, a JSON leaf) written as text on
 * purpose: strings as they are, numbers and booleans as JavaScript writes them, null and
 * undefined as the fallback, anything else as its JSON rather than "[object Object]".
 */
export function asText(value: unknown, fallback = ''): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return fallback;
  if (value instanceof Date) return String(value);
  return JSON.stringify(value) ?? fallback;
}
