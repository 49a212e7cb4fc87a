import { z } from 'zod';
import type { AnyRoute } from '../route.js';
import { route } from '../route.js';
import type { Services } from '../services.js';
import { pagingQuery, uuidParam } from './schemas.js';

export const notificationListQuery = z.strictObject({
  customerId: z.uuid().optional(),
  accountNo: z.string().min(1).max(64).optional(),
  instanceId: z.uuid().optional(),
  template: z.string().min(1).max(64).optional(),
  status: z.enum(['pending', 'sent', 'failed']).optional(),
  ...pagingQuery,
});

/** Notices sent to customers (issue 5 §6): the record of every SMS and e-mail, newest first. */
export function notificationRoutes(s: Services): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/notifications',
      tag: 'Notifications',
      summary:
        'Notices sent to customers in your departments (with the development gateway: the outbox), filtered by customer, account, process instance, template or status',
      permission: { object: 'notification', action: 'read' },
      query: notificationListQuery,
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
      handle: async () => ({ items: s.notifications.templates() }),
    }),
    route({
      method: 'get',
      path: '/notifications/:id',
      tag: 'Notifications',
      summary: 'One notice: recipient, rendered text, status, the process instance and step that sent it',
      permission: { object: 'notification', action: 'read' },
      params: uuidParam,
      handle: async ({ params, actor }) => s.notifications.get(params.id, actor),
    }),
  ];
}
