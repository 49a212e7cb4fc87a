import type { AppRoute } from '../../app/router';
import { lazyView } from '../../app/lazy';

export { default as messages } from './messages';

/**
 * The process designer (issue 7), loaded on first use so that bpmn-js, the properties panel and
 * the linter stay out of the bundle the worklist loads. Versions, diff and import have their
 * routes in versions/routes.ts.
 */
export const routes: AppRoute[] = [
  {
    path: '/designer',
    view: lazyView(() => import('./DesignerHome').then((m) => m.DesignerHome)),
    nav: { labelKey: 'designer.nav', permission: ['deployment', 'create'] },
  },
  { path: '/designer/:key', view: lazyView(() => import('./DesignerPage').then((m) => m.DesignerPage)) },
];
