import { useT } from '../../lib/i18n';

export function WorklistPage() {
  const t = useT();
  return (
    <section class="page">
      <h1>{t('worklist.title')}</h1>
    </section>
  );
}
