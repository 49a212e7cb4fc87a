/** Percentiles over recorded samples (milliseconds). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function summary(samples: number[]) {
  return {
    count: samples.length,
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    max: round(samples.length ? Math.max(...samples) : NaN),
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function report(title: string, rows: Record<string, unknown>): void {
  process.stdout.write(`\n## ${title}\n`);
  for (const [k, v] of Object.entries(rows))
    process.stdout.write(`  ${k.padEnd(34)} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`);
}
