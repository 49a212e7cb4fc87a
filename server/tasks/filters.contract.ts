import { z } from 'zod';
import { iso, listSchema, timestamp } from '../lib/contract.js';
import { worklistViewSchema } from './schemas.js';

/**
 * A saved filter's criteria as stored: what `worklistCriteria` accepted, in its JSON form (a date
 * as an ISO string, a cleared date as '').
 */
export const savedCriteriaSchema = z.object({
  view: worklistViewSchema,
  q: z.string().optional(),
  definitionKey: z.string().optional(),
  elementId: z.string().optional(),
  dueFrom: z.string().optional(),
  dueTo: z.string().optional(),
  minPriority: z.number().int().optional(),
  departmentId: z.string().optional(),
  customer: z.string().optional(),
  sort: z.enum(['created', 'due', 'priority', 'completed']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});
export type SavedCriteria = z.infer<typeof savedCriteriaSchema>;

/** A saved worklist filter (GET /worklist/filters, POST answers the one it saved). */
export const savedFilterSchema = z.object({
  id: z.guid(),
  name: z.string(),
  scope: z.enum(['personal', 'department']),
  /** The department it is shared with (null: personal). */
  departmentId: z.string().nullable(),
  criteria: savedCriteriaSchema,
  owner: z.string(),
  createdAt: timestamp,
});
export type SavedFilter = z.infer<typeof savedFilterSchema>;

export const savedFilterListSchema = listSchema(savedFilterSchema);
export type SavedFilterList = z.infer<typeof savedFilterListSchema>;

export interface SavedFilterRow {
  id: string;
  owner: string;
  name: string;
  scope: SavedFilter['scope'];
  department_id: string | null;
  criteria: SavedCriteria;
  created_at: Date | string;
}

export function toSavedFilter(r: SavedFilterRow): SavedFilter {
  return {
    id: r.id,
    name: r.name,
    scope: r.scope,
    departmentId: r.department_id,
    criteria: r.criteria,
    owner: r.owner,
    createdAt: iso(r.created_at),
  };
}
