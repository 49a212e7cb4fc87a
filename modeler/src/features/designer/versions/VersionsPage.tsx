import { useEffect, useState } from 'preact/hooks';
import { useT } from '../../../lib/i18n';
import { useSession } from '../../../lib/session';
import { listVersions, type VersionSummary } from './api';
import { TestInstanceForm } from './TestInstanceForm';
import { VersionList } from './VersionList';

/** `#/designer/:key/versions` — the versions, and a test instance of the latest one. */
export function VersionsPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const { can } = useSession();
  const key = params.key ?? '';
  const [latest, setLatest] = useState<VersionSummary | null>(null);
  useEffect(() => {
    setLatest(null);
    listVersions(key)
      .then((all) => setLatest(all[0] ?? null))
      // the list below reports errors; here only the test instance is left out
      .catch(() => setLatest(null));
  }, [key]);
  return (
    <section class="page">
      <h1>{t('designer.versions.title', { key })}</h1>
      <nav class="versions-toolbar" aria-label={t('designer.versions.list')}>
        <a href={`#/designer/${encodeURIComponent(key)}`}>{t('designer.versions.backToDesigner')}</a>
      </nav>
      {latest && can('instance', 'start') && (
        <TestInstanceForm definitionId={latest.id} definitionKey={key} version={latest.version} />
      )}
      <VersionList definitionKey={key} />
    </section>
  );
}
