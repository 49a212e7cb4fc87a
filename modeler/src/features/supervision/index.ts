import type { AppRoute } from '../../app/router';
import { lazyView } from '../../app/lazy';

export { default as messages } from './messages';

const view = <K extends string>(name: K) =>
  lazyView(() => import('./pages').then((m) => m[name as keyof typeof m] as (typeof m)['RegisterPage']));

/** HQ supervision of high-risk customers (DOMAIN.md §7): register, orders, industries, groups, statistics. */
export const routes: AppRoute[] = [
  {
    path: '/supervision',
    view: view('RegisterPage'),
    nav: { labelKey: 'supervision.nav', permission: ['risk', 'read'] },
  },
  { path: '/supervision/customers/:id', view: view('CustomerPage') },
  { path: '/supervision/warnings', view: view('WarningsPage') },
  { path: '/supervision/warnings/:id', view: view('WarningPage') },
  { path: '/supervision/industries', view: view('IndustriesPage') },
  { path: '/supervision/groups', view: view('GroupsPage') },
  { path: '/supervision/dashboard', view: view('DashboardPage') },
];
