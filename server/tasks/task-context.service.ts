import type { Db } from '../db/index.js';
import { dec, moneyString } from '../domain/decimal.js';
import type { Authorization } from '../identity/authorization.js';
import { SYSTEM_ACTOR, type Actor } from '../lib/actor.js';
import { AppError, NotFound } from '../lib/errors.js';
import { iso } from '../lib/contract.js';
import type { ArrearsService } from '../marketing/arrears.js';
import type { BillsService } from '../marketing/bills.service.js';
import type { CustomersService, CustomerRow } from '../marketing/customers.service.js';
import { toCustomerSummary } from '../marketing/customer.contract.js';
import type { TasksService } from './tasks.service.js';
import { peopleOf, toTask, type TaskRow } from './tasks.contract.js';
import { displayNames } from '../workflow/user-names.js';
import { toHistoryEntry, type HistoryRow, type TaskContext } from './task-context.contract.js';
import { unassignedIds } from './unassigned.js';
import { Prepared } from '../db/prepared.js';

interface DefinitionRow {
  name: string | null;
  xml: string;
  meta: { elements?: Record<string, { name: string | null }> } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface InstanceRow {
  id: string;
  definition_id: string;
  definition_key: string;
  definition_version: number;
  business_key: string | null;
  started_at: Date | string;
  started_by: string;
  variables: Record<string, unknown>;
}

/** The instance's open tasks someone holds: who acts at each open step. */
const OPEN_ASSIGNED_TASKS = new Prepared<{ execution_id: string; assignee: string }>(
  'task_context_open_assigned',
  `SELECT execution_id, assignee FROM tasks WHERE instance_id = ? AND status = 'open' AND assignee IS NOT NULL`,
);
/** A task's instance and its definition (name, diagram, element names), by the task's id. */
const INSTANCE_OF_TASK = new Prepared<
  InstanceRow & {
    definition_name: string | null;
    definition_xml: string | null;
    definition_meta: DefinitionRow['meta'];
  }
>(
  'task_context_instance_of_task',
  `SELECT i.id, i.definition_id, i.definition_key, i.definition_version, i.business_key, i.started_at, i.started_by,
          i.variables, d.name AS definition_name, d.xml AS definition_xml, d.meta AS definition_meta
   FROM tasks t JOIN process_instances i ON i.id = t.instance_id
   LEFT JOIN process_definitions d ON d.id = i.definition_id
   WHERE t.id = ?`,
);

/** A lookup the viewer may not make (another county's customer) leaves its part out, nothing more. */
async function ifAllowed<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof AppError && (err.status === 404 || err.status === 403)) return undefined;
    throw err;
  }
}

/**
 * Everything the task page shows beside the form: the instance and its diagram with where it
 * stands, its history, and — when the instance names a customer (`customerId` / `accountNo`)
 * and a bill (`billId`) — the customer, their last 12 bills, arrears and the bill's audit
 * findings, each read with the viewer's own permissions.
 */
export class TaskContextService {
  constructor(
    private readonly db: Db,
    private readonly tasks: TasksService,
    private readonly authorization: Authorization,
    private readonly customers: CustomersService,
    private readonly bills: BillsService,
    private readonly arrears: ArrearsService,
  ) {}

  async get(taskId: string, actor: Actor): Promise<TaskContext> {
    // The instance is read beside the task, not after it: one wait for the database fewer. Nothing
    // of it is used unless the task is visible to the actor (the task's own read decides).
    const [task, found] = await Promise.all([this.tasks.get(taskId, actor), INSTANCE_OF_TASK.first(this.db, [taskId])]);
    if (!found) throw new NotFound('process instance', task.instance_id);
    const { definition_name, definition_xml, definition_meta, ...instance } = found;
    const definition: DefinitionRow | undefined =
      definition_xml === null ? undefined : { name: definition_name, xml: definition_xml, meta: definition_meta };
    // Three reads that need only the task and its instance, side by side: the history (then the
    // names of who acted), the customer (then their bills and arrears), the held bill's findings.
    // Each stage waits its turn for the database under load; fewer stages in a row, shorter waits.
    const [{ history, names, unassigned }, customerPart, auditPart] = await Promise.all([
      this.historyOf(task, instance),
      this.customerOf(instance.variables, actor).then((customer) =>
        customer ? this.customerContext(customer, actor) : {},
      ),
      this.auditFlags(instance.variables.billId, actor),
    ]);
    const elements = definition?.meta?.elements ?? {};
    return {
      task: toTask(task, names, unassigned),
      instance: {
        id: instance.id,
        definitionKey: instance.definition_key,
        definitionName: definition?.name ?? null,
        version: instance.definition_version,
        businessKey: instance.business_key,
        startedAt: iso(instance.started_at),
      },
      diagramXml: definition?.xml ?? null,
      activeElementIds: [...new Set(history.filter((h) => !h.ended_at).map((h) => h.element_id))],
      history: history.map((h) =>
        toHistoryEntry(h, elements[h.element_id]?.name ?? null, h.actor ? (names.get(h.actor) ?? h.actor) : null),
      ),
      ...customerPart,
      ...auditPart,
    };
  }

