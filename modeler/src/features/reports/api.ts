import { api, apiUrl } from '../../lib/api';
import type { List } from '../../../../server/lib/contract';
import type { Department } from '../../../../server/identity/department.contract';
import type { ReportResult, ReportSummary } from '../../../../server/reports/report.contract';
import type { ReportSchedule, ReportScheduleRequest } from '../../../../server/reports/schedules.contract';

export type { ReportResult, ReportSummary, ReportSchedule, Department };

/** The query of one report run: its parameters as the server names them. */
export type ReportQuery = Record<string, string>;

export const reportsApi = {
  catalogue: () => api.get<List<ReportSummary>>('/reports'),
  departments: () => api.get<List<Department>>('/reports/departments'),
  run: (id: string, query: ReportQuery) => api.get<ReportResult>(`/reports/${encodeURIComponent(id)}`, query),
  /** A link the browser downloads the file from (the session cookie goes with it). */
  fileUrl: (id: string, query: ReportQuery, format: 'xlsx' | 'csv', lang: string) =>
    apiUrl(`/reports/${encodeURIComponent(id)}`, { ...query, format, lang }),
  schedules: () => api.get<List<ReportSchedule>>('/reports/schedules'),
  schedule: (input: ReportScheduleRequest) => api.post<ReportSchedule>('/reports/schedules', input),
  unschedule: (id: string) => api.delete<void>(`/reports/schedules/${id}`),
  producedFileUrl: (id: string) => apiUrl(`/reports/files/${id}`),
};
