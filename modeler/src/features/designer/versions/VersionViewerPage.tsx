import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, useT } from '../../../lib/i18n';
import { useSession } from '../../../lib/session';
import { bpmnFileName, downloadXml } from '../io';
import { deployerLabel, findVersion, versionXml, type VersionSummary } from './api';
import { TestInstanceForm } from './TestInstanceForm';
import { useReadOnlyViewer } from './useReadOnlyViewer';

/** `#/designer/:key/versions/:version` — a deployed version, read-only (pan and zoom only). */
export function VersionViewerPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const { can } = useSession();
  const key = params.key ?? '';
  const number = Number(params.version);
  const [version, setVersion] = useState<VersionSummary | null>(null);
  const [previous, setPrevious] = useState<VersionSummary | null>(null);
  const [xml, setXml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const viewer = useReadOnlyViewer(xml);

  useEffect(() => {
    setError(null);
    setXml(null);
    findVersion(key, number)
      .then(async ({ all, found }) => {
        if (!found) {
          setError(t('designer.viewer.notFound', { version: params.version }));
          return;
        }
        setVersion(found);
        setPrevious(all.find((v) => v.version < found.version) ?? null);
        setXml(await versionXml(found.id));
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [key, number]);

  const list = `#/designer/${encodeURIComponent(key)}/versions`;
  return (
    <section class="page">
      <h1>{t('designer.viewer.title', { key, version: params.version })}</h1>
      <p class="notice">{t('designer.viewer.readOnly')}</p>
      <nav class="versions-toolbar" aria-label={t('designer.versions.list')}>
        <a href={list}>{t('designer.versions.backToList')}</a>
        <a href={`#/designer/${encodeURIComponent(key)}`}>{t('designer.versions.backToDesigner')}</a>
        {previous && version && (
          <a href={`#/designer/${encodeURIComponent(key)}/diff/${previous.version}/${version.version}`}>
            {t('designer.viewer.diffPrevious', { version: previous.version })}
          </a>
        )}
      </nav>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {viewer.error && <p role="alert">{t('app.error', { message: viewer.error })}</p>}
      {version && (
        <>
          <p>
            {t('designer.viewer.deployedBy', { name: deployerLabel(version), at: formatDateTime(version.deployedAt) })}
          </p>
          <div class="versions-toolbar">
            <button
              type="button"
              disabled={!xml}
              onClick={() => xml && downloadXml(xml, bpmnFileName(key, version.version))}
            >
              {t('designer.io.download')}
            </button>
            {can('instance', 'start') && (
              <TestInstanceForm definitionId={version.id} definitionKey={key} version={version.version} />
            )}
          </div>
        </>
      )}
      <div
        ref={viewer.container}
        class="bpmn-readonly"
        role="img"
        aria-label={t('designer.viewer.diagram', { key, version: params.version })}
        data-ready={viewer.viewer ? 'true' : 'false'}
      />
    </section>
  );
}
