import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Actor } from '../lib/actor.js';
import { Invalid, NotFound } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { mapPage, page, type Page, type PageRequest } from '../workflow/paging.js';
import type { Transactions } from '../workflow/transactions.js';
import type { Visibility } from '../workflow/visibility.js';
import type { NotificationChannel, NotificationGateway } from './gateway.js';
import {
  toNotification,
  type Notification,
  type NotificationRow,
  type NotificationTemplateItem,
} from './notification.contract.js';
import {
  isTemplateCode,
  NOTIFICATION_TEMPLATES,
  renderTemplate,
  TEMPLATE_CODES,
  type RenderedNotice,
} from './templates.js';
import type { Clock } from '../lib/clock.js';

export interface NotifyInput {
  template: string;
  customerId?: string | undefined;
  accountNo?: string | undefined;
  /** A member of staff (users.id) instead of a customer: their phone; a failed row when they have none. */
  userId?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  channel?: NotificationChannel | undefined;
  params?: Record<string, unknown> | undefined;
  locale?: 'zh' | 'en' | undefined;
}

/** Where a notice comes from: the service task that sent it, or a person. */
export interface NotifyOrigin {
  /** One notice per key: the service call's idempotency key, so a retried task sends once. */
  idempotencyKey: string;
  instanceId?: string | null | undefined;
  elementId?: string | null | undefined;
  departmentId?: string | null | undefined;
  by: string;
}

export interface NotificationFilter {
  customerId?: string | undefined;
  accountNo?: string | undefined;
  instanceId?: string | undefined;
  template?: string | undefined;
  status?: string | undefined;
}

export const NOTIFICATION_COLUMNS = [
  'id',
  'customer_id',
  'account_no',
  'department_id',
  'instance_id',
  'element_id',
  'template',
  'channel',
  'recipient',
  'locale',
  'subject',
  'body',
  'params',
  'gateway',
  'status',
  'provider_message_id',
  'error',
  'attempts',
  'created_by',
  'created_at',
  'sent_at',
];

/**
 * Notices a customer may turn off in the hall's profile, and the profile's column. The arrears
 * reminder is not among them: a disconnection needs a reminder first (DOMAIN.md §6), so it is sent
 * whatever the subscription says; due-soon notices have no template yet.
 */
const SUBSCRIPTION_COLUMN: Partial<Record<string, string>> = {
  bill_issued: 'notify_bill_issued',
  planned_outage: 'notify_outage',
};
const UNSUBSCRIBED = 'not sent: the customer turned this notice off in the online hall';

/** The columns of a customer a notice is addressed with. */
interface CustomerContact {
  id: string;
  account_no: string;
  department_id: string;
  name: string;
  phone: string | null;
}

interface Recipient {
  customerId: string | null;
  accountNo: string | null;
  departmentId: string | null;
  name: string | null;
  phone: string | null;
}

/**
 * Notices to customers (issue 5 §6): rendered from a template, recorded, and handed to the
 * configured gateway. Every notice a process sends is a row here, sent or not: a customer without
 * a phone number gets a `failed` row (the process goes on; the collector sees why), a gateway
 * failure is retried with the service task and then raises an incident.
 */
export class NotificationsService {
  constructor(
    private readonly db: Db,
    private readonly transactions: Transactions,
    private readonly visibility: Visibility,
    private readonly gateway: NotificationGateway,
    private readonly clock: Clock,
    private readonly logger?: Logger,
  ) {}

  templates(): NotificationTemplateItem[] {
    return TEMPLATE_CODES.map((code) => ({ code, ...NOTIFICATION_TEMPLATES[code] }));
  }

