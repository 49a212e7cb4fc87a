import type { Knex } from 'knex';
import type { Db } from '../db/index.js';

/** An external_tasks row (migrations/20261205_04_external_tasks.ts). */
export interface ExternalTaskRow {
  id: string;
  instance_id: string;
  definition_id: string;
  definition_key: string;
  execution_id: string;
  element_id: string;
  topic: string;
  priority: number | string;
  worker_id: string | null;
  lock_expires_at: Date | null;
  retries: number | null;
  error_message: string | null;
  error_details: string | null;
  business_key: string | null;
  department_id: string | null;
  locals: Record<string, unknown>;
  created_at: Date;
}

/** The filters of Camunda's external task query (GET/POST /external-task, /count). */
export interface ExternalTaskFilter {
  externalTaskId?: string | undefined;
  externalTaskIdIn?: string[] | undefined;
  topicName?: string | undefined;
  workerId?: string | undefined;
  locked?: boolean | undefined;
  notLocked?: boolean | undefined;
  withRetriesLeft?: boolean | undefined;
  noRetriesLeft?: boolean | undefined;
  lockExpirationAfter?: Date | undefined;
  lockExpirationBefore?: Date | undefined;
  activityId?: string | undefined;
  activityIdIn?: string[] | undefined;
  executionId?: string | undefined;
  processInstanceId?: string | undefined;
  processInstanceIdIn?: string[] | undefined;
  processDefinitionId?: string | undefined;
  processDefinitionKey?: string | undefined;
  processDefinitionKeyIn?: string[] | undefined;
  /** Instances are never suspended here: `active` matches every task, `suspended` none. */
  active?: boolean | undefined;
  suspended?: boolean | undefined;
  priorityHigherThanOrEquals?: number | undefined;
  priorityLowerThanOrEquals?: number | undefined;
}

export type ExternalTaskSortKey =
  | 'id'
  | 'lockExpirationTime'
  | 'processInstanceId'
  | 'processDefinitionId'
  | 'processDefinitionKey'
  | 'taskPriority'
  | 'createTime'
  | 'tenantId';

const SORT_COLUMNS: Record<ExternalTaskSortKey, string | null> = {
  id: 'id',
  lockExpirationTime: 'lock_expires_at',
  processInstanceId: 'instance_id',
  processDefinitionId: 'definition_id',
  processDefinitionKey: 'definition_key',
  taskPriority: 'priority',
  createTime: 'created_at',
  // No tenants here: every task has the same (null) tenant.
  tenantId: null,
};

/** What makes a task fetchable: retries left and no lock (or an expired one, or a retry timeout that passed). */
export function fetchable(q: Knex.QueryBuilder, now: Date, alias = ''): Knex.QueryBuilder {
  const c = (column: string) => (alias ? `${alias}.${column}` : column);
  return q
    .where((w) => void w.whereNull(c('retries')).orWhere(c('retries'), '>', 0))
    .where((w) => void w.whereNull(c('lock_expires_at')).orWhere(c('lock_expires_at'), '<', now));
}

/** Applies Camunda's external task query filters (the platform clock's `now` decides "locked"). */
export function applyFilter(q: Knex.QueryBuilder, filter: ExternalTaskFilter, now: Date): Knex.QueryBuilder {
  const eq = (column: string, value: unknown) => {
    if (value !== undefined) void q.where(column, value as Knex.Value);
  };
  const inList = (column: string, values: string[] | undefined) => {
    if (values) void q.whereIn(column, values);
  };
  eq('id', filter.externalTaskId);
  inList('id', filter.externalTaskIdIn);
  eq('topic', filter.topicName);
  eq('worker_id', filter.workerId);
  eq('element_id', filter.activityId);
  inList('element_id', filter.activityIdIn);
  eq('execution_id', filter.executionId);
  eq('instance_id', filter.processInstanceId);
  inList('instance_id', filter.processInstanceIdIn);
  eq('definition_id', filter.processDefinitionId);
  eq('definition_key', filter.processDefinitionKey);
  inList('definition_key', filter.processDefinitionKeyIn);
  if (filter.locked) void q.where('lock_expires_at', '>', now);
  if (filter.notLocked) void q.where((w) => void w.whereNull('lock_expires_at').orWhere('lock_expires_at', '<=', now));
  if (filter.withRetriesLeft) void q.where((w) => void w.whereNull('retries').orWhere('retries', '>', 0));
  if (filter.noRetriesLeft) void q.where('retries', 0);
  if (filter.lockExpirationAfter) void q.where('lock_expires_at', '>', filter.lockExpirationAfter);
  if (filter.lockExpirationBefore) void q.where('lock_expires_at', '<', filter.lockExpirationBefore);
  if (filter.suspended) void q.whereRaw('false');
  if (filter.priorityHigherThanOrEquals !== undefined)
    void q.where('priority', '>=', filter.priorityHigherThanOrEquals);
  if (filter.priorityLowerThanOrEquals !== undefined) void q.where('priority', '<=', filter.priorityLowerThanOrEquals);
  return q;
}

export function applySorting(
  q: Knex.QueryBuilder,
  sorting: { sortBy: ExternalTaskSortKey; sortOrder: 'asc' | 'desc' }[],
): Knex.QueryBuilder {
  for (const s of sorting) {
    const column = SORT_COLUMNS[s.sortBy];
    if (column) void q.orderBy(column, s.sortOrder);
  }
  return q.orderBy('id');
}

export function externalTasks(db: Db): Knex.QueryBuilder<ExternalTaskRow> {
  return db<ExternalTaskRow>('external_tasks');
}
