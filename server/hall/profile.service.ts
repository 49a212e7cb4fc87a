import type { Db } from '../db/index.js';
import type { AuditService } from '../identity/audit.service.js';
import { Conflict, Invalid } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Client, HallSession } from './customer-auth.service.js';
import { maskPhone } from './hall.contract.js';
import { maskEmail, type HallProfile, type HallProfileUpdate, type PhoneChange } from './profile.contract.js';
import type { SmsCodes } from './sms-codes.js';

interface ProfileRow {
  email: string | null;
  mailing_address: string | null;
  notify_bill_issued: boolean;
  notify_due_soon: boolean;
  notify_arrears: boolean;
  notify_outage: boolean;
  e_bill: boolean;
  updated_at: Date | string;
}

/** The profile's subscriptions and their columns. */
const SUBSCRIPTION_COLUMNS = {
  billIssued: 'notify_bill_issued',
  dueSoon: 'notify_due_soon',
  arrears: 'notify_arrears',
  outage: 'notify_outage',
} as const;

const actorOf = (s: HallSession) => ({ id: `customer:${s.loginId}`, displayName: s.displayName, departmentId: null });
const ctxOf = (client: Client) => ({ ip: client.ip, get: () => client.userAgent });

/**
 * The signed-in customer's profile (DOMAIN.md §8 "change contact details, subscribe to notices"):
 * the contact phone — the login's phone, changed only with a code sent to the new phone —, e-mail,
 * mailing address, notice subscriptions and e-bill. Every change is one transaction with its audit
 * row (actor `customer:<login id>`, as the hall's sign-ins).
 */
export class HallProfileService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly sms: SmsCodes,
    private readonly clock: Clock,
  ) {}

  async get(session: HallSession): Promise<HallProfile> {
    const login = await this.db('customer_logins').where({ id: session.loginId }).first<{ phone: string }>('phone');
    const row = await this.db('customer_profiles').where({ login_id: session.loginId }).first<ProfileRow | undefined>();
    return {
      phone: maskPhone(login.phone) as string,
      email: maskEmail(row?.email ?? null),
      mailingAddress: row?.mailing_address ?? null,
      subscriptions: {
        billIssued: row?.notify_bill_issued ?? true,
        dueSoon: row?.notify_due_soon ?? true,
        arrears: row?.notify_arrears ?? true,
        outage: row?.notify_outage ?? true,
      },
      eBill: row?.e_bill ?? false,
      updatedAt: row ? new Date(row.updated_at).toISOString() : null,
    };
  }

  async update(session: HallSession, input: HallProfileUpdate, client: Client): Promise<HallProfile> {
    const changes: Record<string, unknown> = {};
    if (input.email !== undefined) changes.email = input.email?.trim().toLowerCase() ?? null;
    if (input.mailingAddress !== undefined) changes.mailing_address = input.mailingAddress;
    for (const [key, value] of Object.entries(input.subscriptions ?? {}))
      if (value !== undefined) changes[SUBSCRIPTION_COLUMNS[key as keyof typeof SUBSCRIPTION_COLUMNS]] = value;
    if (input.eBill !== undefined) changes.e_bill = input.eBill;
    const now = new Date(this.clock.now());
    await this.db.transaction(async (trx) => {
      await trx('customer_profiles')
        .insert({ login_id: session.loginId, ...changes, updated_at: now })
        .onConflict('login_id')
        .merge({ ...changes, updated_at: now });
      // The audit row names what changed; personal values only masked.
      const details: Record<string, unknown> = { actorType: 'customer', fields: Object.keys(changes) };
      if (input.email !== undefined) details.email = maskEmail(input.email);
      if (input.subscriptions) details.subscriptions = input.subscriptions;
      if (input.eBill !== undefined) details.eBill = input.eBill;
      await this.audit.record(
        actorOf(session),
        'hall.profile.update',
        'customer_login',
        session.loginId,
        details,
        ctxOf(client),
        trx,
      );
    });
    return this.get(session);
  }

  /**
   * Sends a change-phone code to the new phone, under the same limits as every hall code. A phone
   * that is already another login's gets nothing, with the same answer, so the form tells no one
   * which phones have logins; the change itself then fails on the code.
   */
  async requestPhoneCode(session: HallSession, phone: string) {
    if (phone === session.phone)
      throw new Invalid('SAME_PHONE', 'this is already the contact phone', [
        { field: 'body.phone', reason: 'the current phone' },
      ]);
    const taken = await this.db('customer_logins').where({ phone }).first<{ id: string } | undefined>('id');
    return this.sms.issue({
      recipientKey: phone,
      phone: taken ? null : phone,
      purpose: 'change-phone',
      customerId: session.customerIds[0] ?? null,
    });
  }

  /** Makes the new phone the login's phone (and login name) once its code is right. */
  async changePhone(session: HallSession, input: PhoneChange, client: Client): Promise<HallProfile> {
    if (input.phone === session.phone)
      throw new Invalid('SAME_PHONE', 'this is already the contact phone', [
        { field: 'body.phone', reason: 'the current phone' },
      ]);
    if (!(await this.sms.consume(input.phone, 'change-phone', input.code))) {
      await this.audit.record(
        actorOf(session),
        'hall.profile.phone.failed',
        'customer_login',
        session.loginId,
        { actorType: 'customer', phone: maskPhone(input.phone), reason: 'code' },
        ctxOf(client),
      );
      throw new Invalid('SMS_CODE_INVALID', 'wrong, expired or already used SMS code', [
        { field: 'body.code', reason: 'wrong, expired or already used' },
      ]);
    }
    await this.db.transaction(async (trx) => {
      const taken = await trx('customer_logins')
        .where({ phone: input.phone })
        .whereNot({ id: session.loginId })
        .first<{ id: string } | undefined>('id');
      if (taken) throw new Conflict('PHONE_TAKEN', 'this phone already belongs to another login');
      await trx('customer_logins').where({ id: session.loginId }).update({ phone: input.phone });
      await this.audit.record(
        actorOf(session),
        'hall.profile.phone',
        'customer_login',
        session.loginId,
        { actorType: 'customer', from: maskPhone(session.phone), to: maskPhone(input.phone) },
        ctxOf(client),
        trx,
      );
    });
    return this.get({ ...session, phone: input.phone });
  }
}
