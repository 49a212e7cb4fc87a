import type { Db } from '../db/index.js';
import { withServiceInputs } from '../services/inputs.js';
import type { ServiceDefinition } from '../services/registry.js';
import type { NotificationChannel } from './gateway.js';
import type { NotificationsService } from './notifications.service.js';

const CHANNELS: readonly string[] = ['sms', 'email'];
const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * `${notifyCustomer}`: the one service a process calls to send a notice. The task names the
 * notice with camunda:inputParameter (`template`, and `params` as a camunda:Map of `${…}` values);
 * the customer is `customerId` or `accountNo` (default: the business key); optional `phone`,
 * `email`, `channel`. Idempotent by the service call: a retried task sends once.
 */
export function notifyCustomerService(db: Db, notifications: NotificationsService): ServiceDefinition {
  return {
    name: 'notifyCustomer',
    descriptionZh: '按模板向客户发送通知（短信或电子邮件）并记录。',
    description: 'Sends a notice (SMS or e-mail) to a customer from a template and records it.',
    inputs: ['template', 'customerId', 'accountNo', 'phone', 'email', 'channel', 'params'],
    outputs: ['notificationId', 'notificationStatus'],
    async handler(call) {
      const v = await withServiceInputs(db, call);
      const params = v.params;
      const channel = text(v.channel);
      const notice = await notifications.send(
        {
          template: text(v.template) ?? '',
          customerId: text(v.customerId),
          accountNo: text(v.customerId) ? undefined : (text(v.accountNo) ?? call.businessKey ?? undefined),
          phone: text(v.phone),
          email: text(v.email),
          channel: channel && CHANNELS.includes(channel) ? (channel as NotificationChannel) : undefined,
          params: typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {},
        },
        {
          idempotencyKey: call.idempotencyKey,
          instanceId: call.instanceId,
          elementId: call.elementId,
          departmentId: call.departmentId,
          by: 'system',
        },
      );
      return { notificationId: notice.id, notificationStatus: notice.status };
    },
  };
}
