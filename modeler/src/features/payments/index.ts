import type { AppRoute } from '../../app/router';
import { lazyView } from '../../app/lazy';

export { default as messages } from './messages';

/** The payments received across the departments whose billing the user may read, live. */
export const routes: AppRoute[] = [
  {
    path: '/payments',
    view: lazyView(() => import('./PaymentsPage').then((m) => m.PaymentsPage)),
    nav: { labelKey: 'payments.nav', permission: ['billing', 'read'] },
  },
];
