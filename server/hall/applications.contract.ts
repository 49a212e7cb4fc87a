import { z } from 'zod';
import { timestamp } from '../lib/contract.js';

/** The customer hall's applications (DOMAIN.md §8, point 8): what a customer applies for and follows. */

export const APPLICATION_KIND_NAMES = ['new-connection', 'meter-test'] as const;
export const APPLICATION_STATES = ['in-progress', 'waiting-for-you', 'completed', 'cancelled'] as const;

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
