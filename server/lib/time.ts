const DURATION =
  /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Adds an ISO 8601 duration (P3D, PT4H, P1M) to a date; calendar months and years, not 30-day blocks. */
export function addIsoDuration(from: Date, duration: string): Date | null {
  const m = DURATION.exec(duration.trim());
  if (!m || duration.trim() === 'P' || duration.trim().endsWith('T')) return null;
  const [, y, mo, w, d, h, mi, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  const result = new Date(from.getTime());
  if (y || mo) result.setUTCMonth(result.getUTCMonth() + (y ?? 0) * 12 + (mo ?? 0));
  const ms = (((w ?? 0) * 7 + (d ?? 0)) * 86_400 + (h ?? 0) * 3600 + (mi ?? 0) * 60 + (s ?? 0)) * 1000;
  return new Date(result.getTime() + ms);
}

/**
 * A task date attribute's value (camunda:dueDate, followUpDate) as a date: a Date, an ISO date
 * or date-time, or an ISO duration counted from `now`. Null when absent; throws when unreadable.
 */
export function toTaskDate(value: unknown, now: Date): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string') {
    if (value.startsWith('P')) {
      const date = addIsoDuration(now, value);
      if (date) return date;
    } else {
      const parsed = Date.parse(value);
      if (!Number.isNaN(parsed)) return new Date(parsed);
    }
  }
  throw new Error(`"${String(value)}" is neither a date nor an ISO 8601 duration`);
}
