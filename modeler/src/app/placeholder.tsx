import type { AppRoute } from './router';
import { useT } from '../lib/i18n';

/**
 * A stand-in for a feature whose folder has not been wired yet, so navigation works end to end.
 * A feature replaces its placeholder line in features.ts with its own routes.
 */
export function placeholderRoutes(
  feature: string,
  paths: string[],
  nav: { labelKey: string; permission: [string, string] },
): AppRoute[] {
  function Placeholder() {
    const t = useT();
    return (
      <section class="page">
        <h1>{t(nav.labelKey)}</h1>
        <p class="empty">{t('app.comingSoon')}</p>
      </section>
    );
  }
  Placeholder.displayName = `Placeholder(${feature})`;
  return paths.map((path, i) => ({ path, view: Placeholder, ...(i === 0 ? { nav } : {}) }));
}
