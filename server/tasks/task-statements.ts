import { Prepared } from '../db/prepared.js';
import { taskLockStatement } from '../workflow/instances.repository.js';
import { TASK_COLUMNS, type TaskRow as TaskColumns } from './tasks.contract.js';
import { unassignedCondition } from './unassigned.js';

/**
 * The task commands' statements, written out once (workflow/prepared.ts): a claim or a release is
 * one read and one write, a completion one lock of instance and task. Nothing here is built per
 * request; the access rules are decided in memory on the row read (their `allows` form).
 */

/** A task row as a command reads it: its columns, the execution it waits in, and what the answer shows. */
export interface CommandTaskRow extends TaskColumns {
  execution_id: string;
  /** The row version read (PostgreSQL's `xmin`): the write applies only to this version. */
  xmin: string;
  assignee_name: string | null;
  owner_name: string | null;
  completed_by_name: string | null;
  unassigned: boolean;
}

/** A task row as a command wrote it, with the id and time of its outbox event. */
export interface WrittenTaskRow extends Omit<CommandTaskRow, 'execution_id' | 'xmin'> {
  outbox_id: number | string;
  outbox_at: Date | string;
}

const columns = (alias: string) => TASK_COLUMNS.map((c) => `${alias}."${c}"`).join(', ');

/** The display names of the people a row names, and whether it is named for nobody (unassigned.ts). */
const shown = (alias: string) =>
  `(SELECT display_name FROM users WHERE username = ${alias}.assignee) AS assignee_name,
   (SELECT display_name FROM users WHERE username = ${alias}.owner) AS owner_name,
   (SELECT display_name FROM users WHERE username = ${alias}.completed_by) AS completed_by_name,
   ${unassignedCondition(alias)} AS unassigned`;

/** A task's columns, for reads that check access in memory (TasksService.get). */
export const GET_TASK = new Prepared<TaskColumns>('task_get', `SELECT ${columns('t')} FROM tasks t WHERE t.id = ?`);

const read = `SELECT ${columns('t')}, t.execution_id, t.xmin::text AS xmin, ${shown('t')} FROM tasks t WHERE t.id = ?`;

/** The task as it stands, without a lock: a claim or release decides on it and writes guarded by its `xmin`. */
export const READ_TASK = new Prepared<CommandTaskRow>('task_read', read);

/** The same row locked, for a command whose guarded write missed (the row had changed). */
export const LOCK_TASK = new Prepared<CommandTaskRow>('task_lock', `${read} FOR UPDATE OF t`);

/**
 * A change of who holds a task, with its operation log, audit row and outbox event, as ONE
 * statement that commits by itself (no BEGIN/COMMIT): the update matches only the row version
 * the command decided on (`xmin`), and the inserts run only when it matched (GuardedStatement's
 * reasoning: READ COMMITTED re-checks the update's WHERE against a row it waited for). No row
 * back means nothing was written. Bindings: see `TaskWrite.bindings` in tasks.service.ts.
 */
export const WRITE_TASK = new Prepared<WrittenTaskRow>(
  'task_write',
  `WITH g AS (
     UPDATE tasks SET assignee = ?, claimed_at = ?, owner = ?, delegation_state = ?, revision = revision + 1
     WHERE id = ? AND xmin = ?::text::xid
     RETURNING ${TASK_COLUMNS.map((c) => `"${c}"`).join(', ')}
   ), l AS (
     INSERT INTO operation_log (instance_id, task_id, operation, actor, details)
     SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM g)
   ), a AS (
     INSERT INTO audit_log (actor_id, actor_name, action, object_type, object_id, department_id, details, ip, user_agent)
     SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM g)
   ), o AS (
     INSERT INTO outbox (topic, department_id, definition_key, instance_id, payload)
     SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM g)
     RETURNING id, created_at
   )
   SELECT g.*, o.id AS outbox_id, o.created_at AS outbox_at, ${shown('g')} FROM g CROSS JOIN o`,
);

/** A task's instance and then the task, locked and read in one statement (instances.repository.ts). */
export const lockForCompletion = taskLockStatement<TaskColumns & { execution_id: string }>('task_complete_lock', [
  ...TASK_COLUMNS,
  'execution_id',
]);

/** A completed task, its operation log and audit row: fixed texts for the step's write batch. */
export const COMPLETE_TASK =
  "UPDATE tasks SET status = 'completed', completed_at = ?, completed_by = ?, revision = revision + 1 WHERE id = ?";
export const INSERT_OPERATION_LOG =
  'INSERT INTO operation_log (instance_id, task_id, operation, actor, details) VALUES (?, ?, ?, ?, ?)';
export const INSERT_AUDIT =
  'INSERT INTO audit_log (actor_id, actor_name, action, object_type, object_id, department_id, details, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
