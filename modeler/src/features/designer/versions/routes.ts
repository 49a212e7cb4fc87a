import type { AppRoute } from '../../../app/router';
import { lazyView } from '../../../app/lazy';

export { default as versionMessages } from './messages';

/**
 * Routes of the designer's versions, diff and import check, loaded on first use (bpmn-js stays
 * out of the main bundle). Each has a shape (segment count or first segment) no designer route
 * has, so the order of routes in the app does not matter.
 */
export const versionRoutes: AppRoute[] = [
  { path: '/designer/:key/versions', view: lazyView(() => import('./VersionsPage').then((m) => m.VersionsPage)) },
  {
    path: '/designer/:key/versions/:version',
    view: lazyView(() => import('./VersionViewerPage').then((m) => m.VersionViewerPage)),
  },
  { path: '/designer/:key/diff/:a/:b', view: lazyView(() => import('./DiffPage').then((m) => m.DiffPage)) },
  { path: '/designer-import', view: lazyView(() => import('./ImportCheckPage').then((m) => m.ImportCheckPage)) },
];
