import { z } from 'zod';
import { iso, jsonObject, timestamp } from '../lib/contract.js';

/** The caller's form draft of a task: the form's values as the form names them, or none. */
export const draftSchema = z.object({
  data: jsonObject.nullable(),
  savedAt: timestamp.nullable(),
});
export type Draft = z.infer<typeof draftSchema>;

export interface DraftRow {
  data: Record<string, unknown>;
  saved_at: Date | string;
}

export const NO_DRAFT: Draft = { data: null, savedAt: null };

export function toDraft(row: DraftRow): Draft {
  return { data: row.data, savedAt: iso(row.saved_at) };
}
