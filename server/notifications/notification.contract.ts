import { z } from 'zod';
import { iso, jsonObject, timestamp } from '../lib/contract.js';

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed'] as const;
const channel = z.enum(['sms', 'email']);

/**
 * A notice sent (or not) to a customer (issue 5 §6): recipient, rendered text, delivery status, and
 * the process instance and step that sent it.
 */
export const notificationSchema = z.object({
  id: z.guid(),
  customerId: z.guid().nullable(),
  accountNo: z.string().nullable(),
  departmentId: z.string().nullable(),
  instanceId: z.guid().nullable(),
  elementId: z.string().nullable(),
  /** The template code, e.g. `bill_issued`. */
  template: z.string(),
  channel,
  /** The phone number or e-mail address; empty when the customer has none. */
  recipient: z.string(),
  locale: z.enum(['zh', 'en']),
  subject: z.string().nullable(),
  body: z.string(),
  /** The values the template was filled with, named by its placeholders. */
  params: jsonObject,
  gateway: z.string(),
  status: z.enum(NOTIFICATION_STATUSES),
  providerMessageId: z.string().nullable(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  createdBy: z.string(),
  createdAt: timestamp,
  sentAt: timestamp.nullable(),
});
export type Notification = z.infer<typeof notificationSchema>;

const templateText = z.object({ subject: z.string().optional(), body: z.string() });

/** A notice template: the zh text is sent, en is kept for reference; its default channel. */
export const notificationTemplateSchema = z.object({
  code: z.string(),
  channel,
  zh: templateText,
  en: templateText,
});
export type NotificationTemplateItem = z.infer<typeof notificationTemplateSchema>;

export interface NotificationRow {
  id: string;
  customer_id: string | null;
  account_no: string | null;
  department_id: string | null;
  instance_id: string | null;
  element_id: string | null;
  template: string;
  channel: string;
  recipient: string;
  locale: string;
  subject: string | null;
  body: string;
  params: Record<string, unknown> | null;
  gateway: string;
  status: string;
  provider_message_id: string | null;
  error: string | null;
  attempts: number;
  created_by: string;
  created_at: Date | string;
  sent_at: Date | string | null;
}

export function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    customerId: row.customer_id,
    accountNo: row.account_no,
    departmentId: row.department_id,
    instanceId: row.instance_id,
    elementId: row.element_id,
    template: row.template,
    channel: row.channel as Notification['channel'],
    recipient: row.recipient,
    locale: row.locale as Notification['locale'],
    subject: row.subject,
    body: row.body,
    params: row.params ?? {},
    gateway: row.gateway,
    status: row.status as Notification['status'],
    providerMessageId: row.provider_message_id,
    error: row.error,
    attempts: row.attempts,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    sentAt: iso(row.sent_at),
  };
}
