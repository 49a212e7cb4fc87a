import type { AppRoute } from '../../app/router';
import { lazyView } from '../../app/lazy';

export { default as messages } from './messages';

/** The notices sent to customers (issue 5 §6): with the development gateway, the outbox. */
export const routes: AppRoute[] = [
  {
    path: '/notifications',
    view: lazyView(() => import('./NotificationsPage').then((m) => m.NotificationsPage)),
    nav: { labelKey: 'notifications.nav', permission: ['notification', 'read'] },
  },
];
