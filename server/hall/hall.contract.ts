import { z } from 'zod';
import { calendarDate, decimalString, listSchema, timestamp } from '../lib/contract.js';
import { billLineSchema, BILL_STATUSES } from '../marketing/bill.contract.js';

/**
 * The customer hall's API contract (`/api/hall/v1`): what a customer's phone is answered. Personal
 * data the screens show is masked here, on the server (DOMAIN.md §8; phone 139****0000).
 */

/** 139****0000: the first 3 and last 4 digits of a phone number. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/** An ID number keeps its first and last character: 3***************X. */
export function maskIdNumber(idNumber: string | null): string | null {
  if (!idNumber) return null;
  return idNumber.length <= 2 ? '**' : `${idNumber[0]}${'*'.repeat(idNumber.length - 2)}${idNumber.slice(-1)}`;
}

export const SMS_PURPOSES = ['register', 'sign-in', 'reset'] as const;

const phone = z.string().regex(/^1\d{10}$/, 'an 11-digit mainland mobile number');
const code = z.string().regex(/^\d{6}$/, '6 digits');
const accountNo = z.string().trim().min(1).max(32);
const personName = z.string().trim().min(1).max(100);
const loginName = z.string().trim().min(1).max(32);
const password = z.string().min(1).max(200);

export const smsCodeRequestSchema = z.discriminatedUnion('purpose', [
  z.strictObject({ purpose: z.literal('register'), accountNo, name: personName, phone }),
  z.strictObject({ purpose: z.enum(['sign-in', 'reset']), loginName }),
]);
export type SmsCodeRequest = z.infer<typeof smsCodeRequestSchema>;

export const registrationSchema = z.strictObject({
  accountNo,
  name: personName,
  phone,
  code,
  /** Required when the phone has no login yet; ignored when the account joins an existing login. */
  password: password.optional(),
});
export type Registration = z.infer<typeof registrationSchema>;

export const addAccountSchema = z.strictObject({ accountNo, name: personName, phone, code });
export type AddAccount = z.infer<typeof addAccountSchema>;

export const signInSchema = z.strictObject({ loginName, password, code });
export type SignIn = z.infer<typeof signInSchema>;

export const passwordResetSchema = z.strictObject({ loginName, code, newPassword: password });
export type PasswordReset = z.infer<typeof passwordResetSchema>;

export const smsCodeSentSchema = z.object({
  /** How long a code is valid. */
  expiresInSeconds: z.number().int(),
  /** When the next code may be asked for. */
  resendAfterSeconds: z.number().int(),
});

export const ACCOUNT_KINDS = ['household', 'business'] as const;

export const hallAccountSchema = z.object({
  id: z.guid(),
  accountNo: z.string(),
  name: z.string(),
  address: z.string().nullable(),
  /** Masked: 139****0000. */
  phone: z.string().nullable(),
  elecTypeCode: z.string(),
  /** Households are estimated by calendar days and have tiers; businesses by working days. */
  kind: z.enum(ACCOUNT_KINDS),
  status: z.string(),
});
export type HallAccount = z.infer<typeof hallAccountSchema>;

export const hallMeSchema = z.object({
  loginId: z.guid(),
  displayName: z.string(),
  /** Masked login phone. */
  phone: z.string(),
  accounts: z.array(hallAccountSchema),
  csrfToken: z.string().nullable(),
});

export const hallSessionSchema = z.object({
  me: hallMeSchema,
  csrfToken: z.string(),
  expiresAt: timestamp,
});

export const registeredSchema = z.object({
  /** Masked login phone: sign in with it or with any of the account numbers. */
  loginName: z.string(),
  accounts: z.array(hallAccountSchema),
  /** true when the account joined a login the phone already had. */
  addedToExistingLogin: z.boolean(),
});

export const hallBillSummarySchema = z.object({
  id: z.guid(),
  period: z.string(),
  kind: z.enum(['energy', 'adjustment']),
  total: decimalString,
  paidAmount: decimalString,
  outstanding: decimalString,
  dueDate: calendarDate.nullable(),
  status: z.enum(BILL_STATUSES),
  /** kWh billed (the energy lines' quantity). */
  kwh: decimalString,
});
export type HallBillSummary = z.infer<typeof hallBillSummarySchema>;

export const hallBillSchema = hallBillSummarySchema.extend({
  /** Exactly the lines the back office computed (tiers, TOU, basic charge, PF adjustment, funds). */
  lines: z.array(billLineSchema),
  issuedAt: timestamp,
  /** The late fee accrued on this bill up to today (0 when paid or not yet due). */
  lateFeeToday: decimalString,
});
export type HallBill = z.infer<typeof hallBillSchema>;

export const hallBillListSchema = listSchema(hallBillSummarySchema);

export const hallAlertSchema = z.object({
  code: z.enum(['overdue', 'due-soon']),
  billId: z.guid(),
  period: z.string(),
  dueDate: calendarDate,
  outstanding: decimalString,
  /** Overdue: days past the due date; due soon: days left. */
  days: z.number().int(),
});

export const tierProgressSchema = z.object({
  /** The tier year (the billing run's: the calendar year of the billed month). */
  tierYear: z.string(),
  usedKwh: decimalString,
  t1Kwh: decimalString,
  t2Kwh: decimalString,
  /** The tier the next kWh falls in. */
  currentTier: z.number().int().min(1).max(3),
  /** kWh left before the next tier begins; null in tier 3. */
  leftInTierKwh: decimalString.nullable(),
});

export const estimateSchema = z.object({
  period: z.string(),
  /** `calendar-days` for households, `working-days` for businesses. */
  basis: z.enum(['calendar-days', 'working-days']),
  /** Average kWh per (calendar or working) day over the months the history has. */
  dailyKwh: decimalString,
  /** Days of the basis in the estimated month. */
  days: z.number().int(),
  kwh: decimalString,
  /** Priced by the billing run's own computation (the lines a bill would carry). */
  lines: z.array(billLineSchema),
  amount: decimalString,
  /** The history months the daily average was taken from. */
  fromPeriods: z.array(z.string()),
});

export const hallHomeSchema = z.object({
  account: hallAccountSchema,
  asOf: calendarDate,
  /** Unpaid bills' principal. */
  arrears: decimalString,
  /** Money paid ahead, not yet allocated to a bill. */
  credit: decimalString,
  /** arrears − credit: positive is owed, negative is a balance in the customer's favour. */
  netBalance: decimalString,
  /** The late fee accrued up to today on every unpaid bill (DOMAIN.md §6). */
  lateFeeToday: decimalString,
  lastBill: hallBillSummarySchema.nullable(),
  estimate: estimateSchema.nullable(),
  tiers: tierProgressSchema.nullable(),
  alerts: z.array(hallAlertSchema),
});
export type HallHome = z.infer<typeof hallHomeSchema>;

export const usageMonthSchema = z.object({
  period: z.string(),
  kwh: decimalString,
  /** TOU registers' kWh of the month (multiplier applied); null when the meter has no TOU registers. */
  peakKwh: decimalString.nullable(),
  flatKwh: decimalString.nullable(),
  valleyKwh: decimalString.nullable(),
  /** The month's bill total, when billed. */
  amount: decimalString.nullable(),
});

export const hallUsageSchema = z.object({
  months: z.array(usageMonthSchema),
  totalKwh: decimalString,
  touSplit: z.object({ peakKwh: decimalString, flatKwh: decimalString, valleyKwh: decimalString }).nullable(),
});