  /** The instance's steps with who acted at each, the display names of everyone named, and whether the task is unassigned. */
  private async historyOf(task: TaskRow, instance: InstanceRow) {
    const [rows, openTasks, unassigned] = await Promise.all([
      this.db('activity_history as h')
        .where('h.instance_id', instance.id)
        .select<HistoryRow[]>(
          'h.element_id',
          'h.element_type',
          'h.execution_id',
          'h.actor',
          'h.started_at',
          'h.ended_at',
          'h.duration_ms',
        )
        .orderBy([{ column: 'h.started_at' }, { column: 'h.id' }])
        .limit(2000),
      OPEN_ASSIGNED_TASKS.rows(this.db, [instance.id]),
      unassignedIds(this.db, [task.id]),
    ]);
    const history = this.actors(rows, instance, openTasks);
    const names = await displayNames(this.db, [...history.map((h) => h.actor), ...peopleOf(task)]);
    return { history, names, unassigned };
  }

  /**
   * Who acted at each step. activity_history records the person who completed a user task; the
   * instance's own start event was the starter's doing (`started_by`); an open user task is in
   * its assignee's hands; every other step (gateways, service tasks, timers, sub-process starts)
   * is the engine's — `automatic`, shown as "System" rather than as a blank.
   */
  private actors(
    rows: HistoryRow[],
    instance: InstanceRow,
    openTasks: { execution_id: string; assignee: string }[],
  ): (HistoryRow & { automatic: boolean })[] {
    const holders = new Map(openTasks.map((t) => [t.execution_id, t.assignee]));
    const bySystem = (username: string | null) => !username || username === SYSTEM_ACTOR.username;
    return rows.map((row, i) => {
      if (/UserTask$/.test(row.element_type)) {
        const actor = row.actor ?? (row.ended_at ? null : (holders.get(row.execution_id) ?? null));
        return { ...row, actor, automatic: false };
      }
      if (i === 0 && /StartEvent$/.test(row.element_type) && !bySystem(instance.started_by)) {
        return { ...row, actor: instance.started_by, automatic: false };
      }
      return { ...row, actor: null, automatic: true };
    });
  }

  private async customerOf(variables: Record<string, unknown>, actor: Actor): Promise<CustomerRow | undefined> {
    const { customerId, accountNo } = variables;
    if (typeof customerId === 'string' && UUID.test(customerId)) {
      return ifAllowed(() => this.customers.visible({ id: customerId }, actor));
    }
    if (typeof accountNo === 'string' && accountNo) {
      return ifAllowed(() => this.customers.visible({ account_no: accountNo }, actor));
    }
    return undefined;
  }

  private async customerContext(
    c: CustomerRow,
    actor: Actor,
  ): Promise<Pick<TaskContext, 'customer' | 'bills' | 'arrears'>> {
    const tree = await this.authorization.tree();
    const [bills, arrears] = await Promise.all([
      ifAllowed(() => this.bills.listForCustomer(c.id, actor)),
      ifAllowed(() => this.arrears.report(c.id, undefined, actor)),
    ]);
    const oldest = arrears?.bills.map((b) => b.period).sort()[0] ?? null;
    return {
      customer: toCustomerSummary(c, tree.get(c.department_id)),
      ...(bills ? { bills: bills.items.slice(0, 12) } : {}),
      ...(arrears
        ? {
            arrears: {
              total: moneyString(dec(arrears.totalArrears).plus(arrears.lateFees)),
              principal: arrears.totalArrears,
              penalty: arrears.lateFees,
              oldest,
              asOf: arrears.asOf,
            },
          }
        : {}),
    };
  }

  /** DOMAIN.md / migration 04: the audit rules the bill named by `billId` tripped. */
  private async auditFlags(billId: unknown, actor: Actor): Promise<Pick<TaskContext, 'auditFlags'>> {
    if (typeof billId !== 'string' || !UUID.test(billId)) return {};
    const bill = await this.db('bills')
      .where({ id: billId })
      .first<
        { customer_id: string; audit_flags: { rule: number; code?: string; message: string }[] | null } | undefined
      >('customer_id', 'audit_flags');
    if (!bill) return {};
    const visible = await ifAllowed(() => this.customers.visible({ id: bill.customer_id }, actor, 'billing', 'read'));
    if (!visible) return {};
    const findings = bill.audit_flags ?? [];
    return {
      auditFlags: findings.map(({ rule, message, ...details }) => ({ rule, message, details })),
    };
  }
}
