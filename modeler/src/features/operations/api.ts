import { api } from '../../lib/api';
import type { List } from '../../../../server/lib/contract';
import type { Definition } from '../../../../server/workflow/definition.contract';
import type {
  Instance,
  InstanceDetail,
  InstanceSortKey,
  Operation,
} from '../../../../server/workflow/instance.contract';
import type { VariableChange, VariablesPatch } from '../../../../server/workflow/instance-variables.contract';
import type {
  IncidentBulkRetryResult,
  IncidentGroup,
  IncidentListItem,
} from '../../../../server/workflow/incident.contract';
import type {
  MigrateBody,
  MigrateResult,
  MigrationPlan,
  ModificationBody,
  ModificationResult,
} from '../../../../server/workflow/instance-operations.contract';
import type { Batch, BatchCreate, BatchDetail, BatchFilter } from '../../../../server/batches/batch.contract';
import type { Comment, CommentList } from '../../../../server/tasks/comments.contract';
import type { VariableType } from '../../../../server/forms/typed-variables';
import type { InstanceView } from '../../../../server/monitoring/contract';
import type { Department } from '../../../../server/identity/department.contract';

export type {
  Batch,
  BatchDetail,
  BatchFilter,
  Comment,
  Definition,
  Department,
  IncidentGroup,
  IncidentListItem,
  Instance,
  InstanceDetail,
  InstanceSortKey,
  InstanceView,
  MigrateResult,
  MigrationPlan,
  ModificationBody,
  Operation,
  VariableChange,
  VariableType,
};

/** The types the variable editor offers, as the server's typed variables declare them. */
export const VARIABLE_TYPES: readonly VariableType[] = ['string', 'number', 'boolean', 'date', 'json'];

/**
 * An instance search as query parameters (instance.contract.ts `instanceSearchSchema`: the same
 * names; dates ISO 8601, `status` comma-separated, flags 'true').
 */
export interface InstanceQuery {
  definitionKey?: string | undefined;
  definitionVersion?: number | undefined;
  definitionId?: string | undefined;
  status?: string | undefined;
  hasIncident?: 'true' | undefined;
  suspended?: 'true' | undefined;
  overdue?: 'true' | undefined;
  businessKey?: string | undefined;
  businessKeyStartsWith?: string | undefined;
  customer?: string | undefined;
  currentElementId?: string | undefined;
  departmentId?: string | undefined;
  startedAfter?: string | undefined;
  startedBefore?: string | undefined;
  endedAfter?: string | undefined;
  endedBefore?: string | undefined;
  sortBy?: InstanceSortKey;
  sortOrder?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

export interface IncidentQuery {
  definitionKey?: string | undefined;
  type?: IncidentListItem['type'] | undefined;
  messageContains?: string | undefined;
  message?: string | undefined;
  elementId?: string | undefined;
  departmentId?: string | undefined;
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
  offset?: number;
  limit?: number;
}

const reason = (text: string) => ({ reason: text });

/** The operations API: instances, their operations, incidents, migration and batches. */
export const operationsApi = {
  definitions: (allVersions = false) =>
    api.get<List<Definition>>('/process-definitions', allVersions ? { allVersions: true } : undefined),
  /** The departments whose instances the reader may read, with their names. */
  departments: () => api.get<List<Department>>('/departments'),
  instances: (query: InstanceQuery) => api.get<List<Instance>>('/process-instances', { ...query }),
  instance: (id: string) => api.get<InstanceDetail>(`/process-instances/${id}`),
  /** The monitor's view of an instance: the diagram, the path taken and the timeline. */
  view: (id: string) => api.get<InstanceView>(`/monitoring/instances/${id}`),
  cancel: (id: string, text: string) => api.post<InstanceDetail>(`/process-instances/${id}/cancel`, reason(text)),
  suspend: (id: string, text: string) => api.post<InstanceDetail>(`/process-instances/${id}/suspend`, reason(text)),
  resume: (id: string, text: string) => api.post<InstanceDetail>(`/process-instances/${id}/resume`, reason(text)),
  editVariables: (id: string, body: VariablesPatch) =>
    api.patch<InstanceDetail>(`/process-instances/${id}/variables`, body),
  operations: (id: string) => api.get<List<Operation>>(`/process-instances/${id}/operations`),
  variableHistory: (id: string) => api.get<List<VariableChange>>(`/process-instances/${id}/variable-history`),
  modify: (id: string, body: ModificationBody) =>
    api.post<ModificationResult>(`/process-instances/${id}/modification`, body),
  comments: (id: string) => api.get<CommentList>(`/process-instances/${id}/comments`),
  comment: (id: string, body: string) => api.post<Comment>(`/process-instances/${id}/comments`, { body }),
  incidents: (query: IncidentQuery) => api.get<List<IncidentListItem>>('/incidents', { ...query }),
  incidentGroups: (query: IncidentQuery) => api.get<List<IncidentGroup>>('/incidents/groups', { ...query }),
  retryIncident: (id: string) => api.post(`/incidents/${id}/retry`, {}),
  retryIncidents: (incidentIds: string[]) => api.post<IncidentBulkRetryResult>('/incidents/retry', { incidentIds }),
  migrationPlan: (sourceDefinitionId: string, targetDefinitionId: string) =>
    api.get<MigrationPlan>('/process-instances/migration-plan', { sourceDefinitionId, targetDefinitionId }),
  migrate: (body: MigrateBody) => api.post<MigrateResult>('/process-instances/migrate', body),
  createBatch: (body: BatchCreate) => api.post<Batch>('/batches', body),
  batches: (offset = 0, limit = 50) => api.get<List<Batch>>('/batches', { offset, limit }),
  batch: (id: string, query: { status?: string | undefined; offset?: number; limit?: number } = {}) =>
    api.get<BatchDetail>(`/batches/${id}`, query),
};
