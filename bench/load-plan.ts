/**
 * The arithmetic of bench/load, kept apart from the HTTP so it can be tested: how many virtual
 * users each scenario gets, their think time, per-scenario figures, and a node's CPU time and
 * resident memory read from /proc.
 */
import { percentile, round } from './stats.js';

export const SCENARIOS = ['signIn', 'business', 'billingAudit', 'statistics'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/**
 * The share of virtual users per scenario. The seed's test description names the four scenarios
 * but not their mix, so this is ours: business processing is the bulk of a marketing office's
 * day; sign-ins, held-bill audits and statistics a fifth each.
 */
export const PROPORTIONS: Record<Scenario, number> = {
  signIn: 0.2,
  business: 0.4,
  billingAudit: 0.2,
  statistics: 0.2,
};

/**
 * `users` split by `weights` with the largest-remainder method: the counts add up to `users`
 * exactly, each is its exact share rounded down or up, and ties go to the scenario listed first.
 */
export function allocate<K extends string>(users: number, weights: Record<K, number>): Record<K, number> {
  const keys = Object.keys(weights) as K[];
  const sum = keys.reduce((s, k) => s + weights[k], 0);
  if (!Number.isInteger(users) || users < 0) throw new Error(`users must be a whole number ≥ 0, not ${users}`);
  if (!(sum > 0) || keys.some((k) => !(weights[k] >= 0))) throw new Error('weights must be ≥ 0 and not all 0');
  const exact = keys.map((k) => (users * weights[k]) / sum);
  const counts = exact.map(Math.floor);
  let left = users - counts.reduce((s, n) => s + n, 0);
  const byRemainder = keys.map((_, i) => i).sort((a, b) => exact[b]! - counts[b]! - (exact[a]! - counts[a]!) || a - b);
  for (const i of byRemainder) {
    if (left === 0) break;
    counts[i]! += 1;
    left -= 1;
  }
  return Object.fromEntries(keys.map((k, i) => [k, counts[i]!])) as Record<K, number>;
}

/** Think time between two user actions: uniform in [minMs, maxMs], from `random` in [0, 1). */
export function thinkMs(random: number, minMs = 3000, maxMs = 10_000): number {
  return minMs + random * (maxMs - minMs);
}

/** One scenario's requests: latencies (ms) of the answered ones, and the failures. */
export class ScenarioRecord {
  readonly latencies: number[] = [];
  requests = 0;
  errors = 0;

  add(ms: number, ok: boolean): void {
    this.requests += 1;
    this.latencies.push(ms);
    if (!ok) this.errors += 1;
  }

  /** A request that got no answer at all (refused, reset): an error with no latency. */
  failed(): void {
    this.requests += 1;
    this.errors += 1;
  }

  figures(seconds: number) {
    return {
      requests: this.requests,
      errors: this.errors,
      errorRatePct: this.requests ? round((100 * this.errors) / this.requests, 3) : 0,
      perSecond: round(this.requests / seconds, 1),
      p50: round(percentile(this.latencies, 50)),
      p95: round(percentile(this.latencies, 95)),
      p99: round(percentile(this.latencies, 99)),
      max: round(this.latencies.length ? Math.max(...this.latencies) : NaN),
    };
  }
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux everywhere it matters). */
export const CLOCK_TICKS = 100;

/**
 * User plus system CPU seconds from the text of /proc/<pid>/stat (threads included). The command
 * name in parentheses may itself hold spaces or parentheses, so fields are counted after the last ')'.
 */
export function cpuSecondsFromStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3 of the man page, utime 14 and stime 15 → indexes 11 and 12 here.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('not a /proc/<pid>/stat line');
  return (utime + stime) / CLOCK_TICKS;
}

/** Resident set size in MB from the text of /proc/<pid>/status (`VmRSS:  123456 kB`). */
export function rssMbFromStatus(status: string): number {
  const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error('no VmRSS in /proc/<pid>/status');
  return Number(kb) / 1024;
}

/** Growth from `start` to `end` in per cent of `start`. */
export function growthPct(start: number, end: number): number {
  return round((100 * (end - start)) / start, 1);
}
