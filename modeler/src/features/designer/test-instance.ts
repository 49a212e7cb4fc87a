import { api } from '../../lib/api';
import { navigate } from '../../app/router';
import type { StartedInstance } from '../../../../server/workflow/instance.contract';

/**
 * A test instance of a deployed version, started from the designer through the ordinary
 * instance API (so the same permission, department and validation rules apply), then opened
 * in the monitor (`#/monitor/instances/:id`).
 */
export interface TestInstanceInput {
  definitionId: string;
  businessKey?: string | undefined;
  variables?: Record<string, unknown> | undefined;
}

export function defaultTestBusinessKey(key: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `TEST-${key}-${stamp}`.slice(0, 200);
}

/** Parses the variables box: empty means none; anything but a JSON object is refused. */
export function parseVariables(text: string): Record<string, unknown> | null {
  if (!text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function startTestInstance(input: TestInstanceInput): Promise<string> {
  const body: Record<string, unknown> = { definitionId: input.definitionId };
  if (input.businessKey) body.businessKey = input.businessKey;
  if (input.variables && Object.keys(input.variables).length > 0) body.variables = input.variables;
  const instance = await api.post<StartedInstance>('/process-instances', body);
  return instance.id;
}

export function openInMonitor(instanceId: string): void {
  navigate(`/monitor/instances/${encodeURIComponent(instanceId)}`);
}
