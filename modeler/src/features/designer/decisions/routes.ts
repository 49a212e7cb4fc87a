import type { AppRoute } from '../../../app/router';
import { lazyView } from '../../../app/lazy';

export { default as decisionMessages } from './messages';

/**
 * The decision designer, loaded on first use (dmn-js stays out of the main bundle). Its first
 * segment is one no other route has, so the order of routes in the app does not matter.
 */
export const decisionRoutes: AppRoute[] = [
  { path: '/designer-dmn/:key', view: lazyView(() => import('./DecisionPage').then((m) => m.DecisionPage)) },
];
