import type { Db } from '../db/index.js';
import type { EngineState } from '../engine/runtime.js';
import type { Variables } from '../engine/step-context.js';
import { Prepared, prefixed, unprefixed } from '../db/prepared.js';

export interface InstanceRow {
  id: string;
  definition_id: string;
  definition_key: string;
  definition_version: number;
  business_key: string | null;
  department_id: string | null;
  status: 'running' | 'completed' | 'cancelled' | 'failed';
  state: EngineState | null;
  variables: Variables;
  revision: number;
  parent_instance_id: string | null;
  parent_execution_id: string | null;
  root_instance_id: string | null;
  started_by: string;
  started_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
  open_incidents: number;
  has_timers: boolean;
  has_subscriptions: boolean;
  /** The whole instance's deadline (the process's dueDate property), when it has one. */
  due_at?: Date | null;
  /** Set while the instance is suspended (instance-suspension.service.ts). */
  suspended_at?: Date | null;
  suspended_by?: string | null;
}

export const INSTANCE_SUMMARY_COLUMNS = [
  'id',
  'definition_id',
  'definition_key',
  'definition_version',
  'business_key',
  'department_id',
  'status',
  'parent_instance_id',
  'root_instance_id',
  'started_by',
  'started_at',
  'ended_at',
  'end_reason',
  'open_incidents',
  'due_at',
  'suspended_at',
  'suspended_by',
  'account_no',
  'customer_id',
  'customer_name',
];

/**
 * Every column of an instance row, named: a named prepared statement that read `*` would fail on
 * every pooled connection ("cached plan must not change result type") once a migration run by
 * another node adds a column, so the hot statements name what they read.
 */
export const INSTANCE_COLUMNS = [
  'id',
  'definition_id',
  'definition_key',
  'definition_version',
  'business_key',
  'department_id',
  'status',
  'state',
  'variables',
  'revision',
  'parent_instance_id',
  'parent_execution_id',
  'root_instance_id',
  'started_by',
  'started_at',
  'ended_at',
  'end_reason',
  'open_incidents',
  'has_timers',
  'has_subscriptions',
  'due_at',
  'suspended_at',
  'suspended_by',
  'account_no',
  'customer_id',
  'customer_name',
];

/** Locks an instance row for the rest of the transaction: two commands on one instance never interleave. */
export async function lockInstance(trx: Db, id: string): Promise<InstanceRow | undefined> {
  return trx('process_instances').where({ id }).forUpdate().first<InstanceRow | undefined>();
}

/**
 * Locks a task's instance and then the task, in ONE statement (the instance row as `lockInstance`
 * reads it, the task's `columns` beside it): one lock order with every other command on the
 * instance — instance first — in one round trip. The instance is locked as the materialized CTE
 * yields its row; only then does the lateral subquery, which needs that row, lock the task. Both
 * are locking reads, so after waiting for another transaction they see its committed rows.
 */
export function taskLockStatement<Task>(name: string, columns: readonly string[]) {
  const statement = new Prepared<Record<string, unknown>>(
    name,
    `WITH i AS MATERIALIZED (
       SELECT ${INSTANCE_COLUMNS.map((c) => `"${c}"`).join(', ')}
       FROM process_instances WHERE id = (SELECT instance_id FROM tasks WHERE id = ?) FOR UPDATE
     )
     SELECT ${INSTANCE_COLUMNS.map((c) => `i."${c}"`).join(', ')}, ${prefixed('t', columns, TASK_PREFIX)}
     FROM i CROSS JOIN LATERAL (
       SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM tasks WHERE tasks.id = ? AND tasks.instance_id = i.id FOR UPDATE
     ) t`,
  );
  return async (trx: Db, taskId: string): Promise<{ instance: InstanceRow; task: Task } | undefined> => {
    const row = await statement.first(trx, [taskId, taskId]);
    if (!row) return undefined;
    const instance: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) if (!key.startsWith(TASK_PREFIX)) instance[key] = value;
    return { instance: instance as unknown as InstanceRow, task: unprefixed<Task>(row, TASK_PREFIX) };
  };
}

const TASK_PREFIX = 'task.';

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}
