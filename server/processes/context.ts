import type { Db } from '../db/index.js';
import type { Services } from '../http/services.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

/** What the processes' services (billing, arrears, risk) are built from. */
export interface ProcessContext {
  db: Db;
  services: Services;
  clock: Clock;
  logger: Logger;
}

/** Today on the platform clock, YYYY-MM-DD in Asia/Shanghai (the business calendar's day). */
export function todayOf(clock: Clock): string {
  return new Date(clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A variable that must be there: a missing one is a bug of the process, raised as an incident. */
export function required(variables: Readonly<Record<string, unknown>>, name: string): string {
  const value = variables[name];
  if (typeof value !== 'string' || value === '') throw new Error(`the process variable ${name} is missing`);
  return value;
}
