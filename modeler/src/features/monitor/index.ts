import type { AppRoute } from '../../app/router';
import { lazyView } from '../../app/lazy';

export { default as messages } from './messages';

/** The monitor (issue 8): loaded on first use, so echarts and bpmn-js stay out of the main bundle. */
export const routes: AppRoute[] = [
  {
    path: '/monitor',
    view: lazyView(() => import('./MonitorPage').then((m) => m.MonitorPage)),
    nav: { labelKey: 'monitor.nav', permission: ['dashboard', 'read'] },
  },
  {
    path: '/monitor/instances/:id',
    view: lazyView(() => import('./InstancePage').then((m) => m.InstancePage)),
  },
];
