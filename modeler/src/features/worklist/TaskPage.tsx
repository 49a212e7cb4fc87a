import { useT } from '../../lib/i18n';

export function TaskPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  return (
    <section class="page">
      <h1>
        {t('task.title')} {params.id}
      </h1>
    </section>
  );
}
