import type { AppRoute } from './router';
import type { MessageBundle } from '../lib/i18n';
import * as worklist from '../features/worklist';
import worklistMessages from '../features/worklist/messages';
import * as admin from '../features/admin';
import adminMessages from '../features/admin/messages';
import * as designer from '../features/designer';
import { versionMessages, versionRoutes } from '../features/designer/versions/routes';
import { decisionMessages, decisionRoutes } from '../features/designer/decisions/routes';
import * as monitor from '../features/monitor';
import * as notifications from '../features/notifications';
import * as operations from '../features/operations';
import * as payments from '../features/payments';
import * as supervision from '../features/supervision';
import * as grid from '../features/grid';
import * as reports from '../features/reports';

/**
 * Every feature of the app, one line each (modeler/README.md "How to add a feature"). The order
 * here is the order of the navigation.
 */
export const features: { routes: AppRoute[]; messages: MessageBundle }[] = [
  { routes: worklist.routes, messages: worklistMessages },
  { routes: designer.routes, messages: designer.messages },
  { routes: monitor.routes, messages: monitor.messages },
  { routes: operations.routes, messages: operations.messages },
  { routes: notifications.routes, messages: notifications.messages },
  { routes: payments.routes, messages: payments.messages },
  { routes: supervision.routes, messages: supervision.messages },
  { routes: grid.routes, messages: grid.messages },
  { routes: reports.routes, messages: reports.messages },
  { routes: admin.routes, messages: adminMessages },
  { routes: versionRoutes, messages: versionMessages },
  { routes: decisionRoutes, messages: decisionMessages },
];
