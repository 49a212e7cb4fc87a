import type { Db } from '../db/index.js';
import { dec, moneyString } from '../domain/decimal.js';
import type { Authorization } from '../identity/authorization.js';
import type { Actor } from '../lib/actor.js';
import { AppError } from '../lib/errors.js';
import type { ArrearsService } from '../marketing/arrears.js';
import type { BillsService } from '../marketing/bills.service.js';
import type { CustomersService, CustomerRow } from '../marketing/customers.service.js';
import type { TasksService } from '../workflow/tasks.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface InstanceRow {
  id: string;
  definition_id: string;
  definition_key: string;
  definition_version: number;
  business_key: string | null;
  started_at: Date;
  variables: Record<string, unknown>;
}

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

  async get(taskId: string, actor: Actor) {
    const task = (await this.tasks.get(taskId, actor)) as Record<string, unknown> & { instance_id: string };
    const instance = (await this.db('process_instances')
      .where({ id: task.instance_id })
      .first(
        'id',
        'definition_id',
        'definition_key',
        'definition_version',
        'business_key',
        'started_at',
        'variables',
      )) as InstanceRow;
    const [definition, history] = await Promise.all([
      this.db('process_definitions').where({ id: instance.definition_id }).first('name', 'version', 'xml', 'meta'),
      this.db('activity_history as h')
        .leftJoin('users as u', 'u.username', 'h.actor')
        .where('h.instance_id', instance.id)
        .select(
          'h.element_id',
          'h.element_type',
          'h.actor',
          'u.display_name',
          'h.started_at',
          'h.ended_at',
          'h.duration_ms',
        )
        .orderBy([{ column: 'h.started_at' }, { column: 'h.id' }])
        .limit(2000),
    ]);
    const elements = (definition?.meta?.elements ?? {}) as Record<string, { name: string | null }>;
    const customer = await this.customerOf(instance.variables, actor);
    return {
      task,
      instance: {
        id: instance.id,
        definitionKey: instance.definition_key,
        definitionName: (definition?.name as string | null) ?? null,
        version: instance.definition_version,
        businessKey: instance.business_key,
        startedAt: instance.started_at,
      },
      diagramXml: (definition?.xml as string | undefined) ?? null,
      activeElementIds: [...new Set(history.filter((h) => !h.ended_at).map((h) => h.element_id as string))],
      history: history.map((h) => ({
        elementId: h.element_id as string,
        name: elements[h.element_id as string]?.name ?? null,
        type: h.element_type as string,
        actor: (h.actor as string | null) ?? null,
        actorName: (h.display_name as string | null) ?? (h.actor as string | null) ?? null,
        startedAt: h.started_at as Date,
        endedAt: (h.ended_at as Date | null) ?? null,
        durationMs: h.duration_ms === null || h.duration_ms === undefined ? null : Number(h.duration_ms),
      })),
      ...(customer ? await this.customerContext(customer, actor) : {}),
      ...(await this.auditFlags(instance.variables.billId, actor)),
    };
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

  private async customerContext(c: CustomerRow, actor: Actor) {
    const tree = await this.authorization.tree();
    const [bills, arrears] = await Promise.all([
      ifAllowed(() => this.bills.listForCustomer(c.id, actor)),
      ifAllowed(() => this.arrears.report(c.id, undefined, actor)),
    ]);
    const oldest = arrears?.bills.map((b) => b.period).sort()[0] ?? null;
    return {
      customer: {
        id: c.id,
        accountNo: c.account_no,
        name: c.name,
        address: c.address,
        phone: c.phone,
        elecTypeCode: c.elec_type_code,
        departmentId: c.department_id,
        departmentName: tree.get(c.department_id)?.name ?? null,
        status: c.status,
        creditGrade: c.credit_grade,
      },
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
  private async auditFlags(billId: unknown, actor: Actor) {
    if (typeof billId !== 'string' || !UUID.test(billId)) return {};
    const bill = await this.db('bills').where({ id: billId }).first('customer_id', 'audit_flags');
    if (!bill) return {};
    const visible = await ifAllowed(() => this.customers.visible({ id: bill.customer_id }, actor, 'billing', 'read'));
    if (!visible) return {};
    const findings = (bill.audit_flags ?? []) as { rule: number; code?: string; message: string }[];
    return {
      auditFlags: findings.map(({ rule, message, ...details }) => ({ rule, message, details })),
    };
  }
}
