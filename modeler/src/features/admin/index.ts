import type { AppRoute } from '../../app/router';
import { AdminPage } from './AdminPage';

export const routes: AppRoute[] = [
  { path: '/admin', view: AdminPage, nav: { labelKey: 'admin.nav', permission: ['admin', 'manage'] } },
];
