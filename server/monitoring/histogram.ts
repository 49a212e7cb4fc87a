import type { DurationStats } from './contract.js';

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

/** How many bins a histogram has: one below each edge, and one above the last. */
export const BIN_COUNT = BIN_EDGES_MS.length + 1;

/**
 * A dense histogram as a SQL aggregate over rows already grouped by bin: `bigint[]` of `bins`
 * sums of `countColumn`, one per value of `binColumn` (0 … bins-1). Grouping by bin first works
 * the bin out once per row; a FILTER per bin over the raw rows would work it out once per bin.
 * Built from constants only.
 */
export function histogramSql(binColumn: string, countColumn: string, bins = BIN_COUNT): string {
  const sums = Array.from(
    { length: bins },
    (_, i) => `COALESCE(sum(${countColumn}) FILTER (WHERE ${binColumn} = ${i}), 0)`,
  );
  return `ARRAY[${sums.join(', ')}]::bigint[]`;
}

/** A histogram: how many durations, their sum, and how many fell in each bin. */
export interface Histogram {
  count: number;
  totalMs: number;
  bins: number[];
}

export type { DurationStats };

export function emptyHistogram(bins = BIN_COUNT): Histogram {
  return { count: 0, totalMs: 0, bins: new Array<number>(bins).fill(0) };
}

/** Adds `more` into `into` (bin by bin). */
export function addHistogram(into: Histogram, more: { count: number; totalMs: number; bins: number[] }): Histogram {
  into.count += more.count;
  into.totalMs += more.totalMs;
  more.bins.forEach((n, i) => {
    into.bins[i] = (into.bins[i] ?? 0) + n;
  });
  return into;
}

function binBounds(bin: number): [number, number] {
  const last = BIN_EDGES_MS[BIN_EDGES_MS.length - 1] as number;
  const lower: number = bin === 0 ? 0 : (BIN_EDGES_MS[bin - 1] ?? last);
  const upper: number = BIN_EDGES_MS[bin] ?? lower * 2;
  return [lower, upper];
}

/** Count, exact mean, and p50 / p90 interpolated linearly within their bins. */
export function durationStats(h: Histogram): DurationStats {
  if (h.count === 0) return { count: 0, avgMs: null, p50Ms: null, p90Ms: null };
  return {
    count: h.count,
    avgMs: Math.round(h.totalMs / h.count),
    p50Ms: quantile(h, 0.5),
    p90Ms: quantile(h, 0.9),
  };
}

function quantile(h: Histogram, q: number): number {
  const total = h.bins.reduce((n, c) => n + c, 0);
  // A single value is known exactly: its mean.
  if (total === 1) return Math.round(h.totalMs);
  const rank = q * total;
  let seen = 0;
  for (let bin = 0; bin < h.bins.length; bin++) {
    const n = h.bins[bin] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const [lower, upper] = binBounds(bin);
      return Math.round(lower + ((upper - lower) * (rank - seen)) / n);
    }
    seen += n;
  }
  return Math.round(h.totalMs / h.count);
}
