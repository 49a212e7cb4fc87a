import type { AppRoute } from '../../app/router';
import { lazyView } from '../../app/lazy';

export { default as messages } from './messages';

/**
 * Operations (运维): instances, incidents, migration and batches for those who operate running
 * processes. Only the instances page is in the navigation; each page checks its own permission.
 */
export const routes: AppRoute[] = [
  {
    path: '/operations',
    view: lazyView(() => import('./InstancesPage').then((m) => m.InstancesPage)),
    nav: { labelKey: 'ops.nav', permission: ['incident', 'read'] },
  },
  {
    path: '/operations/instances/:id',
    view: lazyView(() => import('./InstanceDetailPage').then((m) => m.InstanceDetailPage)),
  },
  {
    path: '/operations/incidents',
    view: lazyView(() => import('./IncidentsPage').then((m) => m.IncidentsPage)),
  },
  {
    path: '/operations/migration',
    view: lazyView(() => import('./MigrationPage').then((m) => m.MigrationPage)),
  },
  {
    path: '/operations/batches',
    view: lazyView(() => import('./BatchesPage').then((m) => m.BatchesPage)),
  },
  {
    path: '/operations/batches/:id',
    view: lazyView(() => import('./BatchesPage').then((m) => m.BatchPage)),
  },
];
