import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import { customerAccountOwned } from '../access/customer-account-owned.js';
import { NotFound } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import { isTemplateCode, renderTemplate, type TemplateCode } from '../notifications/templates.js';
import type { HallSession } from './customer-auth.service.js';
import type { HallMessage, HallMessageList } from './profile.contract.js';

/**
 * The notices a customer reads in the message centre, named one by one: never a one-time code (its
 * text is the code), nor a notice to staff about the customer (a risk warning, an escalation).
 */
export const CUSTOMER_NOTICE_TEMPLATES: readonly TemplateCode[] = [
  'bill_issued',
  'arrears_reminder',
  'disconnection_notice',
  'disconnection_final_notice',
  'disconnected',
  'arrears_settled',
  'reconnected',
  'connection_completed',
  'meter_test_result',
  'adjustment_posted',
  'late_fee_waived',
  'late_fee_waived_in_full',
  'late_fee_deferred',
  'change_accepted',
  'change_refused',
  'change_completed',
];

interface MessageRow {
  id: string;
  template: string;
  channel: 'sms' | 'email';
  account_no: string | null;
  body: string;
  params: unknown;
  created_at: Date | string;
  sent_at: Date | string | null;
  read_at: Date | string | null;
}

/**
 * The message centre (DOMAIN.md §8): the notices the outbox sent about the login's own accounts
 * (the access rule `customer-account-owned`), newest first, with what it has read. Every customer
 * notice names its account, so the phone alone admits none: a notice to a phone that is also on
 * file for someone else's account stays theirs.
 * Any other notice does not exist for the customer: 404.
 */
export class HallMessagesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async list(session: HallSession, offset: number, limit: number): Promise<HallMessageList> {
    const rows = await this.own(session)
      .orderBy([
        { column: 'n.created_at', order: 'desc' },
        { column: 'n.id', order: 'desc' },
      ])
      .offset(offset)
      .limit(limit)
      .select<MessageRow[]>(...COLUMNS);
    const counts = await this.own(session).select<{ total: string | number; unread: string | number }[]>(
      this.db.raw('count(*) as total'),
      this.db.raw('count(*) filter (where r.read_at is null) as unread'),
    );
    const total = Number(counts[0]?.total ?? 0);
    return {
      items: rows.map(toMessage),
      total,
      unread: Number(counts[0]?.unread ?? 0),
      offset,
      limit,
      hasMore: offset + rows.length < total,
    };
  }

  async unread(session: HallSession): Promise<number> {
    const counts = await this.own(session).whereNull('r.read_at').count<{ n: string | number }[]>('* as n');
    return Number(counts[0]?.n ?? 0);
  }

  /** One notice; opening it marks it read. */
  async open(session: HallSession, id: string): Promise<HallMessage> {
    const row = await this.own(session)
      .where('n.id', id)
      .first<MessageRow | undefined>(...COLUMNS);
    if (!row) throw new NotFound('message', id);
    if (!row.read_at) {
      const readAt = new Date(this.clock.now());
      await this.db('customer_notice_reads')
        .insert({ login_id: session.loginId, notification_id: id, read_at: readAt })
        .onConflict(['login_id', 'notification_id'])
        .ignore();
      row.read_at = readAt;
    }
    return toMessage(row);
  }

  /** The login's notices joined with its read marks. */
  private own(session: HallSession): Knex.QueryBuilder {
    const owned = customerAccountOwned(session).whereColumn('n.customer_id');
    return this.db('notifications as n')
      .leftJoin('customer_notice_reads as r', function (this: Knex.JoinClause) {
        this.on('r.notification_id', '=', 'n.id').andOnVal('r.login_id', '=', session.loginId);
      })
      .whereIn('n.template', CUSTOMER_NOTICE_TEMPLATES)
      .where('n.status', 'sent')
      .where(owned);
  }
}

const COLUMNS = [
  'n.id',
  'n.template',
  'n.channel',
  'n.account_no',
  'n.body',
  'n.params',
  'n.created_at',
  'n.sent_at',
  'r.read_at',
];

function toMessage(row: MessageRow): HallMessage {
  return {
    id: row.id,
    template: row.template,
    channel: row.channel,
    accountNo: row.account_no,
    body: row.body,
    bodyEn: english(row),
    sentAt: new Date(row.sent_at ?? row.created_at).toISOString(),
    read: row.read_at !== null,
  };
}

/** The notice in English from its template and values; null when they no longer fit the template. */
function english(row: MessageRow): string | null {
  if (!isTemplateCode(row.template)) return null;
  const params = (typeof row.params === 'string' ? JSON.parse(row.params) : (row.params ?? {})) as Record<
    string,
    unknown
  >;
  try {
    return renderTemplate(row.template, params, 'en').body;
  } catch {
    return null;
  }
}
