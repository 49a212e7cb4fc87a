import { api } from '../../lib/api';
import type { PlatformLintData } from '../../../../server/lint/rules/support';
import type { LintIssue } from '../../../../server/lint/config';

export type { PlatformLintData, LintIssue };

/** A form-js form kept with a draft; `id` is what a user task's camunda:formKey names. */
export interface DraftForm {
  id: string;
  schema: Record<string, unknown>;
}

export interface DraftSummary {
  key: string;
  name: string | null;
  revision: number;
  baseVersion: number | null;
  updatedBy: string;
  updatedAt: string;
}

export interface Draft extends DraftSummary {
  xml: string;
  forms: DraftForm[];
}

export interface DesignerCatalog {
  roles: { code: string; name: string; nameEn: string | null }[];
  users: { username: string; displayName: string; departmentId: string }[];
  services: { name: string; description: string; inputs: string[]; outputs: string[] }[];
  processes: { key: string; name: string | null; version: number }[];
  forms: string[];
}

export interface DefinitionSummary {
  id: string;
  key: string;
  name: string | null;
  version: number;
  deployed_by: string;
  deployed_at: string;
}

export const designerApi = {
  drafts: () => api.get<{ items: DraftSummary[] }>('/designer/drafts').then((r) => r.items),
  draft: (key: string) => api.get<Draft>(`/designer/drafts/${encodeURIComponent(key)}`),
  saveDraft: (
    key: string,
    body: { xml: string; name: string | null; forms: DraftForm[]; revision: number; baseVersion?: number | null },
  ) => api.put<Draft>(`/designer/drafts/${encodeURIComponent(key)}`, body),
  deleteDraft: (key: string, revision: number) =>
    api.delete<void>(`/designer/drafts/${encodeURIComponent(key)}?revision=${revision}`),
  catalog: () => api.get<DesignerCatalog>('/designer/catalog'),
  lintConfig: () => api.get<PlatformLintData>('/designer/lint-config'),
  definitions: () => api.get<{ items: DefinitionSummary[] }>('/process-definitions').then((r) => r.items),
  definitionXml: (id: string) => api.get<string>(`/process-definitions/${encodeURIComponent(id)}/xml`),
  deploy: (body: { xml: string; name?: string; forms: Record<string, unknown>[] }) =>
    api.post<{ created: boolean; definition: DefinitionSummary }>('/deployments', body),
};
