import { z } from 'zod';
import { listSchema } from '../../lib/contract.js';
import {
  NOTIFICATION_STATUSES,
  notificationSchema,
  notificationTemplateSchema,
} from '../../notifications/notification.contract.js';
import { wholeList } from '../../workflow/paging.js';
import { route, type Route } from '../route.js';
import type { Services } from '../services.js';
import { pagingQuery, uuidParam } from './schemas.js';

export const notificationListQuery = z.strictObject({
  customerId: z.guid().optional(),
  accountNo: z.string().min(1).max(64).optional(),
  instanceId: z.guid().optional(),
  template: z.string().min(1).max(64).optional(),
  status: z.enum(NOTIFICATION_STATUSES).optional(),
  ...pagingQuery,
});

/** Notices sent to customers (issue 5 §6): the record of every SMS and e-mail, newest first. */
export function notificationRoutes(s: Services): Route[] {
  return [
    route({
      method: 'get',
      path: '/notifications',
      tag: 'Notifications',
      summary:
        'Notices sent to customers in your departments (with the development gateway: the outbox), filtered by customer, account, process instance, template or status',
      permission: { object: 'notification', action: 'read' },
      query: notificationListQuery,
      response: listSchema(notificationSchema),
      handle: async ({ query, actor }) => {
        const { offset, limit, ...filter } = query;
        return s.notifications.list(filter, { offset, limit }, actor);
      },
    }),
    route({
      method: 'get',
      path: '/notifications/templates',
      tag: 'Notifications',
      summary: 'The notice templates (zh text sent, en for reference) and their default channels',
      permission: { object: 'notification', action: 'read' },
      response: listSchema(notificationTemplateSchema),
      handle: () => Promise.resolve(wholeList(s.notifications.templates())),
    }),
    route({
      method: 'get',
      path: '/notifications/:id',
      tag: 'Notifications',
      summary: 'One notice: recipient, rendered text, status, the process instance and step that sent it',
      permission: { object: 'notification', action: 'read' },
      params: uuidParam,
      response: notificationSchema,
      handle: async ({ params, actor }) => s.notifications.get(params.id, actor),
    }),
  ];
}
