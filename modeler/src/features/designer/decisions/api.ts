import { api } from '../../../lib/api';
import type { List } from '../../../../../server/lib/contract';
import type {
  DecisionDefinition,
  DecisionDeployment,
  DmnLintIssue,
  DmnLintResult,
} from '../../../../../server/decisions/decision.contract';
import type { VersionSource } from '../versions';

export type { DecisionDefinition, DecisionDeployment, DmnLintIssue, DmnLintResult };

/** The decision designer's calls: the decisions' own routes, the DMN check, and POST /deployments. */
export const decisionApi = {
  /** The latest version of each decision. */
  latest: () => api.get<List<DecisionDefinition>>('/decision-definitions', { limit: 200 }).then((r) => r.items),
  /** The latest version of one decision (404 when it was never deployed). */
  latestOf: (key: string) => api.get<DecisionDefinition>(`/decision-definitions/key/${encodeURIComponent(key)}`),
  /** Every version of one decision, newest first. */
  versions: (key: string) =>
    api.get<List<DecisionDefinition>>('/decision-definitions', { key, limit: 200 }).then((r) => r.items),
  xml: (id: string) => api.get<string>(`/decision-definitions/${encodeURIComponent(id)}/xml`),
  lint: (xml: string, name: string) => api.post<DmnLintResult>('/designer/dmn-lint', { xml, name }),
  /** A DMN document alone, deployed as the next version of each decision it holds (or unchanged). */
  deploy: (xml: string, name: string) => api.post<DecisionDeployment>('/deployments', { xml, name }),
};

/** A decision's versions for the designer's version list (download only: no DMN viewer or diff). */
export const decisionVersions: VersionSource = {
  kind: 'dmn',
  list: async (key) =>
    (await decisionApi.versions(key)).map((d) => ({
      id: d.id,
      key: d.key,
      version: d.version,
      name: d.name,
      deployedBy: d.deployedBy,
      deployedByName: null,
      deployedAt: d.deployedAt,
    })),
  xml: decisionApi.xml,
  viewAndCompare: false,
};
