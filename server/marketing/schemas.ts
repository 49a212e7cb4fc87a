import { z } from 'zod';
import { ELEC_TYPE_CODES } from '../domain/billing/index.js';
import { ACCURACY_CLASSES, DEVICE_CLASSES } from '../domain/metering/index.js';
import { ESS_POLICY, HUE_TRADE_TYPE_CODE, PRODUCTION_STATUS } from '../domain/risk/index.js';
import { PF_STANDARDS, decimalString, isoDateString, yearMonthString } from '../domain/tariffs/index.js';

/**
 * Request bodies of the marketing API (DOMAIN.md §1, §6): the schemas that validate a request also
 * document it. Money and energy arrive as decimal strings (or JSON numbers) and stay decimal strings.
 */
const keysOf = <T extends object>(o: T) => Object.keys(o) as [Extract<keyof T, string>, ...Extract<keyof T, string>[]];

export const CUSTOMER_STATUSES = ['active', 'suspended', 'closed'] as const;
export const PAYMENT_CHANNELS = ['counter', 'bank', 'app', 'web', 'direct_debit'] as const;
export const READING_TYPES = ['01', '02', '03', '04'] as const;

const customerFields = {
  name: z.string().trim().min(1, 'name is required').max(200),
  address: z.string().trim().max(500).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 -]{4,19}$/, 'phone is 5–20 digits')
    .optional(),
  departmentId: z.string().min(1).max(64).optional(),
  elecTypeCode: z.enum(ELEC_TYPE_CODES, { error: `elecTypeCode must be one of ${ELEC_TYPE_CODES.join(', ')}` }),
  voltageLevel: z.string().trim().max(20).optional(),
  capacityKva: decimalString('capacityKva', 'non-negative').optional(),
  tariffCode: z.string().trim().max(40).optional(),
  pfStandard: z.enum(PF_STANDARDS).optional(),
  /** Residential only (200, 201, 202): a low-income household gets its tariff's free kWh a month. */
  lowIncome: z.boolean({ error: 'lowIncome must be true or false' }).optional(),
  /** The day the account was connected (mid-year tier proration); null when unknown. */
  connectedOn: isoDateString('connectedOn').nullable().optional(),
  hueTradeTypeCode: z.enum(keysOf(HUE_TRADE_TYPE_CODE)).optional(),
  essPolicy: z.enum(keysOf(ESS_POLICY)).optional(),
  groupParentId: z.guid().optional(),
  creditGrade: z.enum(['A', 'B', 'C']).optional(),
  productionStatus: z.enum(keysOf(PRODUCTION_STATUS)).optional(),
  /** The day the customer was put on the dishonest-customer list (rule H8); null takes them off it. */
  dishonestListedOn: isoDateString('dishonestListedOn').nullable().optional(),
};

export const customerCreateSchema = z.strictObject({
  accountNo: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{4,32}$/, 'accountNo is 4–32 letters, digits or dashes'),
  ...customerFields,
});
export type CustomerCreate = z.infer<typeof customerCreateSchema>;

export const customerPatchSchema = z.strictObject({
  ...customerFields,
  name: customerFields.name.optional(),
  elecTypeCode: customerFields.elecTypeCode.optional(),
  status: z.enum(CUSTOMER_STATUSES).optional(),
});
export type CustomerPatch = z.infer<typeof customerPatchSchema>;

export const meterCreateSchema = z.strictObject({
  assetNo: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{4,40}$/, 'assetNo is 4–40 letters, digits or dashes'),
  meteringPointNo: z.string().trim().max(40).optional(),
  accuracyClass: z.enum(ACCURACY_CLASSES),
  multiplier: decimalString('multiplier', 'positive').optional(),
  registerDigits: z.number().int().min(4).max(10).optional(),
  touCapable: z.boolean().optional(),
  deviceClass: z.enum(DEVICE_CLASSES as ['I', 'II', 'III', 'IV', 'V']),
  installDate: isoDateString('installDate').optional(),
  lastTestDate: isoDateString('lastTestDate').optional(),
  /** Installs a sub-meter behind this main meter (audit rule 8): the tenant's meter behind the building's. */
  mainMeterId: z.guid({ error: 'mainMeterId must be a meter id' }).optional(),
});
export type MeterCreate = z.infer<typeof meterCreateSchema>;

const register = (field: string) => decimalString(field, 'non-negative').optional();

export const readingCreateSchema = z.strictObject({
  period: yearMonthString('period'),
  total: decimalString('total', 'non-negative'),
  sharp: register('sharp'),
  peak: register('peak'),
  flat: register('flat'),
  valley: register('valley'),
  deepValley: register('deepValley'),
  reactiveKvarh: register('reactiveKvarh'),
  maxDemandKw: register('maxDemandKw'),
  readingType: z.enum(READING_TYPES).default('01'),
  readAt: z.iso.datetime({ offset: true }),
});
export type ReadingCreate = z.infer<typeof readingCreateSchema>;

export const paymentCreateSchema = z
  .strictObject({
    accountNo: z.string().trim().min(1).max(32).optional(),
    customerId: z.guid().optional(),
    channel: z.enum(PAYMENT_CHANNELS),
    amount: decimalString('amount', 'positive'),
    paidAt: z.iso.datetime({ offset: true }),
    idempotencyKey: z.string().trim().min(1).max(200),
  })
  .refine((b) => !!b.accountNo !== !!b.customerId, {
    message: 'give exactly one of accountNo and customerId',
    path: ['accountNo'],
  });
export type PaymentCreate = z.infer<typeof paymentCreateSchema>;

/**
 * The back office's payment list: paid at or after `from`, before `to` (ISO date-times with an
 * offset, or dates, read as UTC midnight), of one channel.
 */
export const paymentSearchFields = {
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  channel: z.enum([...PAYMENT_CHANNELS, 'adjustment', 'deposit']).optional(),
};
export const fromNotAfterTo = (q: { from?: string | undefined; to?: string | undefined }) =>
  !q.from || !q.to || new Date(q.from) <= new Date(q.to);
export type PaymentSearch = z.infer<z.ZodObject<typeof paymentSearchFields>>;

export const refundCreateSchema = z.strictObject({
  channel: z.enum(PAYMENT_CHANNELS),
  amount: decimalString('amount', 'positive'),
  paidAt: z.iso.datetime({ offset: true }),
  idempotencyKey: z.string().trim().min(1).max(200),
  reason: z.string().trim().max(500).optional(),
});
export type RefundCreate = z.infer<typeof refundCreateSchema>;

export const reversalCreateSchema = z.strictObject({
  reason: z.string().trim().min(1, 'reason is required').max(500),
  reversedAt: z.iso.datetime({ offset: true }).optional(),
});

export const arrearsQuerySchema = z.object({ asOf: isoDateString('asOf').optional() });

/** A bill inserted by the billing run (or a test): lines as computed by `quoteBill`. */
export interface BillInsert {
  customerId: string;
  period: string;
  total: string;
  dueDate: string;
  lines?: unknown[];
}
