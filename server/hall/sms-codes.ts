import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { AppError } from '../lib/errors.js';
import { utilityToday, type Clock } from '../lib/clock.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { safeEqual } from '../identity/auth.service.js';

export type SmsPurpose = 'register' | 'sign-in' | 'reset' | 'change-phone';

export interface SmsCodeLimits {
  validSeconds: number;
  /** The shortest time between two codes to one recipient. */
  intervalSeconds: number;
  /** Codes to one recipient per day (the utility's calendar day). */
  perDay: number;
  /** Wrong tries before a code is void: 6 digits must not be guessed one by one. */
  maxAttempts: number;
}

export const SMS_CODE_LIMITS: SmsCodeLimits = { validSeconds: 300, intervalSeconds: 60, perDay: 10, maxAttempts: 5 };

export interface IssueRequest {
  /** Whom the limits count against: the phone, or the login name that matched nobody. */
  recipientKey: string;
  /** Where the code goes; null sends nothing (details that matched no account) but answers the same. */
  phone: string | null;
  purpose: SmsPurpose;
  customerId: string | null;
}

const hashOf = (salt: string, code: string) => createHmac('sha256', salt).update(code).digest('hex');

interface CodeRow {
  id: string;
  salt: string;
  code_hash: string;
  attempts: number;
}

/**
 * One-time SMS codes of the customer hall: 6 digits, valid 5 minutes, single use, kept only as an
 * HMAC under a salt of their own, at most one a minute and 10 a day per recipient. The code leaves
 * through the notification gateway like every notice (with the development gateway it is a row of
 * the notifications outbox, which is where tests and developers read it).
 */
export class SmsCodes {
  constructor(
    private readonly db: Db,
    private readonly notifications: Pick<NotificationsService, 'send'>,
    private readonly clock: Clock,
    private readonly limits: SmsCodeLimits = SMS_CODE_LIMITS,
  ) {}

  async issue(request: IssueRequest): Promise<{ expiresInSeconds: number; resendAfterSeconds: number }> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const id = randomUUID();
    const now = this.clock.now();
    await this.db.transaction(async (trx) => {
      // Two requests for one recipient at once queue here, so neither limit can be outrun.
      await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`sms-code:${request.recipientKey}`]);
      const dayStart = new Date(`${utilityToday(this.clock)}T00:00:00+08:00`);
      const recent = await trx('sms_codes')
        .where('recipient_key', request.recipientKey)
        .where('created_at', '>=', dayStart)
        .orderBy('created_at', 'desc')
        .select<{ created_at: Date | string }[]>('created_at');
      const last = recent[0] ? new Date(recent[0].created_at).getTime() : null;
      if (last !== null && now - last < this.limits.intervalSeconds * 1000) {
        const wait = Math.ceil((last + this.limits.intervalSeconds * 1000 - now) / 1000);
        throw new AppError(429, 'SMS_CODE_TOO_SOON', `one code a minute: ask again in ${wait} seconds`, [], {
          retryAfter: wait,
        });
      }
      if (recent.length >= this.limits.perDay) {
        const wait = Math.ceil((dayStart.getTime() + 86_400_000 - now) / 1000);
        throw new AppError(
          429,
          'SMS_CODE_DAILY_LIMIT',
          `at most ${this.limits.perDay} codes a day: ask again tomorrow (in ${wait} seconds)`,
          [],
          { retryAfter: wait },
        );
      }
      const salt = randomBytes(16).toString('hex');
      await trx('sms_codes').insert({
        id,
        recipient_key: request.recipientKey,
        purpose: request.purpose,
        salt,
        code_hash: hashOf(salt, code),
        created_at: new Date(now),
        expires_at: new Date(now + this.limits.validSeconds * 1000),
      });
    });
    if (request.phone) {
      const notice = await this.notifications.send(
        {
          template: 'hall_sms_code',
          phone: request.phone,
          customerId: request.customerId ?? undefined,
          params: { code, minutes: Math.round(this.limits.validSeconds / 60) },
        },
        { idempotencyKey: `hall-sms:${id}`, by: 'customer-hall' },
      );
      await this.db('sms_codes').where({ id }).update({ notification_id: notice.id });
    }
    return { expiresInSeconds: this.limits.validSeconds, resendAfterSeconds: this.limits.intervalSeconds };
  }

  /**
   * Uses the recipient's newest code of this purpose: true once for the right code within its
   * validity; a wrong try counts, and after `maxAttempts` the code is void.
   */
  async consume(recipientKey: string, purpose: SmsPurpose, code: string): Promise<boolean> {
    const now = new Date(this.clock.now());
    const row = await this.db('sms_codes')
      .where({ recipient_key: recipientKey, purpose })
      .whereNull('used_at')
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .first<CodeRow | undefined>('id', 'salt', 'code_hash', 'attempts');
    if (!row || row.attempts >= this.limits.maxAttempts) return false;
    if (!safeEqual(hashOf(row.salt, code), row.code_hash)) {
      await this.db('sms_codes').where({ id: row.id }).increment('attempts', 1);
      return false;
    }
    // Single use even when two requests carry the same code at once: only one update finds it unused.
    const used = await this.db('sms_codes').where({ id: row.id }).whereNull('used_at').update({ used_at: now }, ['id']);
    return used.length === 1;
  }
}
