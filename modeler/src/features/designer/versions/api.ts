import { api } from '../../../lib/api';
import type { List } from '../../../../../server/lib/contract';
import type { VersionSummary } from '../../../../../server/workflow/deployments.contract';

/** One deployed version (GET /process-definitions/:key/versions). */
export type { VersionSummary };

export async function listVersions(key: string): Promise<VersionSummary[]> {
  const res = await api.get<List<VersionSummary>>(`/process-definitions/${encodeURIComponent(key)}/versions`);
  return res.items;
}

export async function versionXml(definitionId: string): Promise<string> {
  return api.get<string>(`/process-definitions/${encodeURIComponent(definitionId)}/xml`);
}

/** The version with this number, or null; the list is small (one row per deployment). */
export async function findVersion(
  key: string,
  version: number,
): Promise<{ all: VersionSummary[]; found: VersionSummary | null }> {
  const all = await listVersions(key);
  return { all, found: all.find((v) => v.version === version) ?? null };
}

export function deployerLabel(v: VersionSummary): string {
  return v.deployedByName ? `${v.deployedByName} (${v.deployedBy})` : v.deployedBy;
}
