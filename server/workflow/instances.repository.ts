import type { Db } from '../db/index.js';
import type { EngineState } from '../engine/runtime.js';
import type { Variables } from '../engine/step-context.js';

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

/** Locks an instance row for the rest of the transaction: two commands on one instance never interleave. */
export async function lockInstance(trx: Db, id: string): Promise<InstanceRow | undefined> {
  return trx('process_instances').where({ id }).forUpdate().first<InstanceRow | undefined>();
}

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}
