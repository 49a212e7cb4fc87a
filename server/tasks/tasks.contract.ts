import { z } from 'zod';
import { iso, jsonObject, listSchema, timestamp } from '../lib/contract.js';

/** The columns a task is read with (everything the API shows, nothing engine-internal). */
export const TASK_COLUMNS = [
  'id',
  'instance_id',
  'definition_id',
  'definition_key',
  'element_id',
  'name',
  'candidate_groups',
  'candidate_users',
  'assignee',
  'form_key',
  'due_at',
  'follow_up_at',
  'priority',
  'status',
  'department_id',
  'business_key',
  'locals',
  'created_at',
  'claimed_at',
  'completed_at',
  'completed_by',
  'owner',
  'delegation_state',
] as const;

export const taskStatusSchema = z.enum(['open', 'completed', 'cancelled']);
/** 'pending' while the delegate has the task, 'resolved' once it is back with its owner. */
export const delegationStateSchema = z.enum(['pending', 'resolved']);

/** A user task as the API answers it (GET /tasks/:id, items of GET /tasks, claim, assign…). */
export const taskSchema = z.object({
  id: z.guid(),
  instanceId: z.guid(),
  definitionId: z.string(),
  definitionKey: z.string(),
  elementId: z.string(),
  name: z.string().nullable(),
  candidateGroups: z.array(z.string()),
  candidateUsers: z.array(z.string()),
  /** The holder's username; `assigneeName` is their display name. */
  assignee: z.string().nullable(),
  assigneeName: z.string().nullable(),
  formKey: z.string().nullable(),
  dueAt: timestamp.nullable(),
  followUpAt: timestamp.nullable(),
  priority: z.number().int(),
  status: taskStatusSchema,
  departmentId: z.string().nullable(),
  businessKey: z.string().nullable(),
  /** The task's local variables (process data: keys as the process names them). */
  locals: jsonObject.nullable(),
  createdAt: timestamp,
  claimedAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  completedBy: z.string().nullable(),
  completedByName: z.string().nullable(),
  /** Who delegated the task, while it is delegated or after it came back. */
  owner: z.string().nullable(),
  ownerName: z.string().nullable(),
  delegationState: delegationStateSchema.nullable(),
  /**
   * Open, and named for nobody of ours (no candidates, or names no role, user or mapped external
   * name means): it waits for a team leader of its department to reassign it (unassigned.ts).
   */
  unassigned: z.boolean(),
});
export type Task = z.infer<typeof taskSchema>;

export const taskListSchema = listSchema(taskSchema);

/** A row of `tasks` read with TASK_COLUMNS. */
export interface TaskRow {
  id: string;
  instance_id: string;
  definition_id: string;
  definition_key: string;
  element_id: string;
  name: string | null;
  candidate_groups: string[];
  candidate_users: string[];
  assignee: string | null;
  form_key: string | null;
  due_at: Date | string | null;
  follow_up_at: Date | string | null;
  priority: number;
  status: Task['status'];
  department_id: string | null;
  business_key: string | null;
  locals: Record<string, unknown> | null;
  created_at: Date | string;
  claimed_at: Date | string | null;
  completed_at: Date | string | null;
  completed_by: string | null;
  owner: string | null;
  delegation_state: Task['delegationState'];
}

/** The people a task names, for the display names beside their usernames. */
export function peopleOf(row: Pick<TaskRow, 'assignee' | 'completed_by' | 'owner'>): (string | null)[] {
  return [row.assignee, row.completed_by, row.owner];
}

/**
 * `names`: display names by username (users.display_name); an unknown user has none.
 * `unassigned`: the ids of the unassigned tasks among those read (unassigned.ts).
 */
export function toTask(row: TaskRow, names: ReadonlyMap<string, string>, unassigned: ReadonlySet<string>): Task {
  const name = (username: string | null) => (username ? (names.get(username) ?? null) : null);
  return {
    id: row.id,
    instanceId: row.instance_id,
    definitionId: row.definition_id,
    definitionKey: row.definition_key,
    elementId: row.element_id,
    name: row.name,
    candidateGroups: row.candidate_groups ?? [],
    candidateUsers: row.candidate_users ?? [],
    assignee: row.assignee,
    assigneeName: name(row.assignee),
    formKey: row.form_key,
    dueAt: iso(row.due_at),
    followUpAt: iso(row.follow_up_at),
    priority: row.priority,
    status: row.status,
    departmentId: row.department_id,
    businessKey: row.business_key,
    locals: row.locals ?? null,
    createdAt: iso(row.created_at),
    claimedAt: iso(row.claimed_at),
    completedAt: iso(row.completed_at),
    completedBy: row.completed_by,
    completedByName: name(row.completed_by),
    owner: row.owner,
    ownerName: name(row.owner),
    delegationState: row.delegation_state ?? null,
    unassigned: unassigned.has(row.id),
  };
}

/** What POST /tasks/:id/complete answers: where the instance stands and what the caller may do next. */
export const taskCompletionSchema = z.object({
  taskId: z.guid(),
  instanceId: z.guid(),
  instanceStatus: z.enum(['running', 'completed', 'cancelled', 'failed']),
  /** The instance's new tasks the caller may see: saves a worklist round trip. */
  nextTasks: z.array(
    z.object({
      id: z.guid(),
      elementId: z.string(),
      name: z.string().nullable(),
      assignee: z.string().nullable(),
    }),
  ),
});
export type TaskCompletion = z.infer<typeof taskCompletionSchema>;