  async send(input: NotifyInput, origin: NotifyOrigin): Promise<Notification> {
    const earlier = await this.byKey(origin.idempotencyKey);
    if (earlier?.status === 'sent') return toNotification(earlier);
    if (!isTemplateCode(input.template)) {
      throw new Invalid('VALIDATION_FAILED', `unknown notification template ${input.template}`, [
        { field: 'template', reason: `one of ${TEMPLATE_CODES.join(', ')}` },
      ]);
    }
    const template = NOTIFICATION_TEMPLATES[input.template];
    const channel = input.channel ?? template.channel;
    const who = await this.recipient(input, origin);
    const to = channel === 'sms' ? (input.phone ?? who.phone) : (input.email ?? null);
    const params = {
      ...input.params,
      name: input.params?.name ?? who.name,
      accountNo: input.params?.accountNo ?? who.accountNo,
    };
    const text = renderTemplate(input.template, params, input.locale ?? 'zh');
    const id = earlier?.id ?? randomUUID();
    if (!earlier) {
      await this.db('notifications')
        .insert(this.record(id, input, origin, who, channel, to, text, params, new Date(this.clock.now())))
        .onConflict('idempotency_key')
        .ignore();
    }
    const row = (await this.byKey(origin.idempotencyKey)) as NotificationRow;
    if (row.status === 'sent') return toNotification(row);
    if (who.customerId && (await this.optedOut([who.customerId], input.template)).size)
      return this.finish(row, { status: 'failed', error: UNSUBSCRIBED });
    if (!to)
      return this.finish(row, {
        status: 'failed',
        error: `no ${channel === 'sms' ? 'phone number' : 'e-mail address'} to send to`,
      });
    try {
      const delivery = await this.gateway.send({ id: row.id, channel, to, subject: text.subject, body: text.body });
      return await this.finish(row, { status: 'sent', providerMessageId: delivery.providerMessageId });
    } catch (err) {
      this.logger?.warn({ err, notificationId: row.id }, 'notification gateway failed');
      await this.finish(row, { status: 'failed', error: String((err as Error).message ?? err).slice(0, 2000) });
      throw err;
    }
  }

  /**
   * Many notices at once (a billing run's bill-issued notices): rendered here and inserted a chunk
   * per statement, each once per idempotency key. The development gateway delivers by recording,
   * so its rows are written sent; another gateway sends them one by one. Answers how many were new.
   */
  async sendMany(items: { input: NotifyInput; origin: NotifyOrigin }[]): Promise<number> {
    if (this.gateway.name !== 'dev') {
      let sent = 0;
      for (const { input, origin } of items) if ((await this.send(input, origin)).status === 'sent') sent += 1;
      return sent;
    }
    let inserted = 0;
    for (let i = 0; i < items.length; i += 500) {
      const chunk = items.slice(i, i + 500);
      const ids = [...new Set(chunk.map((c) => c.input.customerId).filter((id): id is string => !!id))];
      const customers = new Map(
        (
          await this.db('customers')
            .whereIn('id', ids)
            .select<CustomerContact[]>('id', 'account_no', 'department_id', 'name', 'phone')
        ).map((c) => [c.id, c]),
      );
      const optedOut = new Map<string, Set<string>>();
      for (const template of new Set(chunk.map((c) => c.input.template)))
        optedOut.set(template, await this.optedOut(ids, template));
      const now = new Date(this.clock.now());
      const rows = chunk.flatMap(({ input, origin }) => {
        const c = input.customerId ? customers.get(input.customerId) : undefined;
        if (!c || !isTemplateCode(input.template)) return [];
        const params = { ...input.params, name: input.params?.name ?? c.name, accountNo: c.account_no };
        const text = renderTemplate(input.template, params, input.locale ?? 'zh');
        const unsubscribed = optedOut.get(input.template)?.has(c.id) ?? false;
        const to = unsubscribed ? null : c.phone;
        const who = { customerId: c.id, accountNo: c.account_no, departmentId: c.department_id };
        const channel = NOTIFICATION_TEMPLATES[input.template].channel;
        return [
          {
            ...this.record(randomUUID(), input, origin, who, channel, to, text, params, now),
            status: to ? 'sent' : 'failed',
            error: to ? null : unsubscribed ? UNSUBSCRIBED : 'no phone number to send to',
            attempts: 1,
            sent_at: to ? now : null,
          },
        ];
      });
      if (!rows.length) continue;
      const written = (await this.db('notifications')
        .insert(rows)
        .onConflict('idempotency_key')
        .ignore()
        .returning('id')) as unknown[];
      inserted += written.length;
    }
    return inserted;
  }

  /** The notice's row as `send` and `sendMany` both write it (delivery columns aside). */
  private record(
    id: string,
    input: NotifyInput,
    origin: NotifyOrigin,
    who: Pick<Recipient, 'customerId' | 'accountNo' | 'departmentId'>,
    channel: string,
    to: string | null,
    text: RenderedNotice,
    params: Record<string, unknown>,
    createdAt: Date,
  ) {
    return {
      id,
      idempotency_key: origin.idempotencyKey,
      customer_id: who.customerId,
      account_no: who.accountNo,
      department_id: who.departmentId,
      instance_id: origin.instanceId ?? null,
      element_id: origin.elementId ?? null,
      template: input.template,
      channel,
      recipient: to ?? '',
      locale: input.locale ?? 'zh',
      subject: text.subject,
      body: text.body,
      params: JSON.stringify(params),
      gateway: this.gateway.name,
      created_by: origin.by,
      created_at: createdAt,
    };
  }

