/**
 * Where notices leave the platform (issue 5 §6). A gateway only delivers; the record of every
 * notice (who, which instance, template, text, status) is the `notifications` table, written by
 * `NotificationsService` whichever gateway is configured.
 */
export type NotificationChannel = 'sms' | 'email';

export interface OutgoingMessage {
  /** The notification's id: gateways that accept a client reference use it to drop duplicates. */
  id: string;
  channel: NotificationChannel;
  to: string;
  subject: string | null;
  body: string;
}

export interface Delivery {
  providerMessageId: string | null;
}

export interface NotificationGateway {
  readonly name: string;
  send(message: OutgoingMessage): Promise<Delivery>;
}

/**
 * The development gateway: sends nothing anywhere. The message stays in the notifications table,
 * which is the outbox the demo UI shows (GET /api/v1/notifications).
 */
export class DevOutboxGateway implements NotificationGateway {
  readonly name = 'dev';

  send(message: OutgoingMessage): Promise<Delivery> {
    return Promise.resolve({ providerMessageId: `dev:${message.id}` });
  }
}

export interface HttpGatewayOptions {
  url: string;
  token?: string | undefined;
  timeoutMs?: number;
}

/**
 * A skeleton adapter for an SMS provider with a JSON HTTP API (most Chinese SMS platforms take
 * phone, text and a client reference). The provider's exact body is wired per installation; tests
 * never use this gateway.
 */
export class HttpSmsGateway implements NotificationGateway {
  readonly name = 'http';

  constructor(private readonly options: HttpGatewayOptions) {}

  async send(message: OutgoingMessage): Promise<Delivery> {
    if (message.channel !== 'sms') throw new Error(`the HTTP SMS gateway cannot send ${message.channel}`);
    const res = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      },
      body: JSON.stringify({ phone: message.to, text: message.body, reference: message.id }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
    const answer = (await res.json().catch(() => ({}))) as { id?: unknown; messageId?: unknown };
    const id = answer.messageId ?? answer.id;
    return { providerMessageId: typeof id === 'string' || typeof id === 'number' ? String(id) : null };
  }
}

export interface GatewayConfig {
  notifyGateway: 'dev' | 'http';
  notifyHttpUrl?: string | undefined;
  notifyHttpToken?: string | undefined;
}

/** The gateway the configuration names (NOTIFY_GATEWAY, default `dev`). */
export function gatewayFromConfig(config: GatewayConfig): NotificationGateway {
  if (config.notifyGateway === 'http') {
    if (!config.notifyHttpUrl) throw new Error('NOTIFY_GATEWAY=http needs NOTIFY_HTTP_URL');
    return new HttpSmsGateway({ url: config.notifyHttpUrl, token: config.notifyHttpToken });
  }
  return new DevOutboxGateway();
}
