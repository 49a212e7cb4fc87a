import type { Knex } from 'knex';
import type { DepartmentTree } from '../identity/departments.js';
import { Invalid } from '../lib/errors.js';
import type { InstanceSearch, InstanceSortKey } from './instance.contract.js';

const SORT_COLUMNS: Record<InstanceSortKey, string> = {
  startedAt: 'started_at',
  endedAt: 'ended_at',
  dueAt: 'due_at',
  businessKey: 'business_key',
  definitionKey: 'definition_key',
  status: 'status',
  departmentId: 'department_id',
};

/** `%`, `_` and `\` typed by a user are literal, not patterns (PostgreSQL's default LIKE escape is `\`). */
function likePrefix(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The search's filters, as SQL over `process_instances` (the caller adds the access rule). */
export function applyInstanceSearch(
  q: Knex.QueryBuilder,
  filter: Partial<InstanceSearch>,
  context: { now: Date; tree: DepartmentTree },
): void {
  if (filter.definitionKey) void q.where('definition_key', filter.definitionKey);
  if (filter.definitionVersion !== undefined) void q.where('definition_version', filter.definitionVersion);
  if (filter.definitionId) void q.where('definition_id', filter.definitionId);
  if (filter.status?.length) void q.whereIn('status', filter.status);
  if (filter.hasIncident !== undefined) void q.where('open_incidents', filter.hasIncident ? '>' : '=', 0);
  if (filter.suspended === true) void q.whereNotNull('suspended_at');
  if (filter.suspended === false) void q.whereNull('suspended_at');
  if (filter.overdue === true) void q.where({ status: 'running' }).where('due_at', '<', context.now);
  if (filter.overdue === false)
    void q.where((w) => {
      void w.whereNot('status', 'running').orWhereNull('due_at').orWhere('due_at', '>=', context.now);
    });
  if (filter.businessKey) void q.where('business_key', filter.businessKey);
  if (filter.businessKeyStartsWith)
    void q.whereRaw('lower(business_key) like ?', [likePrefix(filter.businessKeyStartsWith)]);
  if (filter.customer) customerFilter(q, filter.customer);
  if (filter.currentElementId) waitingAt(q, filter.currentElementId);
  if (filter.departmentId) {
    const department = context.tree.get(filter.departmentId);
    if (!department)
      throw new Invalid('VALIDATION_FAILED', `unknown department ${filter.departmentId}`, [
        { field: 'query.departmentId', reason: 'unknown' },
      ]);
    void q.whereIn('department_id', context.tree.subtreeIds(department.path));
  }
  if (filter.parentInstanceId) void q.where('parent_instance_id', filter.parentInstanceId);
  if (filter.startedAfter) void q.where('started_at', '>=', filter.startedAfter);
  if (filter.startedBefore) void q.where('started_at', '<', filter.startedBefore);
  if (filter.endedAfter) void q.where('ended_at', '>=', filter.endedAfter);
  if (filter.endedBefore) void q.where('ended_at', '<', filter.endedBefore);
}

/** The search's order: the chosen column, then id so that pages never overlap; empty values last. */
export function orderInstanceSearch(q: Knex.QueryBuilder, filter: Pick<InstanceSearch, 'sortBy' | 'sortOrder'>): void {
  const column = SORT_COLUMNS[filter.sortBy];
  void q.orderBy([
    { column, order: filter.sortOrder, nulls: 'last' },
    { column: 'id', order: filter.sortOrder },
  ]);
}

/**
 * An account number, a customer id, or the start of a customer's name: on the instance's own
 * customer columns (generated from its variables) or through the customers it names.
 */
function customerFilter(q: Knex.QueryBuilder, term: string): void {
  const prefix = likePrefix(term);
  void q.where((w) => {
    void w
      .where('account_no', term)
      .orWhere('customer_id', term)
      .orWhereRaw('lower(customer_name) like ?', [prefix])
      .orWhereIn('customer_id', (sub) => {
        void sub
          .from('customers')
          .select(sub.client.raw('id::text'))
          .where('account_no', term)
          .orWhereRaw('lower(name) like ?', [prefix])
          .limit(500);
      });
  });
}

/** Instances waiting at an element: an open task, a job (timer, service call), a message, an external task. */
function waitingAt(q: Knex.QueryBuilder, elementId: string): void {
  void q.whereIn('id', (sub) => {
    void sub
      .from('tasks')
      .select('instance_id')
      .where({ status: 'open', element_id: elementId })
      .unionAll((u) => void u.from('jobs').select('instance_id').where({ element_id: elementId }))
      .unionAll((u) => void u.from('message_subscriptions').select('instance_id').where({ element_id: elementId }))
      .unionAll((u) => void u.from('external_tasks').select('instance_id').where({ element_id: elementId }));
  });
}
