import type { AppRoute } from '../../app/router';
import { lazyView } from '../../app/lazy';

export { default as messages } from './messages';

/** The grid view: the network of the user's departments, line loss, moves and outage notices. */
export const routes: AppRoute[] = [
  {
    path: '/grid',
    view: lazyView(() => import('./GridPage').then((m) => m.GridPage)),
    nav: { labelKey: 'grid.nav', permission: ['grid', 'read'] },
  },
];
