import { z } from 'zod';
import { iso, listSchema, timestamp } from '../lib/contract.js';
import type { TaskRow } from './tasks.contract.js';

/**
 * The worklist's answers (GET /worklist, GET /worklist/counts), declared once: the server checks
 * its answers against these schemas and the browser app (`modeler/`) imports the inferred types
 * with `import type`. Nothing here may import Node or knex.
 */

/** One task on the worklist, with the names a list shows (definition, customer, department, people). */
export const worklistItemSchema = z.object({
  id: z.guid(),
  name: z.string().nullable(),
  elementId: z.string(),
  definitionKey: z.string(),
  definitionName: z.string().nullable(),
  businessKey: z.string().nullable(),
  customerId: z.string().nullable(),
  accountNo: z.string().nullable(),
  customerName: z.string().nullable(),
  departmentId: z.string().nullable(),
  departmentName: z.string().nullable(),
  /** The department's English name, where it has one (the English screens show it). */
  departmentNameEn: z.string().nullable(),
  createdAt: timestamp,
  dueAt: timestamp.nullable(),
  priority: z.number().int(),
  /** The holder's username; `assigneeName` is their display name (users.display_name). */
  assignee: z.string().nullable(),
  assigneeName: z.string().nullable(),
  candidateGroups: z.array(z.string()),
  formKey: z.string().nullable(),
  instanceId: z.guid(),
  claimedAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  completedBy: z.string().nullable(),
  completedByName: z.string().nullable(),
  /** Named for nobody of ours: waiting for a team leader to reassign it (unassigned.ts). */
  unassigned: z.boolean(),
});
export type WorklistItem = z.infer<typeof worklistItemSchema>;

/** One page of a view (GET /worklist); `total` is exact up to the cap (`totalCapped` beyond). */
export const worklistPageSchema = listSchema(worklistItemSchema);
export type WorklistPage = z.infer<typeof worklistPageSchema>;

/**
 * The tab badges (GET /worklist/counts); `completed` = completed by me since `completedSince`;
 * `unassigned`: tasks named for nobody in the departments where I may reassign tasks.
 */
export const worklistCountsSchema = z.object({
  mine: z.number().int().nonnegative(),
  claimable: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  unassigned: z.number().int().nonnegative(),
  /** Each count is exact up to this many. */
  cap: z.number().int(),
  completedSince: timestamp,
});
export type WorklistCounts = z.infer<typeof worklistCountsSchema>;

/** A task row as the worklist reads it: the task's columns and the customer it concerns. */
export interface WorklistRow extends TaskRow {
  customer_id: string | null;
  account_no: string | null;
}

/** The names a page of rows refers to, each read once for the whole page. */
export interface WorklistNames {
  definitions: ReadonlyMap<string, string | null>;
  customersById: ReadonlyMap<string, string>;
  customersByAccountNo: ReadonlyMap<string, string>;
  departments: (id: string | null) => { name: string; nameEn: string | null } | undefined;
  people: ReadonlyMap<string, string>;
  unassigned: ReadonlySet<string>;
}

export function toWorklistItem(r: WorklistRow, names: WorklistNames): WorklistItem {
  const person = (username: string | null) => (username ? (names.people.get(username) ?? null) : null);
  const department = names.departments(r.department_id);
  return {
    id: r.id,
    name: r.name,
    elementId: r.element_id,
    definitionKey: r.definition_key,
    definitionName: names.definitions.get(r.definition_id) ?? null,
    businessKey: r.business_key,
    customerId: r.customer_id,
    accountNo: r.account_no,
    customerName:
      (r.customer_id ? names.customersById.get(r.customer_id) : undefined) ??
      (r.account_no ? names.customersByAccountNo.get(r.account_no) : undefined) ??
      null,
    departmentId: r.department_id,
    departmentName: department?.name ?? null,
    departmentNameEn: department?.nameEn ?? null,
    createdAt: iso(r.created_at),
    dueAt: iso(r.due_at),
    priority: r.priority,
    assignee: r.assignee,
    assigneeName: person(r.assignee),
    candidateGroups: r.candidate_groups ?? [],
    formKey: r.form_key,
    instanceId: r.instance_id,
    claimedAt: iso(r.claimed_at),
    completedAt: iso(r.completed_at),
    completedBy: r.completed_by,
    completedByName: person(r.completed_by),
    unassigned: names.unassigned.has(r.id),
  };
}
