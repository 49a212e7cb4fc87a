import { api } from '../../lib/api';
import type { PlatformLintData } from '../../../../server/lint/rules/support';
import type { LintIssue } from '../../../../server/lint/config';
import type { List } from '../../../../server/lib/contract';
import type {
  DesignerCatalog,
  Draft,
  DraftForm,
  DraftSave,
  DraftSummary,
  LintConfig,
} from '../../../../server/designer/contract';
import type { Definition } from '../../../../server/workflow/definition.contract';
import type { Deployment } from '../../../../server/workflow/deployments.contract';

export type { PlatformLintData, LintIssue, DesignerCatalog, Draft, DraftForm, DraftSummary };

/** A deployed version as the designer's home lists it. */
export type DefinitionSummary = Definition;

export const designerApi = {
  drafts: () => api.get<List<DraftSummary>>('/designer/drafts').then((r) => r.items),
  draft: (key: string) => api.get<Draft>(`/designer/drafts/${encodeURIComponent(key)}`),
  saveDraft: (key: string, body: DraftSave) => api.put<Draft>(`/designer/drafts/${encodeURIComponent(key)}`, body),
  deleteDraft: (key: string, revision: number) =>
    api.delete<void>(`/designer/drafts/${encodeURIComponent(key)}?revision=${revision}`),
  catalog: () => api.get<DesignerCatalog>('/designer/catalog'),
  lintConfig: () => api.get<LintConfig>('/designer/lint-config'),
  definitions: () => api.get<List<Definition>>('/process-definitions').then((r) => r.items),
  definitionXml: (id: string) => api.get<string>(`/process-definitions/${encodeURIComponent(id)}/xml`),
  deploy: (body: { xml: string; name?: string; forms: Record<string, unknown>[] }) =>
    api.post<Deployment>('/deployments', body),
};
