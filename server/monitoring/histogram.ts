/**
 * Durations are kept as histograms with fixed bins, so that statistics over any period and any
 * set of departments are sums of small rows (exact count, sum and mean; percentiles interpolated
 * within a bin). The upper edges, in milliseconds, span a second to a month on a rough log scale.
 */
export const BIN_EDGES_MS = [
  1_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000,
  28_800_000, 43_200_000, 86_400_000, 172_800_000, 259_200_000, 432_000_000, 604_800_000, 1_209_600_000, 2_592_000_000,
] as const;

/**
 * The SQL bin of a duration expression: 0 below the first edge, n above the last. The edges are
 * constants of this module (no user input reaches this string).
 */
export function binSql(durationExpression: string): string {
  return `width_bucket(${durationExpression}, ARRAY[${BIN_EDGES_MS.join(',')}]::bigint[])`;
}

export interface BinCount {
  bin: number;
  count: number;
  totalMs: number;
}

export interface DurationStats {
  count: number;
  avgMs: number | null;
  p50Ms: number | null;
  p90Ms: number | null;
}

function binBounds(bin: number): [number, number] {
  const last = BIN_EDGES_MS[BIN_EDGES_MS.length - 1] as number;
  const lower: number = bin === 0 ? 0 : (BIN_EDGES_MS[bin - 1] ?? last);
  const upper: number = BIN_EDGES_MS[bin] ?? lower * 2;
  return [lower, upper];
}

/** Count, mean and interpolated p50 / p90 of one histogram (bins may repeat: they are summed). */
export function durationStats(bins: BinCount[]): DurationStats {
  const merged = new Map<number, BinCount>();
  for (const b of bins) {
    const m = merged.get(b.bin) ?? { bin: b.bin, count: 0, totalMs: 0 };
    m.count += b.count;
    m.totalMs += b.totalMs;
    merged.set(b.bin, m);
  }
  const sorted = [...merged.values()].filter((b) => b.count > 0).sort((a, b) => a.bin - b.bin);
  const count = sorted.reduce((n, b) => n + b.count, 0);
  if (count === 0) return { count: 0, avgMs: null, p50Ms: null, p90Ms: null };
  const total = sorted.reduce((n, b) => n + b.totalMs, 0);
  return {
    count,
    avgMs: Math.round(total / count),
    p50Ms: quantile(sorted, count, 0.5),
    p90Ms: quantile(sorted, count, 0.9),
  };
}

function quantile(sorted: BinCount[], count: number, q: number): number {
  const rank = q * count;
  let seen = 0;
  for (const b of sorted) {
    if (seen + b.count >= rank) {
      const [lower, upper] = binBounds(b.bin);
      // Within a bin, bounded by the bin's own mean range: a bin holding one value answers it.
      const mean = b.totalMs / b.count;
      if (b.count === 1) return Math.round(mean);
      const fraction = (rank - seen) / b.count;
      const lo = Math.min(lower, mean);
      const hi = Math.max(Math.min(upper, mean * 2 - lo), mean);
      return Math.round(lo + (hi - lo) * fraction);
    }
    seen += b.count;
  }
  return Math.round(sorted[sorted.length - 1]!.totalMs / sorted[sorted.length - 1]!.count);
}
