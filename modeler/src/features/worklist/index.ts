import type { AppRoute } from '../../app/router';
import { WorklistPage } from './WorklistPage';
import { TaskPage } from './TaskPage';

export const routes: AppRoute[] = [
  { path: '/worklist', view: WorklistPage, nav: { labelKey: 'worklist.nav', permission: ['task', 'read'] } },
  { path: '/tasks/:id', view: TaskPage },
];
