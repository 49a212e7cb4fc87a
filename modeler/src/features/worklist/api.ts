import { api } from '../../lib/api';
import type { WorklistCounts, WorklistItem, WorklistPage } from '../../../../server/tasks/worklist.contract';
import type { Task, TaskCompletion } from '../../../../server/tasks/tasks.contract';
import type { BulkClaim } from '../../../../server/tasks/bulk-claim';
import type { Colleague } from '../../../../server/identity/user.contract';
import type { List } from '../../../../server/lib/contract';
import type { HistoryEntry, TaskContext } from '../../../../server/tasks/task-context.contract';
import type { SavedFilter, SavedFilterList } from '../../../../server/tasks/filters.contract';
import type { Draft } from '../../../../server/tasks/drafts.contract';
import type { Comment, CommentList } from '../../../../server/tasks/comments.contract';
import type { Attachment, AttachmentList } from '../../../../server/tasks/attachments.contract';
import type { GenericFormView, TaskFormView } from '../../../../server/forms/form.contract';
import type { VariableType } from '../../../../server/forms/typed-variables';

/** The worklist API (server/http/routes/worklist.ts and tasks.ts) as the views use it. */
export type View = 'mine' | 'claimable' | 'completed' | 'unassigned';
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

export type { Attachment, Comment, HistoryEntry, SavedFilter, Task, TaskContext, WorklistItem, WorklistPage };
export type Counts = WorklistCounts;
export type Bill = NonNullable<TaskContext['bills']>[number];
export type TaskForm = TaskFormView;
export type GenericForm = GenericFormView;
export type { VariableType };

/** POST /tasks/:id/complete: a form-js form's values, or the generic form's typed and removed variables. */
export interface CompletionBody {
  variables?: Record<string, unknown>;
  typedVariables?: Record<string, { type: VariableType; value: unknown }>;
  removeVariables?: string[];
}

export const worklistApi = {
  list: (query: ListQuery) => api.get<WorklistPage>('/worklist', { ...query }),
  counts: () => api.get<Counts>('/worklist/counts'),
  claimMany: (taskIds: string[]) => api.post<BulkClaim>('/tasks/claim', { taskIds }),
  colleagues: (q: string) => api.get<List<Colleague>>('/users/search', { q, limit: 12 }),
  filters: () => api.get<SavedFilterList>('/worklist/filters'),
  saveFilter: (body: { name: string; scope: 'personal' | 'department'; departmentId?: string; criteria: object }) =>
    api.post<SavedFilter>('/worklist/filters', body),
  deleteFilter: (id: string) => api.delete(`/worklist/filters/${id}`),
  context: (id: string) => api.get<TaskContext>(`/tasks/${id}/context`),
  form: (id: string) => api.get<TaskForm>(`/tasks/${id}/form`),
  variables: (id: string) => api.get<GenericForm>(`/tasks/${id}/variables`),
  draft: (id: string) => api.get<Draft>(`/tasks/${id}/draft`),
  /** `keepalive` lets the request finish while the page is closing. */
  saveDraft: (id: string, data: Record<string, unknown>, keepalive = false) =>
    api.put(`/tasks/${id}/draft`, { data }, { keepalive }),
  deleteDraft: (id: string) => api.delete(`/tasks/${id}/draft`),
  claim: (id: string) => api.post<Task>(`/tasks/${id}/claim`),
  unclaim: (id: string) => api.post<Task>(`/tasks/${id}/unclaim`),
  complete: (id: string, body: CompletionBody) => api.post<TaskCompletion>(`/tasks/${id}/complete`, body),
  assign: (id: string, assignee: string | null) => api.post<Task>(`/tasks/${id}/assign`, { assignee }),
  delegate: (id: string, userId: string) => api.post<Task>(`/tasks/${id}/delegate`, { userId }),
  resolve: (id: string, variables: Record<string, unknown>) => api.post<Task>(`/tasks/${id}/resolve`, { variables }),
  comments: (id: string) => api.get<CommentList>(`/tasks/${id}/comments`),
  addComment: (id: string, body: string) => api.post<Comment>(`/tasks/${id}/comments`, { body }),
  attachments: (id: string) => api.get<AttachmentList>(`/tasks/${id}/attachments`),
  upload: (id: string, file: File) => {
    const form = new FormData();
    form.append('file', file);
    return api.upload<Attachment>(`/tasks/${id}/attachments`, form);
  },
};
