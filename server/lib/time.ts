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
