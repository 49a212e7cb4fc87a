import type { AppRoute } from '../../app/router';
import { lazyView } from '../../app/lazy';

export { default as messages } from './messages';

/** The report centre: the catalogue, one report run with its parameters, files and schedules. */
export const routes: AppRoute[] = [
  {
    path: '/reports',
    view: lazyView(() => import('./ReportsPage').then((m) => m.ReportsPage)),
    nav: { labelKey: 'reports.nav', permission: ['report', 'read'] },
  },
];
