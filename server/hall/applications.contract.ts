import { z } from 'zod';
import { calendarDate, timestamp } from '../lib/contract.js';
import { isIsoDate } from '../domain/tariffs/index.js';

/** The customer hall's applications (DOMAIN.md §8, point 8): what a customer applies for and follows. */

export const APPLICATION_KIND_NAMES = [
  'new-connection',
  'meter-test',
  'suspension',
  'suspension-restoration',
  'capacity-reduction',
  'reduction-restoration',
  'ownership-transfer',
  'account-closure',
] as const;
/** `refused`: a change of service the process did not take (notice too short, arrears, not approved …). */
export const APPLICATION_STATES = ['in-progress', 'waiting-for-you', 'completed', 'refused', 'cancelled'] as const;

const words = z.object({ zh: z.string(), en: z.string() });

export const newConnectionApplicationSchema = z.strictObject({
  /** One of the login's accounts: who applies (name and phone on file) and the county handling it. */
  accountId: z.guid(),
  /** Where the new supply is wanted. */
  address: z.string().trim().min(5).max(200),
  /** Low voltage only online: up to 100 kVA. */
  capacityKva: z.number().int().min(1).max(100),
  category: z.enum(['residential', 'non-residential']),
  note: z.string().trim().max(500).optional(),
});
export type NewConnectionApplication = z.infer<typeof newConnectionApplicationSchema>;

export const meterTestApplicationSchema = z.strictObject({
  accountId: z.guid(),
  /** One of the account's meters in service; without it, the account's first. */
  meterId: z.guid().optional(),
  reason: z.string().trim().min(2).max(500),
});
export type MeterTestApplication = z.infer<typeof meterTestApplicationSchema>;

/** A real calendar day (2024-02-30 is refused). */
const day = calendarDate.refine(isIsoDate, 'not a calendar date');
const kva = z.number().positive().max(100_000).multipleOf(0.01);

/*
 * Changes of service (DOMAIN.md §9). The hall checks the shape and that the account is the
 * login's and of a class the change applies to; the process checks the rest as it does for a
 * counter application (notice in working days, the 1996 suspension limits, arrears).
 */

export const suspensionApplicationSchema = z.strictObject({
  accountId: z.guid(),
  /** The first day without the capacity: at least the policy's notice (working days) ahead. */
  plannedOn: day,
  /** The last day of the suspension. */
  plannedEndOn: day,
  /** The capacity suspended (a transformer's); without it, the account's whole capacity. */
  kva: kva.optional(),
  note: z.string().trim().max(500).optional(),
});
export type SuspensionApplication = z.infer<typeof suspensionApplicationSchema>;

export const capacityReductionApplicationSchema = z.strictObject({
  accountId: z.guid(),
  /** The capacity taken off (less than the account's). */
  kva,
  plannedOn: day,
  note: z.string().trim().max(500).optional(),
});
export type CapacityReductionApplication = z.infer<typeof capacityReductionApplicationSchema>;

export const restorationApplicationSchema = z.strictObject({
  accountId: z.guid(),
  /** Which sealing is ended: the latest suspension, or the latest capacity reduction. */
  restores: z.enum(['suspension', 'capacity-reduction']),
  plannedOn: day,
  note: z.string().trim().max(500).optional(),
});
export type RestorationApplication = z.infer<typeof restorationApplicationSchema>;

export const ownershipTransferApplicationSchema = z.strictObject({
  accountId: z.guid(),
  newOwnerName: z.string().trim().min(2).max(200),
  /** 居民身份证 (18 characters, last may be X) or another document's number. */
  newOwnerIdNo: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{6,40}$/),
  newOwnerPhone: z.string().regex(/^1[3-9]\d{9}$/),
  transferOn: day,
  /** Arrears and late fees: settled before the transfer, or taken over by the new owner in writing. */
  arrears: z.enum(['settled', 'assumed']),
  note: z.string().trim().max(500).optional(),
});
export type OwnershipTransferApplication = z.infer<typeof ownershipTransferApplicationSchema>;

export const accountClosureApplicationSchema = z.strictObject({
  accountId: z.guid(),
  closeOn: day,
  /** Where the deposit and any credit left are refunded. */
  refundAccount: z
    .string()
    .trim()
    .regex(/^[0-9 ]{12,30}$/),
  note: z.string().trim().max(500).optional(),
});
export type AccountClosureApplication = z.infer<typeof accountClosureApplicationSchema>;

/** What one of the login's accounts may apply for among the changes of service (the Apply tab's offer). */
export const changeOfferSchema = z.object({
  accountId: z.guid(),
  kinds: z.array(z.enum(APPLICATION_KIND_NAMES)),
  /** The contracted capacity (the most a suspension takes, more than a reduction). */
  capacityKva: z.number().nullable(),
});
export type ChangeOffer = z.infer<typeof changeOfferSchema>;
export const changeOfferListSchema = z.object({ items: z.array(changeOfferSchema) });

export const applicationStepSchema = z.object({
  /** The back office's step code (A01 …): the element id. */
  code: z.string(),
  title: words,
  state: z.enum(['done', 'current']),
  /** A step the customer does themselves, in the hall. */
  yours: z.boolean(),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
});

export const applicationSummarySchema = z.object({
  id: z.guid(),
  /** The application number (the instance's business key). */
  number: z.string(),
  kind: z.enum(APPLICATION_KIND_NAMES),
  state: z.enum(APPLICATION_STATES),
  submittedAt: timestamp,
  accountNo: z.string().nullable(),
  address: z.string().nullable(),
  /** The department handling the application (never a person). */
  department: words.nullable(),
  /** Where the application is now, in the customer's words (null once it is over). */
  currentStep: words.nullable(),
  /** The utility's own deadline for the whole application. */
  utilityDueAt: timestamp.nullable(),
  /** The customer's deadline, while a step of theirs is open. */
  customerDueAt: timestamp.nullable(),
  /** Why a change of service was not taken, as the process said it (state `refused`). */
  refusalReason: z.string().nullable(),
});
export type ApplicationSummary = z.infer<typeof applicationSummarySchema>;

export const customerTaskFieldSchema = z.object({
  key: z.string(),
  type: z.string(),
  required: z.boolean(),
  maxLength: z.number().int().nullable(),
});

export const customerTaskSchema = z.object({
  id: z.guid(),
  code: z.string(),
  title: words,
  formKey: z.string().nullable(),
  /** The fields the completion takes (the server checks them against the task's form). */
  fields: z.array(customerTaskFieldSchema),
  createdAt: timestamp,
  dueAt: timestamp.nullable(),
  /** Values the process already holds that the step shows (contract number, scheme number, address). */
  context: z.record(z.string(), z.string()),
});
export type CustomerTask = z.infer<typeof customerTaskSchema>;

export const applicationDocumentSchema = z.object({
  id: z.guid(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  uploadedAt: timestamp,
  /** Uploaded by the customer (otherwise by the utility). */
  yours: z.boolean(),
});
export type ApplicationDocument = z.infer<typeof applicationDocumentSchema>;

export const applicationDetailSchema = applicationSummarySchema.extend({
  capacityKva: z.number().nullable(),
  timeline: z.array(applicationStepSchema),
  tasks: z.array(customerTaskSchema),
  documents: z.array(applicationDocumentSchema),
});
export type ApplicationDetail = z.infer<typeof applicationDetailSchema>;

export const applicationListSchema = z.object({ items: z.array(applicationSummarySchema) });

export const customerTaskCompletionSchema = z.strictObject({
  variables: z.record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/),
    z.union([z.string().max(2000), z.boolean(), z.number()]),
  ),
});
