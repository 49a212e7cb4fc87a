import { describe, expect, it } from 'vitest';
import {
  allocate,
  cpuSecondsFromStat,
  growthPct,
  PROPORTIONS,
  rssMbFromStatus,
  ScenarioRecord,
  thinkMs,
} from '../../../bench/load-plan.js';

describe('bench/load: virtual users per scenario', () => {
  it.each([180, 260, 520])('splits %i users 20/40/20/20 and loses nobody', (users) => {
    const counts = allocate(users, PROPORTIONS);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(users);
    const fifth = Math.round(users / 5);
    expect(counts).toEqual({ signIn: fifth, business: 2 * fifth, billingAudit: fifth, statistics: fifth });
  });

  it('gives the users left by rounding down to the largest remainders, ties to the first listed', () => {
    // Exact shares 3.33 / 3.33 / 3.33: one left over, to the first.
    expect(allocate(10, { a: 1, b: 1, c: 1 })).toEqual({ a: 4, b: 3, c: 3 });
    // Exact shares 1.4 / 4.2 / 1.4 → 1 / 4 / 1, one left over: remainders tie at .4, the first wins.
    expect(allocate(7, { a: 0.2, b: 0.6, c: 0.2 })).toEqual({ a: 2, b: 4, c: 1 });
    // Exact shares 0.5 / 5.5 / 3 → 0 / 5 / 3, one left over: a and b tie at .5, a wins.
    expect(allocate(9, { a: 1, b: 11, c: 6 })).toEqual({ a: 1, b: 5, c: 3 });
    expect(allocate(0, PROPORTIONS)).toEqual({ signIn: 0, business: 0, billingAudit: 0, statistics: 0 });
  });

  it('refuses a fraction of a user and weights that share nothing', () => {
    expect(() => allocate(2.5, PROPORTIONS)).toThrow(/whole number/);
    expect(() => allocate(10, { a: 0, b: 0 })).toThrow(/weights/);
    expect(() => allocate(10, { a: -1, b: 2 })).toThrow(/weights/);
  });
});

describe('bench/load: think time', () => {
  it('is uniform between 3 and 10 s', () => {
    expect(thinkMs(0)).toBe(3000);
    expect(thinkMs(0.5)).toBe(6500);
    expect(thinkMs(0.999999)).toBeLessThan(10_000);
    expect(thinkMs(0.25, 1000, 2000)).toBe(1250);
  });
});

describe('bench/load: a scenario figures', () => {
  it('counts failures with and without an answer, and takes percentiles of the answered', () => {
    const r = new ScenarioRecord();
    for (let ms = 1; ms <= 100; ms++) r.add(ms, ms !== 50);
    r.failed();
    const f = r.figures(10);
    expect(f).toMatchObject({ requests: 101, errors: 2, p50: 50, p95: 95, p99: 99, max: 100, perSecond: 10.1 });
    expect(f.errorRatePct).toBeCloseTo(1.98, 2);
  });
});

describe('bench/load: a node from /proc', () => {
  it('reads CPU seconds after the command name, even one with spaces and parentheses', () => {
    const rest = 'S 1 2 3 4 5 6 7 8 9 10 250 130 0 0 20 0 11 0 12345 1000 200';
    expect(cpuSecondsFromStat(`4242 (node) ${rest}`)).toBe(3.8);
    expect(cpuSecondsFromStat(`4242 (my (odd) name) ${rest}`)).toBe(3.8);
    expect(() => cpuSecondsFromStat('garbage')).toThrow(/stat/);
  });

  it('reads VmRSS in MB and the growth between two readings', () => {
    expect(rssMbFromStatus('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t  204800 kB\nThreads: 11\n')).toBe(200);
    expect(() => rssMbFromStatus('Name:\tnode\n')).toThrow(/VmRSS/);
    expect(growthPct(200, 215)).toBe(7.5);
    expect(growthPct(200, 190)).toBe(-5);
  });
});
