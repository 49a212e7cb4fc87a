import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../server/monitoring/dashboard.service.js';
import {
  addHistogram,
  BIN_COUNT,
  BIN_EDGES_MS,
  durationStats,
  emptyHistogram,
  type Histogram,
} from '../../../server/monitoring/histogram.js';

/** The histogram the rollup would store for these durations (same bins as SQL's width_bucket). */
function histogramOf(durations: number[]): Histogram {
  const h = emptyHistogram();
  for (const ms of durations) {
    const bin = BIN_EDGES_MS.filter((edge) => ms >= edge).length;
    h.bins[bin] = (h.bins[bin] ?? 0) + 1;
    h.count += 1;
    h.totalMs += ms;
  }
  return h;
}

describe('duration histograms', () => {
  it('gives the exact count and mean, and percentiles within the bin that holds them', () => {
    const durations = Array.from({ length: 100 }, (_, i) => (i + 1) * 60_000); // 1 … 100 minutes
    const stats = durationStats(histogramOf(durations));
    expect(stats.count).toBe(100);
    expect(stats.avgMs).toBe(50.5 * 60_000);
    // p50 is 50 min, p90 is 90 min: each lands in its bin (30–60 min, 60–120 min)
    expect(stats.p50Ms).toBeGreaterThanOrEqual(1_800_000);
    expect(stats.p50Ms).toBeLessThanOrEqual(3_600_000);
    expect(stats.p90Ms).toBeGreaterThanOrEqual(3_600_000);
    expect(stats.p90Ms).toBeLessThanOrEqual(7_200_000);
  });

  it('answers a single duration exactly, and nothing for an empty histogram', () => {
    expect(durationStats(histogramOf([123_456]))).toMatchObject({ count: 1, p50Ms: 123_456, p90Ms: 123_456 });
    expect(durationStats(emptyHistogram())).toEqual({ count: 0, avgMs: null, p50Ms: null, p90Ms: null });
  });

  it('adds histograms bin by bin (days and departments sum into one)', () => {
    const a = histogramOf([500, 70_000]);
    const b = histogramOf([600, 3_700_000]);
    const sum = addHistogram(emptyHistogram(), a);
    addHistogram(sum, b);
    expect(sum).toEqual(histogramOf([500, 70_000, 600, 3_700_000]));
    expect(sum.bins).toHaveLength(BIN_COUNT);
  });
});

describe('diagnose (a first reading of a bottleneck)', () => {
  const step = (waitP50: number, workP50: number, unclaimed = 0) => ({
    tokens: 5,
    unclaimed,
    waiting: { p50Ms: waitP50 },
    working: { p50Ms: workP50 },
    duration: { p50Ms: waitP50 + workP50 },
  });

  it.each([
    ['long waits to claim', step(5 * 3_600_000, 600_000, 4), [], { kind: 'capacity' }],
    ['everyone slow at the step', step(60_000, 5 * 3_600_000), [], { kind: 'process-step' }],
    [
      'one person far slower than the others',
      step(60_000, 3_600_000),
      [
        { username: 'slow', completed: 5, avgWorkMs: 10 * 3_600_000 },
        { username: 'a', completed: 9, avgWorkMs: 3_600_000 },
        { username: 'b', completed: 7, avgWorkMs: 3_000_000 },
      ],
      { kind: 'slow-person', username: 'slow' },
    ],
  ])('%s', (_name, figures, people, cause) => {
    expect(diagnose(figures, people)).toEqual(cause);
  });
});
