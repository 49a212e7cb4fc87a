import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs to stdout, one object a line (ARCHITECTURE.md HTTP API: JSON logs). */
export function createLogger(level: string, name = 'platform'): Logger {
  return pino({ name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
