export type { ProcessContext, ProcessPorts } from './ports.js';

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A variable that must be there: a missing one is a bug of the process, raised as an incident. */
export function required(variables: Readonly<Record<string, unknown>>, name: string): string {
  const value = variables[name];
  if (typeof value !== 'string' || value === '') throw new Error(`the process variable ${name} is missing`);
  return value;
}
