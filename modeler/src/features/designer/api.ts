import { api } from '../../lib/api';
import type { PlatformLintData } from '../../../../server/lint/rules/support';
import type { LintIssue } from '../../../../server/lint/config';
import type { DesignerCatalog, Draft, DraftForm, DraftSave, DraftSummary } from '../../../../server/designer/contract';

export type { PlatformLintData, LintIssue, DesignerCatalog, Draft, DraftForm, DraftSummary };

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
  saveDraft: (key: string, body: DraftSave) => api.put<Draft>(`/designer/drafts/${encodeURIComponent(key)}`, body),
  deleteDraft: (key: string, revision: number) =>
    api.delete<void>(`/designer/drafts/${encodeURIComponent(key)}?revision=${revision}`),
  catalog: () => api.get<DesignerCatalog>('/designer/catalog'),
  lintConfig: () => api.get<PlatformLintData>('/designer/lint-config'),
  definitions: () => api.get<{ items: DefinitionSummary[] }>('/process-definitions').then((r) => r.items),
  definitionXml: (id: string) => api.get<string>(`/process-definitions/${encodeURIComponent(id)}/xml`),
  deploy: (body: { xml: string; name?: string; forms: Record<string, unknown>[] }) =>
    api.post<{ created: boolean; definition: DefinitionSummary }>('/deployments', body),
};
