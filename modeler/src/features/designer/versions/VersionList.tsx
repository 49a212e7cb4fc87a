import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../../lib/api';
import { formatDateTime, useT } from '../../../lib/i18n';
import { navigate } from '../../../app/router';
import { bpmnFileName, downloadXml, type XmlFileKind } from '../io';
import { deployerLabel, listVersions, versionXml, type VersionSummary } from './api';
import './versions.css';

const path = (...parts: Array<string | number>) => '/' + parts.map((p) => encodeURIComponent(String(p))).join('/');

/** Where a list of versions comes from: a process's (the default) or a decision's. */
export interface VersionSource {
  kind: XmlFileKind;
  list(key: string): Promise<VersionSummary[]>;
  xml(id: string): Promise<string>;
  /** Read-only view and compare: processes have them (bpmn-js viewer and differ), decisions not. */
  viewAndCompare: boolean;
}

export const processVersions: VersionSource = {
  kind: 'bpmn',
  list: listVersions,
  xml: versionXml,
  viewAndCompare: true,
};

/**
 * Every deployed version of a key: who deployed it and when, open read-only, download, and
 * pick two to compare. Embeddable in the designer page; also the body of VersionsPage.
 */
export function VersionList({
  definitionKey,
  source = processVersions,
}: {
  definitionKey: string;
  source?: VersionSource | undefined;
}) {
  const t = useT();
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number[]>([]);

  useEffect(() => {
    setVersions(null);
    setError(null);
    source
      .list(definitionKey)
      .then(setVersions)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) setVersions([]);
        else setError(err instanceof Error ? err.message : String(err));
      });
  }, [definitionKey, source]);

  function toggle(version: number, on: boolean) {
    // Keep the two most recent picks: ticking a third replaces the oldest pick.
    setSelected((s) => (on ? [...s.filter((v) => v !== version), version].slice(-2) : s.filter((v) => v !== version)));
  }

  async function download(v: VersionSummary) {
    downloadXml(await source.xml(v.id), bpmnFileName(v.key, v.version, source.kind));
  }

  const [a, b] = [...selected].sort((x, y) => x - y);
  if (error) return <p role="alert">{t('app.error', { message: error })}</p>;
  if (!versions) return <p aria-busy="true">{t('app.loading')}</p>;
  if (versions.length === 0) return <p class="empty">{t('designer.versions.empty')}</p>;
  return (
    <div>
      {source.viewAndCompare && <p class="hint">{t('designer.versions.compareHint')}</p>}
      <div class="table-wrap">
        <table class="grid">
          <caption>{t('designer.versions.title', { key: definitionKey })}</caption>
          <thead>
            <tr>
              {source.viewAndCompare && <th scope="col">{t('designer.versions.compareWith')}</th>}
              <th scope="col">{t('designer.versions.version')}</th>
              <th scope="col">{t('designer.versions.name')}</th>
              <th scope="col">{t('designer.versions.deployedBy')}</th>
              <th scope="col">{t('designer.versions.deployedAt')}</th>
              <th scope="col">{t('designer.versions.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v, i) => (
              <tr key={v.id} data-version={v.version}>
                {source.viewAndCompare && (
                  <td>
                    <input
                      type="checkbox"
                      checked={selected.includes(v.version)}
                      aria-label={t('designer.versions.selectForCompare', { version: v.version })}
                      onChange={(e) => toggle(v.version, e.currentTarget.checked)}
                    />
                  </td>
                )}
                <td>
                  v{v.version}
                  {i === 0 && <span class="hint"> ({t('designer.versions.latest')})</span>}
                </td>
                <td>{v.name ?? v.key}</td>
                <td>{deployerLabel(v)}</td>
                <td>
                  <time dateTime={v.deployedAt}>{formatDateTime(v.deployedAt)}</time>
                </td>
                <td>
                  {source.viewAndCompare && (
                    <>
                      <a href={`#${path('designer', definitionKey, 'versions', v.version)}`}>
                        {t('designer.versions.open', { version: v.version })}
                      </a>{' '}
                    </>
                  )}
                  <button type="button" onClick={() => void download(v)}>
                    {t('designer.versions.download', { version: v.version })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {source.viewAndCompare && (
        <button
          type="button"
          disabled={a === undefined || b === undefined}
          onClick={() => a !== undefined && b !== undefined && navigate(path('designer', definitionKey, 'diff', a, b))}
        >
          {t('designer.versions.compareSelected')}
        </button>
      )}
    </div>
  );
}
