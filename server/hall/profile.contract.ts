import { z } from 'zod';
import { timestamp } from '../lib/contract.js';

/**
 * The hall's profile and message centre contract. What the screen shows of personal data is
 * masked here, on the server (phone 139****0000, e-mail z***@example.com).
 */

/** The first character of the mailbox and the whole domain: z***@example.com. */
export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

const phone = z.string().regex(/^1\d{10}$/, 'an 11-digit mainland mobile number');
const code = z.string().regex(/^\d{6}$/, '6 digits');

export const SUBSCRIPTIONS = ['billIssued', 'dueSoon', 'arrears', 'outage'] as const;
export type Subscription = (typeof SUBSCRIPTIONS)[number];

const subscriptionsSchema = z.object({
  billIssued: z.boolean(),
  dueSoon: z.boolean(),
  arrears: z.boolean(),
  outage: z.boolean(),
});

export const hallProfileSchema = z.object({
  /** Masked login phone (the contact phone; codes and sign-in use it). */
  phone: z.string(),
  /** Masked. */
  email: z.string().nullable(),
  mailingAddress: z.string().nullable(),
  subscriptions: subscriptionsSchema,
  eBill: z.boolean(),
  updatedAt: timestamp.nullable(),
});
export type HallProfile = z.infer<typeof hallProfileSchema>;

/** Only the fields sent change; `null` clears the e-mail or the mailing address. */
export const hallProfileUpdateSchema = z
  .strictObject({
    email: z.email('an e-mail address such as name@example.com').max(254).nullable().optional(),
    mailingAddress: z.string().trim().min(1).max(200).nullable().optional(),
    subscriptions: subscriptionsSchema.partial().strict().optional(),
    eBill: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'nothing to change' });
export type HallProfileUpdate = z.infer<typeof hallProfileUpdateSchema>;

export const phoneCodeRequestSchema = z.strictObject({ phone });
export const phoneChangeSchema = z.strictObject({ phone, code });
export type PhoneChange = z.infer<typeof phoneChangeSchema>;

export const hallMessageSchema = z.object({
  id: z.guid(),
  /** The notice's template code (bill_issued, arrears_reminder, …): the screen names it. */
  template: z.string(),
  channel: z.enum(['sms', 'email']),
  /** The account the notice is about, when it names one. */
  accountNo: z.string().nullable(),
  /** The text as it was sent (Chinese). */
  body: z.string(),
  /** The same notice in English, rendered from the template and the notice's own values. */
  bodyEn: z.string().nullable(),
  sentAt: timestamp,
  read: z.boolean(),
});
export type HallMessage = z.infer<typeof hallMessageSchema>;

export const hallMessageListSchema = z.object({
  items: z.array(hallMessageSchema),
  total: z.number().int().nonnegative(),
  unread: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative(),
  hasMore: z.boolean(),
});
export type HallMessageList = z.infer<typeof hallMessageListSchema>;

export const unreadCountSchema = z.object({ unread: z.number().int().nonnegative() });
