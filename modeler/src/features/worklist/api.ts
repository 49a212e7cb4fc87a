import { api } from '../../lib/api';
import type { WorklistCounts, WorklistItem, WorklistPage } from '../../../../server/worklist/contract';

/** The worklist API (server/http/routes/worklist.ts) as the views use it. */
export type View = 'mine' | 'claimable' | 'completed';
export type SortKey = 'created' | 'due' | 'priority' | 'completed';

export interface Criteria {
  q?: string;
  definitionKey?: string;
  elementId?: string;
  dueFrom?: string;
  dueTo?: string;
  minPriority?: number;
  departmentId?: string;
  customer?: string;
}

export interface ListQuery extends Criteria {
  view: View;
  sort?: SortKey;
  order?: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export type { WorklistItem, WorklistPage };
export type Counts = WorklistCounts;

export interface SavedFilter {
  id: string;
  name: string;
  scope: 'personal' | 'department';
  departmentId: string | null;
  criteria: Criteria & { view?: View; sort?: SortKey; order?: 'asc' | 'desc' };
  owner?: string;
}

export interface Task {
  id: string;
  instance_id: string;
  definition_key: string;
  element_id: string;
  name: string | null;
  candidate_groups: string[];
  assignee: string | null;
  /** The assignee's display name, where the server supplies it. */
  assigneeName?: string | null;
  form_key: string | null;
  due_at: string | null;
  priority: number;
  status: 'open' | 'completed' | 'cancelled';
  department_id: string | null;
  business_key: string | null;
  created_at: string;
  claimed_at: string | null;
  completed_at: string | null;
  completed_by: string | null;
  completedByName?: string | null;
  /** Who delegated the task, while it is delegated or after it came back. */
  owner?: string | null;
  ownerName?: string | null;
  /** 'pending' while the delegate has it, 'resolved' once it is back with its owner. */
  delegation_state?: 'pending' | 'resolved' | null;
}

export interface HistoryEntry {
  elementId: string;
  name: string | null;
  type: string;
  actor: string | null;
  actorName: string | null;
  /** No person acts at this step (gateways, service tasks, timers): the engine did it. */
  automatic?: boolean;
  startedAt: string;
  endedAt: string | null;
}

export interface Customer {
  id: string;
  accountNo: string;
  name: string;
  address: string | null;
  phone: string | null;
  elecTypeCode: string | null;
  departmentName: string | null;
  status: string | null;
  creditGrade: string | null;
}

export interface Bill {
  id: string;
  period?: string;
  total?: string;
  outstanding?: string;
  due_date?: string;
  status?: string;
  [key: string]: unknown;
}

export interface TaskContext {
  task: Task;
  instance: {
    id: string;
    definitionKey: string;
    definitionName?: string | null;
    version: number;
    businessKey: string | null;
  };
  diagramXml: string | null;
  activeElementIds: string[];
  history: HistoryEntry[];
  customer?: Customer;
  bills?: Bill[];
  arrears?: { total: string; principal: string; penalty: string; oldest?: string | null; asOf?: string };
  auditFlags?: { rule: number; message: string; details: Record<string, unknown> }[];
}

export interface TaskForm {
  schema: Record<string, unknown> | null;
  data: Record<string, unknown>;
}

export interface Comment {
  id: string;
  author: string;
  authorName: string;
  body: string;
  createdAt: string;
}

export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  uploadedByName: string;
  createdAt: string;
  downloadUrl: string;
}

export const worklistApi = {
  list: (query: ListQuery) => api.get<WorklistPage>('/worklist', { ...query }),
  counts: () => api.get<Counts>('/worklist/counts'),
  filters: () => api.get<{ items: SavedFilter[] }>('/worklist/filters'),
  saveFilter: (body: { name: string; scope: 'personal' | 'department'; departmentId?: string; criteria: object }) =>
    api.post<SavedFilter>('/worklist/filters', body),
  deleteFilter: (id: string) => api.delete(`/worklist/filters/${id}`),
  context: (id: string) => api.get<TaskContext>(`/tasks/${id}/context`),
  form: (id: string) => api.get<TaskForm>(`/tasks/${id}/form`),
  draft: (id: string) =>
    api.get<{ data: Record<string, unknown> | null; savedAt: string | null }>(`/tasks/${id}/draft`),
  /** `keepalive` lets the request finish while the page is closing. */
  saveDraft: (id: string, data: Record<string, unknown>, keepalive = false) =>
    api.put(`/tasks/${id}/draft`, { data }, { keepalive }),
  deleteDraft: (id: string) => api.delete(`/tasks/${id}/draft`),
  claim: (id: string) => api.post<Task>(`/tasks/${id}/claim`),
  unclaim: (id: string) => api.post<Task>(`/tasks/${id}/unclaim`),
  complete: (id: string, variables: Record<string, unknown>) => api.post(`/tasks/${id}/complete`, { variables }),
  assign: (id: string, assignee: string | null) => api.post<Task>(`/tasks/${id}/assign`, { assignee }),
  delegate: (id: string, userId: string) => api.post<Task>(`/tasks/${id}/delegate`, { userId }),
  resolve: (id: string, variables: Record<string, unknown>) => api.post<Task>(`/tasks/${id}/resolve`, { variables }),
  comments: (id: string) => api.get<{ items: Comment[] }>(`/tasks/${id}/comments`),
  addComment: (id: string, body: string) => api.post<Comment>(`/tasks/${id}/comments`, { body }),
  attachments: (id: string) => api.get<{ items: Attachment[] }>(`/tasks/${id}/attachments`),
  upload: (id: string, file: File) => {
    const form = new FormData();
    form.append('file', file);
    return api.upload<Attachment>(`/tasks/${id}/attachments`, form);
  },
};
