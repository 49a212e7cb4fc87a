import { useT } from '../../../lib/i18n';
import { VersionList } from './VersionList';

/** `#/designer/:key/versions` */
export function VersionsPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const key = params.key ?? '';
  return (
    <section class="page">
      <h1>{t('designer.versions.title', { key })}</h1>
      <p>
        <a href={`#/designer/${encodeURIComponent(key)}`}>{t('designer.versions.backToDesigner')}</a>
      </p>
      <VersionList definitionKey={key} />
    </section>
  );
}
