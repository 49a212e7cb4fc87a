import { api } from '../../lib/api';
import type {
  AlertTask,
  Alerts,
  Bottleneck,
  DurationStats,
  ElementFigures,
  Workload,
} from '../../../../server/monitoring/contract';

/**
 * The shapes the monitoring API answers with: those in server/monitoring/contract.ts are shared with
 * the server; the others are read here as the views use them.
 */
export type Stats = DurationStats;

export interface DefinitionInfo {
  key: string;
  version: number | null;
  versions: number[];
  name: string | null;
  shownDefinitionId: string;
  shownVersion: number;
}

export interface Dashboard {
  definition: DefinitionInfo;
  departmentIds: string[] | null;
  counts: {
    running: number;
    started: number;
    completed: number;
    cancelled: number;
    failed: number;
    openIncidents: number;
  };
  throughput: { at: string; started: number; completed: number; cancelled: number }[];
  backlog: { elementId: string; name: string; tokens: number; unclaimed: number; claimed: number; overdue: number }[];
  sla: { onTime: number; breached: number; compliance: number | null; openOverdue: number; openDueSoon: number };
  incidents: { id: string; instance_id: string; element_id: string | null; message: string; created_at: string }[];
}

export type { Bottleneck, ElementFigures, Workload };

export type AlertRow = AlertTask;
export type { Alerts };

export interface Filters {
  definitionKey: string;
  version?: number | undefined;
  departmentId?: string | undefined;
  from: string;
  bucket: 'hour' | 'day';
}

function query(f: Filters) {
  return {
    definitionKey: f.definitionKey,
    version: f.version,
    departmentId: f.departmentId,
    from: f.from,
    bucket: f.bucket,
  };
}

export const monitoringApi = {
  processes: () => api.get<{ items: { key: string; name: string | null }[] }>('/process-definitions'),
  dashboard: (f: Filters) => api.get<Dashboard>('/monitoring/dashboard', query(f)),
  activities: (f: Filters) =>
    api.get<{ elements: ElementFigures[] }>('/monitoring/activities', { ...query(f), bucket: undefined }),
  elementInstances: (f: Filters, elementId: string) =>
    api.get<{
      items: {
        instance_id: string;
        business_key: string | null;
        department_id: string;
        started_at: string;
        assignee: string | null;
        due_at: string | null;
      }[];
    }>(`/monitoring/activities/${encodeURIComponent(elementId)}/instances`, { ...query(f), bucket: undefined }),
  bottlenecks: (f: Filters) =>
    api.get<{ steps: Bottleneck[] }>('/monitoring/bottlenecks', { ...query(f), bucket: undefined }),
  workload: (f: Filters) =>
    api.get<Workload>('/monitoring/workload', { definitionKey: f.definitionKey, departmentId: f.departmentId }),
  alerts: (f: Filters, horizon: string) =>
    api.get<Alerts>('/monitoring/alerts', { horizon, departmentId: f.departmentId, definitionKey: f.definitionKey }),
  acknowledge: (taskId: string) => api.post(`/monitoring/alerts/${taskId}/ack`, {}),
  reassign: (taskId: string, assignee: string) => api.post(`/tasks/${taskId}/assign`, { assignee }),
  instance: (id: string) => api.get<InstanceView>(`/monitoring/instances/${id}`),
  retryIncident: (id: string) => api.post(`/incidents/${id}/retry`, {}),
};

export interface InstanceView {
  instance: {
    id: string;
    definition_key: string;
    definition_version: number;
    business_key: string | null;
    department_id: string | null;
    status: string;
    started_at: string;
    ended_at: string | null;
  };
  variables: Record<string, unknown>;
  timeline: {
    elementId: string;
    elementType: string;
    name: string;
    startedAt: string;
    endedAt: string | null;
    durationMs: number | null;
    outcome: string | null;
    actor: string | null;
    task: { waitingMs: number | null; workingMs: number | null; breached: boolean | null } | null;
  }[];
  incidents: {
    id: string;
    type: string;
    element_id: string | null;
    message: string;
    status: string;
    created_at: string;
    retryable: boolean;
  }[];
  path: { completedElementIds: string[]; activeElementIds: string[] };
  diagram: { xml: string | null };
}

/** 90 s, 12 min, 3.5 h, 2.1 d: one unit, one decimal at most. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size) return `${(ms / size).toFixed(ms / size >= 10 ? 0 : 1)} ${unit}`;
  }
  return `${Math.round(ms)} ms`;
}
