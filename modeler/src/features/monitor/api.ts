import { api } from '../../lib/api';
import type { List } from '../../../../server/lib/contract';
import type { Definition } from '../../../../server/workflow/definition.contract';
import type {
  Acknowledgement,
  Activities,
  AlertTask,
  Alerts,
  Bottleneck,
  Bottlenecks,
  Dashboard,
  DefinitionInfo,
  DurationStats,
  ElementFigures,
  InstanceView,
  WaitingInstance,
  Workload,
} from '../../../../server/monitoring/contract';

/** The monitoring API's answers, as server/monitoring/contract.ts declares them. */
export type Stats = DurationStats;
export type { Alerts, Bottleneck, Dashboard, DefinitionInfo, ElementFigures, InstanceView, WaitingInstance, Workload };
export type AlertRow = AlertTask;

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
  processes: () => api.get<List<Definition>>('/process-definitions'),
  dashboard: (f: Filters) => api.get<Dashboard>('/monitoring/dashboard', query(f)),
  activities: (f: Filters) => api.get<Activities>('/monitoring/activities', { ...query(f), bucket: undefined }),
  elementInstances: (f: Filters, elementId: string) =>
    api.get<List<WaitingInstance>>(`/monitoring/activities/${encodeURIComponent(elementId)}/instances`, {
      ...query(f),
      bucket: undefined,
    }),
  bottlenecks: (f: Filters) => api.get<Bottlenecks>('/monitoring/bottlenecks', { ...query(f), bucket: undefined }),
  workload: (f: Filters) =>
    api.get<Workload>('/monitoring/workload', { definitionKey: f.definitionKey, departmentId: f.departmentId }),
  alerts: (f: Filters, horizon: string) =>
    api.get<Alerts>('/monitoring/alerts', { horizon, departmentId: f.departmentId, definitionKey: f.definitionKey }),
  acknowledge: (taskId: string) => api.post<Acknowledgement>(`/monitoring/alerts/${taskId}/ack`, {}),
  reassign: (taskId: string, assignee: string) => api.post(`/tasks/${taskId}/assign`, { assignee }),
  instance: (id: string) => api.get<InstanceView>(`/monitoring/instances/${id}`),
  retryIncident: (id: string) => api.post(`/incidents/${id}/retry`, {}),
};

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