  async list(filter: NotificationFilter, request: PageRequest, actor: Actor): Promise<Page<Notification>> {
    const q = this.db('notifications')
      .select(NOTIFICATION_COLUMNS)
      .where(await this.visibility.departmentFilter(actor, 'notification', 'read', 'department_id'))
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    if (filter.customerId) q.where('customer_id', filter.customerId);
    if (filter.accountNo) q.where('account_no', filter.accountNo);
    if (filter.instanceId) q.where('instance_id', filter.instanceId);
    if (filter.template) q.where('template', filter.template);
    if (filter.status) q.where('status', filter.status);
    return mapPage(await page<NotificationRow>(q, request), toNotification);
  }

  async get(id: string, actor: Actor): Promise<Notification> {
    const row = await this.db('notifications')
      .where({ id })
      .where(await this.visibility.departmentFilter(actor, 'notification', 'read', 'department_id'))
      .first<NotificationRow | undefined>(NOTIFICATION_COLUMNS);
    if (!row) throw new NotFound('notification', id);
    return toNotification(row);
  }

  /** The customers whose hall login turned this notice off (none for a notice that cannot be). */
  private async optedOut(customerIds: string[], template: string): Promise<Set<string>> {
    const column = SUBSCRIPTION_COLUMN[template];
    if (!column || !customerIds.length) return new Set();
    const ids = (await this.db('customer_login_accounts as a')
      .join('customer_profiles as p', 'p.login_id', 'a.login_id')
      .whereIn('a.customer_id', customerIds)
      .where(`p.${column}`, false)
      .pluck('a.customer_id')) as string[];
    return new Set(ids);
  }

  private byKey(key: string) {
    return this.db('notifications').where({ idempotency_key: key }).first(NOTIFICATION_COLUMNS) as Promise<
      NotificationRow | undefined
    >;
  }

  private async recipient(input: NotifyInput, origin: NotifyOrigin): Promise<Recipient> {
    if (input.userId) {
      const user = await this.db('users')
        .where({ id: input.userId })
        .first<{ display_name: string; phone: string | null; department_id: string } | undefined>(
          'display_name',
          'phone',
          'department_id',
        );
      if (!user) throw new NotFound('user', input.userId);
      const departmentId = origin.departmentId ?? user.department_id;
      return { customerId: null, accountNo: null, departmentId, name: user.display_name, phone: user.phone };
    }
    if (!input.customerId && !input.accountNo) {
      if (!input.phone && !input.email) {
        throw new Invalid('VALIDATION_FAILED', 'a notice needs a customer (customerId or accountNo) or an address', [
          { field: 'customerId', reason: 'customerId, accountNo, phone or email is required' },
        ]);
      }
      return { customerId: null, accountNo: null, departmentId: origin.departmentId ?? null, name: null, phone: null };
    }
    const customer = await this.db('customers')
      .where(input.customerId ? { id: input.customerId } : { account_no: input.accountNo })
      .first<CustomerContact | undefined>('id', 'account_no', 'department_id', 'name', 'phone');
    if (!customer) throw new NotFound('customer', input.customerId ?? input.accountNo);
    return {
      customerId: customer.id,
      accountNo: customer.account_no,
      departmentId: customer.department_id,
      name: customer.name,
      phone: customer.phone ?? null,
    };
  }

  /** Records the outcome; a sent notice is published as `notification:sent` after commit. */
  private async finish(
    row: NotificationRow,
    outcome: { status: 'sent' | 'failed'; providerMessageId?: string | null; error?: string },
  ): Promise<Notification> {
    return this.transactions.run(async (scope) => {
      const sentAt = outcome.status === 'sent' ? new Date(this.clock.now()) : null;
      await scope
        .trx('notifications')
        .where({ id: row.id })
        .update({
          status: outcome.status,
          provider_message_id: outcome.providerMessageId ?? null,
          error: outcome.error ?? null,
          attempts: scope.trx.raw('attempts + 1'),
          sent_at: sentAt,
        });
      if (outcome.status === 'sent') {
        scope.outbox.add({
          topic: 'notification:sent',
          departmentId: row.department_id,
          definitionKey: null,
          instanceId: row.instance_id,
          payload: {
            notificationId: row.id,
            template: row.template,
            channel: row.channel,
            customerId: row.customer_id,
            accountNo: row.account_no,
          },
        });
      }
      return toNotification(
        (await scope
          .trx('notifications')
          .where({ id: row.id })
          .first<NotificationRow | undefined>(NOTIFICATION_COLUMNS))!,
      );
    });
  }
}
